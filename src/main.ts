import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { createApp } from './app.setup';
import { ConfigError, loadAppConfig } from './config/app-config';
import { whenNpmExits } from './parent-watch';

async function main(): Promise<void> {
  // A .env file fills in what the environment does not set (the environment wins).
  if (existsSync('.env')) process.loadEnvFile('.env');
  const config = loadAppConfig();
  const app = await createApp(config);
  // SIGTERM/SIGINT close Fastify, MikroORM, Mongoose and Redis before the process exits.
  app.enableShutdownHooks();
  await app.listen({ port: config.PORT, host: config.HOST });
  // A second SIGTERM would cut the graceful shutdown short, hence once.
  whenNpmExits(() => process.kill(process.pid, 'SIGTERM'));
}

main().catch((error: unknown) => {
  const message =
    error instanceof ConfigError ? error.message : `Start-up failed: ${String(error)}`;
  process.stderr.write(`${message}\n`);
  process.exit(1);
});
