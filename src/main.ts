import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { createApp } from './app.setup';
import { ConfigError, loadAppConfig } from './config/app-config';

async function main(): Promise<void> {
  // A .env file fills in what the environment does not set (the environment wins).
  if (existsSync('.env')) process.loadEnvFile('.env');
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
