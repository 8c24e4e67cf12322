import 'reflect-metadata';
import autocannon from 'autocannon';
import { sign } from 'jsonwebtoken';
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { freePort, startStack } from './lib/embedded-stack';
import { migrate } from '../src/legacy-migration/legacy-migration.context';
import { intOption, runCli } from './lib/ops-cli';

const USAGE = `usage: bench:hot-paths [--duration S] [--connections N] [--modules N] [--lessons N] [--help]
  Measures the two reads every page makes — GET /courses/:id/content (cache hit) and
  GET /progress/course/:id — on the service and on a bare Fastify + ioredis + pg server doing the
  same work, in the same run, and prints requests/s and the ratio service/bare.
  env: DATABASE_URL, MONGODB_URI, REDIS_URL (else the embedded stack); LOG_LEVEL (default warn)`;

interface Result {
  rps: number;
  p99: number;
  errors: number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      help: { type: 'boolean' },
      duration: { type: 'string' },
      connections: { type: 'string' },
      modules: { type: 'string' },
      lessons: { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const duration = intOption('duration', values.duration, 10);
  const connections = intOption('connections', values.connections, 20);
  const modules = intOption('modules', values.modules, 5);
  const lessons = intOption('lessons', values.lessons, 8);

  const stack = await startStack({
    databaseUrl: process.env.DATABASE_URL || undefined,
    mongodbUri: process.env.MONGODB_URI || undefined,
    redisUrl: process.env.REDIS_URL || undefined,
    databaseName: 'course_service_bench',
  });
  const children: ChildProcess[] = [];
  try {
    if (!stack.redisUrl) throw new Error('the benchmark needs Redis (REDIS_URL or redis-server)');
    await migrate(stack.databaseUrl, 'up');
    const secret = randomBytes(24).toString('hex');
    const env = {
      ...process.env,
      NODE_ENV: 'production',
      DATABASE_URL: stack.databaseUrl,
      MONGODB_URI: stack.mongodbUri,
      REDIS_URL: stack.redisUrl,
      CACHE_KEY_PREFIX: `bench_${randomBytes(3).toString('hex')}:`,
      JWT_SECRET: secret,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    };
    const appPort = await freePort();
    children.push(await serve('src/main.ts', { ...env, PORT: String(appPort) }, appPort));
    const app = `http://127.0.0.1:${appPort}`;

    const token = (sub: number, role: string) =>
      `Bearer ${sign({ sub, role }, secret, { expiresIn: '2h' })}`;
    const instructor = token(7, 'instructor');
    const student = token(42, 'student');
    const courseId = await seed(app, instructor, student, modules, lessons);

    const barePort = await freePort();
    children.push(
      await serve(
        'scripts/lib/bare-hot-paths-server.ts',
        { ...env, PORT: String(barePort) },
        barePort,
      ),
    );
    const bare = `http://127.0.0.1:${barePort}`;

    const contentPath = `/api/v1/courses/${courseId}/content`;
    const progressPath = `/api/v1/progress/course/${courseId}`;
    const auth = { authorization: student };
    const run = (url: string, headers: Record<string, string> = {}, seconds = duration) =>
      load(url, headers, seconds, connections);

    for (const url of [app, bare]) {
      await run(url + contentPath, {}, 2);
      await run(url + progressPath, auth, 2);
    }
    const rows: [string, Result, Result][] = [
      ['GET content (cache hit)', await run(app + contentPath), await run(bare + contentPath)],
      [
        'GET progress summary',
        await run(app + progressPath, auth),
        await run(bare + progressPath, auth),
      ],
    ];
    console.log(`\n${connections} connections, ${duration} s each, LOG_LEVEL=${env.LOG_LEVEL}`);
    console.log('route                      service req/s (p99 ms)   bare req/s (p99 ms)   ratio');
    for (const [name, svc, base] of rows) {
      console.log(
        `${name.padEnd(26)} ${`${svc.rps.toFixed(0)} (${svc.p99})`.padEnd(24)} ` +
          `${`${base.rps.toFixed(0)} (${base.p99})`.padEnd(21)} ${(svc.rps / base.rps).toFixed(2)}` +
          (svc.errors + base.errors ? `  errors: ${svc.errors}/${base.errors}` : ''),
      );
    }
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(
      children.map((c) => new Promise((r) => (c.exitCode === null ? c.once('exit', r) : r(null)))),
    );
    await stack.stop();
  }
}

/** Starts a TypeScript entry point in its own process and waits until it answers HTTP. */
async function serve(entry: string, env: NodeJS.ProcessEnv, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', entry], {
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`${entry} exited with ${child.exitCode}`);
    const up = await fetch(`http://127.0.0.1:${port}/`).then(
      () => true,
      () => false,
    );
    if (up) return child;
    await sleep(100);
  }
  child.kill('SIGKILL');
  throw new Error(`${entry} did not start`);
}

/** A published course with `modules` x (`lessons` lessons, a quiz, a summary), half completed. */
async function seed(
  app: string,
  instructor: string,
  student: string,
  modules: number,
  lessons: number,
) {
  const call = async (method: string, path: string, token: string, body?: unknown) => {
    const res = await fetch(app + path, {
      method,
      headers: { authorization: token, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- ad-hoc API responses
    return (await res.json()) as any;
  };
  const course = await call('POST', '/api/v1/courses', instructor, { title: 'Benchmark course' });
  const tree = await call('PUT', `/api/v1/courses/${course.id}/content`, instructor, {
    modules: Array.from({ length: modules }, (_, m) => ({
      title: `Module ${m}`,
      lessons: Array.from({ length: lessons }, (_, l) => ({
        title: `Lesson ${m}.${l}`,
        type: 'text',
        content: 'Lorem ipsum dolor sit amet. '.repeat(8),
        duration_minutes: 10,
      })),
      quizzes: [{ title: `Quiz ${m}`, passing_score: 70 }],
      summaries: [{ title: `Summary ${m}`, content: 'Recap. '.repeat(10) }],
    })),
  });
  await call('PATCH', `/api/v1/courses/${course.id}`, instructor, { status: 'published' });
  await call('POST', '/api/v1/enrollments', student, { course_id: course.id });
  const lessonIds = tree.modules.flatMap((m: { lessons: { lesson_id: string }[] }) =>
    m.lessons.map((l) => l.lesson_id),
  );
  for (const id of lessonIds.slice(0, Math.floor(lessonIds.length / 2))) {
    await call('POST', '/api/v1/progress', student, {
      course_id: course.id,
      item_type: 'lesson',
      item_id: id,
    });
  }
  return course.id;
}

async function load(
  url: string,
  headers: Record<string, string>,
  seconds: number,
  connections: number,
): Promise<Result> {
  const result = await autocannon({ url, headers, duration: seconds, connections });
  return {
    rps: result.requests.average,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
  };
}

runCli('bench:hot-paths', USAGE, main);
