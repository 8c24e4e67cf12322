import 'reflect-metadata';
import { sign } from 'jsonwebtoken';
import { Db } from 'mongodb';
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, platform, release, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Pool } from 'pg';
import { CourseContent } from '../src/course-content/domain/content.types';
import { ContentView } from '../src/course-content/domain/content-view';
import { countedItems } from '../src/progress/domain/progress-calculator';
import { migrate } from '../src/legacy-migration/legacy-migration.context';
import { benchChart, renderChart } from './lib/bench-chart';
import {
  httpRequest,
  json,
  load,
  rssBytes,
  startServer,
  stopProcess,
  timeSequential,
} from './lib/bench-load';
import {
  COURSE_SHAPES,
  completePrefixes,
  contentDocument,
  courseFacts,
  CourseFacts,
  courseInput,
  createCourses,
  createLegacyTable,
  enroll,
  enrollRange,
  fillLegacy,
  fillProgress,
  legacyRecompute,
  prefixCounts,
  range,
} from './lib/bench-seed';
import {
  compareHotRead,
  firstDifference,
  formatCount,
  formatMs,
  GOALS,
  HOT_READ_HEADER,
  hotReadCells,
  HotReadResult,
  LoadSample,
  markdownTable,
  median,
  SCALE_HEADER,
  scaleCells,
  ScaleResults,
  scaleRows,
  summaryLine,
  textTable,
} from './lib/bench-stats';
import { freePort, startStack } from './lib/embedded-stack';
import { connectMongo, intOption, runCli, UsageError } from './lib/ops-cli';

const USAGE = `usage: npm run bench -- [options]
  Measures the service's two hot reads — GET /courses/:id/content (anonymous and as an enrolled
  student) and GET /progress/course/:id — against the floor: a bare Fastify + ioredis + pg server
  (scripts/lib/floor-server.ts) serving the same reads the cheapest way it can. Both run from the
  build (npm run build first), the service as in production (NODE_ENV=production, LOG_LEVEL=info).
  Two course sizes (realistic: 10 modules x 14 items; small: 2 x 5), seeded by SQL and straight
  into MongoDB. autocannon, interleaved rounds (service and floor take turns going first); prints
  median req/s (range over rounds), p50/p99, the ratios service/floor and PASS/FAIL against
  ratio >= ${GOALS.minRpsRatio} and p99 ratio <= ${GOALS.maxP99Ratio}. Then the scale rows, by sequential requests to
  the service: content edit latency at 0 and --enrollments enrollments (beside the legacy
  per-enrollment recompute), a student's summary with the progress table at --progress-scales,
  the instructor's course report at --students and --report-students students x 130 items, and
  the service's RSS. Writes bench/results/hot-reads.json and hot-reads.svg (--out) and prints a
  Markdown table. Exit 1 on errors (a non-2xx answer under load, a failed seed); a missed target
  only prints FAIL.
  options:
    --rounds N            interleaved rounds per read and size (default 4)
    --duration S          seconds of each measured run (5)
    --warmup S            seconds of warm-up per target, read and size (2)
    --connections N       autocannon connections (10)
    --samples N           sequential requests per scale point, after 5 warm-up ones (40)
    --students N          students of the realistic course (1x of the progress table is their
                          completions) and of the smaller course report (350)
    --report-students N   students of the larger course report (3500)
    --enrollments N       enrollments of the edited course at the second edit point (100000)
    --progress-scales L   sizes of the progress table for the summary row, multiples of 1x,
                          ascending from 1 (1,10,100)
    --legacy-samples N    runs of the legacy recompute per point (5)
    --out DIR             where the results go (bench/results)
  The default run takes about 6 min on 2 cores (4 of them load runs); --rounds 1 --duration 2
  --warmup 1 --samples 10 --enrollments 5000 --report-students 700 --progress-scales 1,10 about
  1 min.
  env: DATABASE_URL, MONGODB_URI, REDIS_URL (else the embedded stack, database
  course_service_bench; on given servers the seeded rows and documents are removed at the end)`;

const INSTRUCTOR_ID = 7;
const STUDENT_ID = 42;
/** First student id of each group of seeded students; the groups never overlap. */
const STUDENTS_FROM = {
  realistic: 100_001,
  report: 300_001,
  edit: 1_000_001,
  filler: 5_000_001,
};
const FILLER_COURSES = 20;
const FILLER_ITEMS_PER_STUDENT = 70;

const log = (message: string) => console.error(`[bench] ${message}`);

interface Options {
  rounds: number;
  duration: number;
  warmup: number;
  connections: number;
  samples: number;
  students: number;
  reportStudents: number;
  enrollments: number;
  progressScales: number[];
  legacySamples: number;
  out: string;
}

function parseOptions(): Options | undefined {
  const { values } = parseArgs({
    options: {
      help: { type: 'boolean' },
      rounds: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      samples: { type: 'string' },
      students: { type: 'string' },
      'report-students': { type: 'string' },
      enrollments: { type: 'string' },
      'progress-scales': { type: 'string' },
      'legacy-samples': { type: 'string' },
      out: { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return undefined;
  const options: Options = {
    rounds: intOption('rounds', values.rounds, 4),
    duration: intOption('duration', values.duration, 5),
    warmup: intOption('warmup', values.warmup, 2, 0),
    connections: intOption('connections', values.connections, 10),
    samples: intOption('samples', values.samples, 40),
    students: intOption('students', values.students, 350, 2),
    reportStudents: intOption('report-students', values['report-students'], 3500),
    enrollments: intOption('enrollments', values.enrollments, 100_000),
    progressScales: scalesOption(values['progress-scales'] ?? '1,10,100'),
    legacySamples: intOption('legacy-samples', values['legacy-samples'], 5),
    out: values.out ?? 'bench/results',
  };
  if (options.reportStudents <= options.students) {
    throw new UsageError('--report-students must be more than --students');
  }
  return options;
}

function scalesOption(raw: string): number[] {
  const scales = raw.split(',').map((s) => intOption('progress-scales', s.trim(), 1));
  if (scales[0] !== 1 || scales.some((s, i) => i > 0 && s <= scales[i - 1])) {
    throw new UsageError('--progress-scales must ascend from 1, e.g. 1,10,100');
  }
  return scales;
}

/** The directory holding nest-cli.json: this file runs from scripts/ or from dist/scripts/. */
function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'nest-cli.json'))) {
    if (dirname(dir) === dir) throw new Error('cannot find the repository root (nest-cli.json)');
    dir = dirname(dir);
  }
  return dir;
}

/** Clean-up steps, run last-in first-out, once, whether the run ends, fails or is interrupted. */
class Cleanup {
  private readonly steps: (() => Promise<unknown>)[] = [];
  private running?: Promise<void>;

  add(step: () => Promise<unknown>): void {
    this.steps.push(step);
  }

  run(): Promise<void> {
    this.running ??= (async () => {
      for (const step of this.steps.reverse()) {
        await step().catch((error: unknown) => log(`clean-up: ${String(error)}`));
      }
    })();
    return this.running;
  }
}

async function main(): Promise<number | void> {
  const options = parseOptions();
  if (!options) {
    console.log(USAGE);
    return;
  }
  const started = Date.now();
  const root = repoRoot();
  const loadSeconds =
    6 * 2 * (options.warmup + options.rounds * options.duration) + 6 * 2 * (options.rounds + 1);
  log(`load runs take about ${(loadSeconds / 60).toFixed(1)} min; build, seed and scale rows more`);
  log('npm run build');
  await run('npm', ['run', 'build'], root);

  const cleanup = new Cleanup();
  const onSignal = (signal: NodeJS.Signals) => {
    log(`${signal}: stopping`);
    void cleanup.run().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const given = {
      databaseUrl: process.env.DATABASE_URL || undefined,
      mongodbUri: process.env.MONGODB_URI || undefined,
      redisUrl: process.env.REDIS_URL || undefined,
    };
    const stack = await startStack({ ...given, databaseName: 'course_service_bench', log });
    cleanup.add(() => stack.stop());
    if (!stack.redisUrl) throw new Error('the benchmark needs Redis (REDIS_URL or redis-server)');
    await migrate(stack.databaseUrl, 'up');
    const pg = new Pool({ connectionString: stack.databaseUrl, max: 4 });
    // An idle connection that the server ends (a Ctrl-C reaches PostgreSQL too) is not a crash.
    pg.on('error', () => undefined);
    cleanup.add(() => pg.end());
    const mongo = await connectMongo(stack.mongodbUri, 10_000);
    cleanup.add(() => mongo.close());

    const seeded = await seed(pg, mongo.db(), options);
    if (given.databaseUrl || given.mongodbUri) {
      cleanup.add(() => unseed(pg, mongo.db(), seeded, given));
    }

    const secret = randomBytes(32).toString('hex');
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'production',
      LOG_LEVEL: 'info',
      HOST: '127.0.0.1',
      DATABASE_URL: stack.databaseUrl,
      MONGODB_URI: stack.mongodbUri,
      REDIS_URL: stack.redisUrl,
      CACHE_KEY_PREFIX: `bench_${randomBytes(4).toString('hex')}:`,
      JWT_SECRET: secret,
      JWT_ISSUER: '',
      JWT_AUDIENCE: '',
    };
    const servicePort = await freePort();
    const service = await startServer(
      'the service',
      [join(root, 'dist/src/main.js')],
      { ...env, PORT: String(servicePort) },
      `http://127.0.0.1:${servicePort}/health/ready`,
    );
    cleanup.add(() => stopProcess(service));
    const floorPort = await freePort();
    const floor = await startServer(
      'the floor server',
      [join(root, 'dist/scripts/lib/floor-server.js')],
      { ...env, PORT: String(floorPort) },
      `http://127.0.0.1:${floorPort}/health`,
      ['ignore', 'ignore', 'inherit', 'ipc'],
    );
    cleanup.add(() => stopProcess(floor));

    const token = (sub: number, role: string) =>
      `Bearer ${sign({ sub, role }, secret, { algorithm: 'HS256', expiresIn: '4h' })}`;
    const ctx: Context = {
      service: `http://127.0.0.1:${servicePort}`,
      floor: `http://127.0.0.1:${floorPort}`,
      student: token(STUDENT_ID, 'student'),
      instructor: token(INSTRUCTOR_ID, 'instructor'),
      pg,
      seeded,
      options,
    };
    await checkResponses(ctx);
    const hot = await measureHotReads(ctx);
    const scale = await measureScale(ctx, service);
    const results = report(ctx, hot, scale, Date.now() - started);
    writeResults(resolve(root, options.out), results);
    return 0;
  } finally {
    await cleanup.run();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}

interface Context {
  service: string;
  floor: string;
  student: string;
  instructor: string;
  pg: Pool;
  seeded: Seeded;
  options: Options;
}

interface Seeded {
  courseIds: number[];
  realistic: CourseContent;
  small: CourseContent;
  edit: CourseContent;
  reportCourse: CourseContent;
  fillerIds: number[];
  facts: Record<'realistic' | 'small' | 'report', CourseFacts>;
}

/** Runs a command in `cwd`, its output on stderr; rejects on a non-zero exit. */
function run(command: string, args: string[], cwd: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', process.stderr, 'inherit'] });
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0
        ? resolvePromise()
        : reject(new Error(`${command} ${args.join(' ')} exited with ${code}`)),
    );
  });
}

/**
 * The courses (published, instructor 7) by SQL, their content documents straight into
 * `course_content`, and the hot reads' enrollments and completions: student 42 has done half of
 * each course, the realistic course's other students a random prefix each.
 */
async function seed(pg: Pool, db: Db, options: Options): Promise<Seeded> {
  const fillers = options.progressScales.length > 1 ? FILLER_COURSES : 0;
  const tag = randomBytes(3).toString('hex');
  const titles = [
    `Bench ${tag}: realistic course`,
    `Bench ${tag}: small course`,
    `Bench ${tag}: edited course (realistic copy)`,
    `Bench ${tag}: report course`,
    ...Array.from({ length: fillers }, (_, i) => `Bench ${tag}: filler course ${i + 1}`),
  ];
  const courseIds = await createCourses(pg, titles, INSTRUCTOR_ID);
  const [realisticId, smallId, editId, reportId, ...fillerIds] = courseIds;
  const now = new Date();
  const realistic = contentDocument(realisticId, courseInput(COURSE_SHAPES.realistic, 1), now);
  const small = contentDocument(smallId, courseInput(COURSE_SHAPES.small, 2), now);
  const edit = contentDocument(editId, courseInput(COURSE_SHAPES.realistic, 1), now);
  const reportCourse = contentDocument(reportId, courseInput(COURSE_SHAPES.report, 3), now);
  await db.collection('course_content').insertMany([realistic, small, edit, reportCourse]);
  const facts = {
    realistic: courseFacts(realistic),
    small: courseFacts(small),
    report: courseFacts(reportCourse),
  };
  for (const [name, f] of Object.entries(facts)) {
    log(
      `${name} course ${f.courseId}: ${f.modules} modules, ${f.countedItems} counted items, ` +
        `stored document ${formatCount(f.bsonBytes)} bytes BSON, views ${formatCount(f.publicViewBytes)} ` +
        `(public) / ${formatCount(f.enrolledViewBytes)} (enrolled) bytes JSON`,
    );
  }
  if (facts.realistic.bsonBytes < 50_000) throw new Error('the realistic document is under 50 KB');

  const items = countedItems(realistic);
  const others = range(STUDENTS_FROM.realistic, options.students - 1);
  await enroll(pg, realisticId, [STUDENT_ID, ...others]);
  await completePrefixes(
    pg,
    realisticId,
    items,
    [STUDENT_ID, ...others],
    [Math.floor(items.length / 2), ...prefixCounts(others.length, items.length, 11)],
  );
  const smallItems = countedItems(small);
  await enroll(pg, smallId, [STUDENT_ID]);
  await completePrefixes(
    pg,
    smallId,
    smallItems,
    [STUDENT_ID],
    [Math.floor(smallItems.length / 2)],
  );
  await pg.query('analyze');
  log(`seeded ${options.students} students in the realistic course, student 42 in both`);
  return { courseIds, realistic, small, edit, reportCourse, fillerIds, facts };
}

/** On servers the caller gave: what the run added goes again. */
async function unseed(
  pg: Pool,
  db: Db,
  seeded: Seeded,
  given: { databaseUrl?: string; mongodbUri?: string },
): Promise<void> {
  log('removing the seeded data from the given servers');
  if (given.databaseUrl) {
    const ids = seeded.courseIds;
    await pg.query('delete from progress where course_id = any($1::int[])', [ids]);
    await pg.query('delete from enrollments where course_id = any($1::int[])', [ids]);
    await pg.query('delete from courses where id = any($1::int[])', [ids]);
    await pg.query('drop table if exists bench_legacy_enrollments');
  }
  if (given.mongodbUri) {
    await db.collection('course_content').deleteMany({ course_id: { $in: seeded.courseIds } });
  }
}

const contentPath = (courseId: number) => `/api/v1/courses/${courseId}/content`;
const summaryPath = (courseId: number) => `/api/v1/progress/course/${courseId}`;

/**
 * Before any load: the student's content read returns the enrolled view (a lesson body the
 * public view hides), and the floor answers exactly what the service answers.
 */
async function checkResponses(ctx: Context): Promise<void> {
  const auth = { authorization: ctx.student };
  for (const content of [ctx.seeded.realistic, ctx.seeded.small]) {
    const id = content.course_id;
    const get = <T>(base: string, path: string, headers = {}) =>
      json<T>(`GET ${base}${path}`, httpRequest(base + path, { headers }));
    const [publicView, enrolledView] = await Promise.all([
      get<ContentView>(ctx.service, contentPath(id)),
      get<ContentView>(ctx.service, contentPath(id), auth),
    ]);
    const lesson = (view: ContentView) => view.modules[0].lessons[1];
    if (lesson(enrolledView).content === null || lesson(publicView).content !== null) {
      throw new Error(`course ${id}: the student's content read is not the enrolled view`);
    }
    const pairs: [string, string, Record<string, string>][] = [
      ['public content view', contentPath(id), {}],
      ['enrolled content view', contentPath(id), auth],
      ['progress summary', summaryPath(id), auth],
    ];
    for (const [what, path, headers] of pairs) {
      const [fromService, fromFloor] = [
        await get(ctx.service, path, headers),
        await get(ctx.floor, path, headers),
      ];
      const difference = firstDifference(fromService, fromFloor);
      if (difference) {
        throw new Error(
          `course ${id}: the floor's ${what} differs from the service's at ${difference}`,
        );
      }
    }
  }
  log('checked: the student reads the enrolled view; the floor answers what the service answers');
}

async function measureHotReads(ctx: Context): Promise<HotReadResult[]> {
  const { options } = ctx;
  const auth = { authorization: ctx.student };
  const reads = [
    { read: 'content-public', label: 'content, anonymous', path: contentPath, headers: {} },
    { read: 'content-enrolled', label: 'content, enrolled', path: contentPath, headers: auth },
    { read: 'summary', label: 'progress summary', path: summaryPath, headers: auth },
  ];
  const sizes = [
    { size: 'realistic', courseId: ctx.seeded.realistic.course_id },
    { size: 'small', courseId: ctx.seeded.small.course_id },
  ];
  const cases = reads.flatMap((r) => sizes.map((s) => ({ ...r, ...s })));
  const targets = { service: ctx.service, floor: ctx.floor };
  type Target = keyof typeof targets;
  const measure = async (c: (typeof cases)[number], target: Target, seconds: number) => {
    const sample = await load(
      targets[target] + c.path(c.courseId),
      c.headers,
      seconds,
      options.connections,
    );
    if (sample.errors || sample.non2xx || sample.requests === 0) {
      throw new Error(
        `${target}, ${c.label} (${c.size}): ${sample.non2xx} non-2xx answers and ` +
          `${sample.errors} errors in ${sample.requests} requests ` +
          `(status codes ${JSON.stringify(sample.statusCodes)})`,
      );
    }
    return sample;
  };

  if (options.warmup > 0) {
    log(`warm-up: ${options.warmup} s per target, read and size`);
    for (const c of cases) {
      for (const target of ['service', 'floor'] as const) await measure(c, target, options.warmup);
    }
  }
  const samples = cases.map(() => ({ service: [] as LoadSample[], floor: [] as LoadSample[] }));
  for (let round = 0; round < options.rounds; round++) {
    const order: Target[] = round % 2 === 0 ? ['service', 'floor'] : ['floor', 'service'];
    for (const [i, c] of cases.entries()) {
      for (const target of order) {
        const sample = await measure(c, target, options.duration);
        samples[i][target].push(sample);
        log(
          `round ${round + 1}/${options.rounds} ${c.label} (${c.size}) ${target}: ` +
            `${formatCount(sample.rps)} req/s, p50 ${sample.p50} ms, p99 ${sample.p99} ms`,
        );
      }
    }
  }
  return cases.map((c, i) =>
    compareHotRead(c.read, c.label, c.size, samples[i].service, samples[i].floor),
  );
}

async function measureScale(ctx: Context, service: ChildProcess): Promise<ScaleResults> {
  const summary = await measureSummaryScale(ctx);
  const report = await measureReportScale(ctx);
  const edit = await measureEditScale(ctx);
  return {
    samples: ctx.options.samples,
    edit,
    summary,
    report,
    rssBytes: rssBytes(service.pid!),
  };
}

/** A student's summary with `progress` at 1x (the seeded rows) and grown by filler rows. */
async function measureSummaryScale(ctx: Context): Promise<ScaleResults['summary']> {
  const { pg, options } = ctx;
  const count = async () =>
    Number((await pg.query<{ n: string }>('select count(*) as n from progress')).rows[0].n);
  const base = await count();
  const url = ctx.service + summaryPath(ctx.seeded.realistic.course_id);
  const points: ScaleResults['summary'] = [];
  let filled = 0;
  for (const scale of options.progressScales) {
    const target = base * (scale - 1);
    if (target > filled) {
      log(`growing progress to ${scale}× (${formatCount(base * scale)} rows)`);
      await fillProgress(
        pg,
        ctx.seeded.fillerIds,
        {
          firstStudent: STUDENTS_FROM.filler,
          perStudent: FILLER_ITEMS_PER_STUDENT,
          from: filled,
          to: target,
        },
        (done) => log(`  ${formatCount(done)} filler rows`),
      );
      filled = target;
      await pg.query('analyze progress');
    }
    const times = await timeSequential(
      `summary at ${scale}×`,
      () => httpRequest(url, { headers: { authorization: ctx.student } }),
      options.samples,
    );
    points.push({ scale, progressRows: await count(), ms: median(times) });
    log(`summary at ${scale}×: ${formatMs(median(times))}`);
  }
  return points;
}

/** The instructor's report (limit=100) at --students and --report-students students. */
async function measureReportScale(ctx: Context): Promise<ScaleResults['report']> {
  const { pg, options } = ctx;
  const course = ctx.seeded.reportCourse;
  const items = countedItems(course);
  const url = `${ctx.service}/api/v1/courses/${course.course_id}/progress?limit=100`;
  const points: ScaleResults['report'] = [];
  let enrolled = 0;
  for (const students of [options.students, options.reportStudents]) {
    const ids = range(STUDENTS_FROM.report + enrolled, students - enrolled);
    await enroll(pg, course.course_id, ids);
    await completePrefixes(
      pg,
      course.course_id,
      items,
      ids,
      prefixCounts(ids.length, items.length, 20 + enrolled),
    );
    enrolled = students;
    await pg.query('analyze enrollments');
    await pg.query('analyze progress');
    const times = await timeSequential(
      `course report at ${students} students`,
      () => httpRequest(url, { headers: { authorization: ctx.instructor } }),
      options.samples,
    );
    points.push({ students, items: items.length, ms: median(times) });
    log(`course report at ${students} × ${items.length}: ${formatMs(median(times))}`);
  }
  return points;
}

/**
 * A lesson title PATCHed through the API with 0 and --enrollments enrollments in the course;
 * beside it the legacy service's recompute of every enrollment, on a scratch table of as many.
 */
async function measureEditScale(ctx: Context): Promise<ScaleResults['edit']> {
  const { pg, options } = ctx;
  const course = ctx.seeded.edit;
  const module = course.modules[0];
  const lesson = module.lessons[0];
  const lessons = course.metadata.total_lessons;
  const url =
    `${ctx.service}/api/v1/courses/${course.course_id}/content/modules/${module.module_id}` +
    `/lessons/${lesson.lesson_id}`;
  await createLegacyTable(pg);
  const points: ScaleResults['edit'] = [];
  for (const enrollments of [0, options.enrollments]) {
    if (enrollments > 0) {
      log(`enrolling ${formatCount(enrollments)} students in the edited course`);
      await enrollRange(pg, course.course_id, STUDENTS_FROM.edit, enrollments);
      await fillLegacy(pg, course.course_id, STUDENTS_FROM.edit, enrollments, lessons);
      await pg.query('analyze enrollments');
      await pg.query('analyze bench_legacy_enrollments');
    }
    const times = await timeSequential(
      `content edit at ${enrollments} enrollments`,
      (i) =>
        httpRequest(url, {
          method: 'PATCH',
          headers: { authorization: ctx.instructor },
          body: { title: `Lesson 1.1 (edit ${enrollments}-${i})` },
        }),
      options.samples,
    );
    await legacyRecompute(pg, course.course_id, lessons);
    const legacy: number[] = [];
    for (let i = 0; i < options.legacySamples; i++) {
      legacy.push(await legacyRecompute(pg, course.course_id, lessons));
    }
    points.push({ enrollments, serviceMs: median(times), legacyMs: median(legacy) });
    log(
      `content edit at ${formatCount(enrollments)} enrollments: ${formatMs(median(times))}; ` +
        `legacy recompute ${formatMs(median(legacy))}`,
    );
  }
  return points;
}

interface Results {
  date: string;
  machine: {
    os: string;
    cpuModel: string;
    cpus: number;
    totalMemoryBytes: number;
    node: string;
  };
  settings: Options & { serviceLogLevel: string };
  goals: typeof GOALS;
  courses: Seeded['facts'];
  hotReads: HotReadResult[];
  scale: ScaleResults;
  elapsedSeconds: number;
  summary: string;
}

function report(
  ctx: Context,
  hot: HotReadResult[],
  scale: ScaleResults,
  elapsedMs: number,
): Results {
  const { options } = ctx;
  const rows = scaleRows(scale);
  const summary = summaryLine(hot, rows);
  const cpu = cpus();
  const machine = {
    os: `${platform()} ${release()}`,
    cpuModel: cpu[0]?.model ?? 'unknown',
    cpus: cpu.length,
    totalMemoryBytes: totalmem(),
    node: process.version,
  };
  const hotTitle =
    `Hot reads: ${options.connections} connections, ${options.rounds} interleaved rounds × ` +
    `${options.duration} s after ${options.warmup} s of warm-up; service NODE_ENV=production ` +
    `LOG_LEVEL=info; ${machine.cpus} × ${machine.cpuModel}`;
  const scaleTitle =
    `Scale rows: sequential requests to the service, median of ${options.samples} after 5 ` +
    `warm-up ones (legacy recompute: median of ${options.legacySamples})`;
  const hotCells = hot.map(hotReadCells);
  const scaleCellsList = rows.map(scaleCells);
  console.log(`\n${hotTitle}\n`);
  console.log(textTable(HOT_READ_HEADER, hotCells));
  console.log(`\n${scaleTitle}\n`);
  console.log(textTable(SCALE_HEADER, scaleCellsList));
  console.log('\nMarkdown:\n');
  console.log(`${hotTitle}.\n`);
  console.log(markdownTable(HOT_READ_HEADER, hotCells));
  console.log(`\n${scaleTitle}.\n`);
  console.log(markdownTable(SCALE_HEADER, scaleCellsList));
  console.log(`\nelapsed ${(elapsedMs / 60_000).toFixed(1)} min`);
  console.log(summary);
  return {
    date: new Date().toISOString(),
    machine,
    settings: { ...options, serviceLogLevel: 'info' },
    goals: GOALS,
    courses: ctx.seeded.facts,
    hotReads: hot,
    scale,
    elapsedSeconds: Math.round(elapsedMs / 1000),
    summary,
  };
}

function writeResults(dir: string, results: Results): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'hot-reads.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(dir, 'hot-reads.svg'), renderChart(benchChart(results)));
  log(`wrote ${join(dir, 'hot-reads.json')} and hot-reads.svg`);
}

runCli('bench', USAGE, main);
