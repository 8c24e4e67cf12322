import 'reflect-metadata';
import { createApp } from '../src/app.setup';
import { loadAppConfig } from '../src/config/app-config';
import { whenNpmExits } from '../src/parent-watch';
import { RunningStack, startStack } from './lib/embedded-stack';
import { migrate } from '../src/legacy-migration/legacy-migration.context';

const DEV_JWT_SECRET = 'dev-only-secret-change-me-0123456789';
// SIGHUP: the terminal went away; SIGQUIT: Ctrl-\.
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'] as const;

/**
 * `npm run dev`: starts what is not configured (PostgreSQL, MongoDB-wire server, Redis),
 * migrates, serves the app, and on any stop signal, even one during start-up, stops everything
 * it started.
 */
function main(): void {
  const log = (m: string) => console.log(`[dev] ${m}`);
  const stopRequested = new AbortController();
  let stack: RunningStack | undefined;
  let app: Awaited<ReturnType<typeof createApp>> | undefined;

  const startUp = (async () => {
    stack = await startStack({
      databaseUrl: process.env.DATABASE_URL || undefined,
      mongodbUri: process.env.MONGODB_URI || undefined,
      redisUrl: process.env.REDIS_URL || undefined,
      log,
      signal: stopRequested.signal,
    });
    const applied = await migrate(stack.databaseUrl, 'up');
    log(`migrations applied: ${applied.length ? applied.join(', ') : 'none pending'}`);
    if (stopRequested.signal.aborted) return;
    const config = loadAppConfig({
      NODE_ENV: 'development',
      JWT_SECRET: DEV_JWT_SECRET,
      ...process.env,
      DATABASE_URL: stack.databaseUrl,
      MONGODB_URI: stack.mongodbUri,
      REDIS_URL: stack.redisUrl ?? '',
    });
    app = await createApp(config);
    if (stopRequested.signal.aborted) return;
    // Our own signal handlers close the app before stopping the databases.
    await app.listen({ port: config.PORT, host: config.HOST });
    log(`listening on http://localhost:${config.PORT} (docs: /docs)`);
    log(`PostgreSQL ${stack.databaseUrl}`);
    log(`MongoDB    ${stack.mongodbUri}`);
    log(`Redis      ${stack.redisUrl ?? 'none (cache off)'}`);
  })().catch(async (error: unknown) => {
    // Stopped during startStack: it has stopped what it had started.
    if (stopRequested.signal.aborted) return;
    console.error(
      `[dev] start-up failed: ${error instanceof Error ? error.message : String(error)}`,
    );
    await stack?.stop();
    process.exit(1);
  });

  const shutdown = async (reason: string) => {
    if (stopRequested.signal.aborted) return;
    stopRequested.abort();
    log(`${reason}: stopping`);
    // Start-up ends at its next step; only then is everything it started known.
    await startUp;
    await app?.close().catch((e: unknown) => log(`app close failed: ${String(e)}`));
    await stack?.stop();
    log('stopped');
    process.exit(0);
  };
  for (const signal of STOP_SIGNALS) process.on(signal, () => void shutdown(signal));
  whenNpmExits(() => void shutdown('npm exited'));
}

main();
