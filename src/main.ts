import 'reflect-metadata';
import { createApp } from './app.setup';
import { ConfigError, loadAppConfig } from './config/app-config';

async function main(): Promise<void> {
  const config = loadAppConfig();
  const app = await createApp(config);
  // SIGTERM/SIGINT close Fastify, MikroORM, Mongoose and Redis before the process exits.
  app.enableShutdownHooks();
  await app.listen({ port: config.PORT, host: config.HOST });
}

main().catch((error: unknown) => {
  const message =
    error instanceof ConfigError ? error.message : `Start-up failed: ${String(error)}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
});
