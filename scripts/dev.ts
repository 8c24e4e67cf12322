import 'reflect-metadata';
import { createApp } from '../src/app.setup';
import { loadAppConfig } from '../src/config/app-config';
import { startStack } from './lib/embedded-stack';
import { migrate } from './lib/migrations';

const DEV_JWT_SECRET = 'dev-only-secret-change-me-0123456789';

/**
 * `npm run dev`: starts what is not configured (PostgreSQL, MongoDB-wire server, Redis),
 * migrates, serves the app, and on Ctrl-C/SIGTERM stops everything it started.
 */
async function main(): Promise<void> {
  const log = (m: string) => console.log(`[dev] ${m}`);
  const stack = await startStack({
    databaseUrl: process.env.DATABASE_URL || undefined,
    mongodbUri: process.env.MONGODB_URI || undefined,
    redisUrl: process.env.REDIS_URL || undefined,
    log,
  });
  let stopping = false;
  let app: Awaited<ReturnType<typeof createApp>> | undefined;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping`);
    await app?.close().catch((e: unknown) => log(`app close failed: ${String(e)}`));
    await stack.stop();
    log('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  try {
    const applied = await migrate(stack.databaseUrl, 'up');
    log(`migrations applied: ${applied.length ? applied.join(', ') : 'none pending'}`);
    const config = loadAppConfig({
      NODE_ENV: 'development',
      JWT_SECRET: DEV_JWT_SECRET,
      ...process.env,
      DATABASE_URL: stack.databaseUrl,
      MONGODB_URI: stack.mongodbUri,
      REDIS_URL: stack.redisUrl ?? '',
    });
    app = await createApp(config);
    // Our own SIGINT/SIGTERM handlers close the app before stopping the databases.
    await app.listen({ port: config.PORT, host: config.HOST });
    log(`listening on http://localhost:${config.PORT} (docs: /docs)`);
    log(`PostgreSQL ${stack.databaseUrl}`);
    log(`MongoDB    ${stack.mongodbUri}`);
    log(`Redis      ${stack.redisUrl ?? 'none (cache off)'}`);
  } catch (error) {
    console.error(
      `[dev] start-up failed: ${error instanceof Error ? error.message : String(error)}`,
    );
    await stack.stop();
    process.exit(1);
  }
}

void main();
