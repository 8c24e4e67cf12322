import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { startStack } from '../../scripts/lib/embedded-stack';
import { execFileSync } from 'node:child_process';
import { TEST_JWT_SECRET } from './test-env';

/**
 * Once per `npm test`: starts the embedded stack on free ports (or uses TEST_DATABASE_URL /
 * TEST_MONGODB_URI / TEST_REDIS_URL), migrates a fresh database, and hands the URLs to the
 * test workers through the environment.
 */
export default async function globalSetup(): Promise<void> {
  const runId = `${process.pid}_${randomBytes(3).toString('hex')}`;
  const log = (m: string) => process.stderr.write(`[test-stack] ${m}\n`);
  const stack = await startStack({
    databaseUrl: process.env.TEST_DATABASE_URL
      ? await createFreshDatabase(process.env.TEST_DATABASE_URL, `course_service_test_${runId}`)
      : undefined,
    mongodbUri: process.env.TEST_MONGODB_URI
      ? withDatabase(process.env.TEST_MONGODB_URI, `course_service_test_${runId}`)
      : undefined,
    redisUrl: process.env.TEST_REDIS_URL || undefined,
    databaseName: 'course_service_test',
    log,
  });
  (globalThis as Record<string, unknown>).__TEST_STACK__ = stack;
  // In a child process: MikroORM's metadata, once loaded here, breaks the ORM inside Jest's
  // test sandbox when tests run in band (mikro-orm/mikro-orm#3783).
  execFileSync(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', 'scripts/migrate.ts', 'up'],
    {
      env: { ...process.env, DATABASE_URL: stack.databaseUrl },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  Object.assign(process.env, {
    NODE_ENV: 'test',
    DATABASE_URL: stack.databaseUrl,
    MONGODB_URI: stack.mongodbUri,
    REDIS_URL: stack.redisUrl ?? '',
    CACHE_KEY_PREFIX: `test_${runId}:`,
    JWT_SECRET: TEST_JWT_SECRET,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    TEST_STACK_PIDS: stack.pids.join(','),
  });
}

async function createFreshDatabase(serverUrl: string, name: string): Promise<string> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`create database "${name}"`);
  } finally {
    await client.end();
  }
  process.env.TEST_CREATED_DATABASE = name;
  return withDatabase(serverUrl, name);
}

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}
