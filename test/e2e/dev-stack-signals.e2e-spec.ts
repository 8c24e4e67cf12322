import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../../scripts/lib/embedded-stack';

const ROOT = resolve(__dirname, '../..');
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;

interface Launched {
  npm: ChildProcess;
  output(): string;
  /** Resolves when npm and everything holding its output (the script) have exited. */
  closed: Promise<void>;
}

/** `npm run <script>` in its own process group, so a failed test can still kill it. */
function npmRun(script: string, cwd: string, env: NodeJS.ProcessEnv): Launched {
  const npm = spawn('npm', ['run', script], {
    cwd,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  npm.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  npm.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const closed = new Promise<void>((done) => npm.stdout!.once('close', () => done()));
  return { npm, output: () => output, closed };
}

async function until<T>(what: string, check: () => T | Promise<T>, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function within(promise: Promise<void>, what: string, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
  });
  try {
    await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Every live process below `pid` (zombies count as gone: only their exit status is left). */
function descendants(pid: number): number[] {
  const table = execFileSync('ps', ['-eo', 'pid=,ppid=,stat='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .map(([p, pp, stat]) => ({ pid: Number(p), ppid: Number(pp), zombie: stat.startsWith('Z') }));
  const found: number[] = [];
  const walk = (parent: number) => {
    for (const row of table)
      if (row.ppid === parent && !row.zombie) {
        found.push(row.pid);
        walk(row.pid);
      }
  };
  walk(pid);
  return found;
}

function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

function answers(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}

async function expectAllGone(pids: number[], ports: number[]): Promise<void> {
  await until(
    'the started processes to exit',
    () => pids.every((pid) => !isRunning(pid)),
    STOP_TIMEOUT_MS,
  );
  for (const port of ports) expect([port, await answers(port)]).toEqual([port, false]);
}

function killGroup(launched: Launched): void {
  try {
    process.kill(-launched.npm.pid!, 'SIGKILL');
  } catch {
    // Already gone, as it should be.
  }
}

/**
 * npm forwards only SIGINT and SIGTERM to a script, and only to the process it spawned; the
 * scripts `exec` so that process is the app, and the app stops itself when npm dies of another
 * signal. Either way nothing the script started outlives it.
 */
describe('npm run dev / npm start signals (e2e)', () => {
  const env = (extra: Record<string, string>): NodeJS.ProcessEnv => {
    const out: NodeJS.ProcessEnv = { ...process.env, ...extra };
    // The test run's databases and mode: `npm run dev` must start and stop its own stack.
    for (const key of ['DATABASE_URL', 'MONGODB_URI', 'REDIS_URL', 'NODE_ENV', 'TEST_STACK_PIDS'])
      delete out[key];
    return out;
  };

  it.each(['SIGTERM', 'SIGHUP'] as const)(
    'stops the app and every database `npm run dev` started when npm gets %s',
    async (signal) => {
      const port = await freePort();
      const dev = npmRun('dev', ROOT, env({ PORT: String(port), LOG_LEVEL: 'silent' }));
      try {
        // The last line of the start-up.
        await until(
          'npm run dev to listen',
          () => /\[dev\] Redis +\S+/.test(dev.output()),
          START_TIMEOUT_MS,
        );
        const log = dev.output();
        const ports = [
          port,
          ...[/PostgreSQL postgres:\/\/\S+:(\d+)\//, /MongoDB +mongodb:\/\/[^:]+:(\d+)\//]
            .map((pattern) => Number(pattern.exec(log)?.[1]))
            .filter((p) => p > 0),
        ];
        const redisPort = /Redis +redis:\/\/[^:]+:(\d+)/.exec(log)?.[1];
        if (redisPort) ports.push(Number(redisPort));
        expect(ports.length).toBeGreaterThanOrEqual(3);
        const pids = descendants(dev.npm.pid!);
        // The app (ts-node), PostgreSQL, the MongoDB-wire server, the orphan guard.
        expect(pids.length).toBeGreaterThanOrEqual(4);
        for (const p of ports) expect([p, await answers(p)]).toEqual([p, true]);

        process.kill(dev.npm.pid!, signal);
        await within(dev.closed, 'npm run dev to end', STOP_TIMEOUT_MS);
        await expectAllGone(pids, ports);
        expect(dev.output().trimEnd()).toMatch(/\[dev\] stopped$/);
      } finally {
        killGroup(dev);
      }
    },
    START_TIMEOUT_MS + 2 * STOP_TIMEOUT_MS,
  );

  describe('npm start', () => {
    // `npm start` runs the built app; this runs the same script, with a dist/src/main.js that
    // loads src/main.ts, so the test needs no build.
    const dir = mkdtempSync(join(tmpdir(), 'npm-start-'));
    beforeAll(() => {
      const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
        scripts: Record<string, string>;
      };
      writeFileSync(
        join(dir, 'package.json'),
        JSON.stringify({ name: 'npm-start-signals', private: true, scripts }),
      );
      mkdirSync(join(dir, 'dist', 'src'), { recursive: true });
      writeFileSync(
        join(dir, 'dist', 'src', 'main.js'),
        `require(${JSON.stringify(join(ROOT, 'node_modules', 'ts-node'))}).register({
           transpileOnly: true,
           project: ${JSON.stringify(join(ROOT, 'tsconfig.json'))},
         });
         require(${JSON.stringify(join(ROOT, 'src', 'main.ts'))});`,
      );
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it.each(['SIGINT', 'SIGHUP'] as const)(
      'stops the app when npm gets %s',
      async (signal) => {
        const port = await freePort();
        // The suite's databases; the app must not start any.
        const start = npmRun('start', dir, {
          ...process.env,
          PORT: String(port),
          HOST: '127.0.0.1',
          LOG_LEVEL: 'silent',
        });
        try {
          await until(
            'npm start to listen',
            async () => (await fetch(`http://127.0.0.1:${port}/health/live`).catch(() => null))?.ok,
            START_TIMEOUT_MS,
          );
          const pids = descendants(start.npm.pid!);
          expect(pids.length).toBeGreaterThanOrEqual(1);

          process.kill(start.npm.pid!, signal);
          await within(start.closed, 'npm start to end', STOP_TIMEOUT_MS);
          await expectAllGone(pids, [port]);
        } finally {
          killGroup(start);
        }
      },
      START_TIMEOUT_MS + 2 * STOP_TIMEOUT_MS,
    );
  });
});
