import { Collection, Document } from 'mongodb';
import { Client } from 'pg';
import { completionPercentage } from '../../src/progress/domain/progress-calculator';
import { migrate } from '../../src/legacy-migration/legacy-migration.context';
import {
  LEGACY_SCHEMA_MIGRATION,
  PROGRESS_REFACTOR_MIGRATION,
} from '../../src/legacy-migration/schema-migration.service';

/*
 * A realistic LEGACY data set, as the old service stored it: content documents with integer (or missing, or garbage)
 * ids and no `is_active`/`version`, and enrollments whose progress lives in the legacy array
 * columns. Deterministic for a seed, so a test can build the same data twice and compare.
 */

export interface LegacyFixtureParams {
  courses: number;
  modulesPerCourse: number;
  itemsPerModule: number;
  enrollmentsPerCourse: number;
  seed: number;
  /** Courses whose lesson integers restart in every module (ambiguous across modules). */
  ambiguousShare?: number;
  /** Courses whose enrollments also reference items that no longer exist. */
  staleShare?: number;
  /** Courses with garbage ids (non-integer strings, integer strings, floats, duplicates). */
  garbageShare?: number;
  /** Courses in PostgreSQL without a content document. */
  missingContentShare?: number;
  /**
   * Courses in the older legacy shape: no `quizzes` arrays, quizzes are lessons of type "quiz"
   * whose `lesson_id` the enrollments list in completed_quizzes.
   */
  quizLessonShare?: number;
  /** Course ids to use when no PostgreSQL is written (the Mongo-only benchmark copy). */
  firstCourseId?: number;
  /** Give courses 2-6 one special trait each, so even a tiny set has every case (default on). */
  specialCases?: boolean;
}

export const DEFAULT_PARAMS: LegacyFixtureParams = {
  courses: 20,
  modulesPerCourse: 4,
  itemsPerModule: 6,
  enrollmentsPerCourse: 8,
  seed: 1,
};

export type LegacyItemType = 'lesson' | 'quiz';
export type Level = 'lessons' | 'quizzes' | 'summaries';

/**
 * Where a legacy completion should end up (one item, or every candidate of an ambiguous id when
 * the enrollment was finished); the backfill is checked against this.
 */
export type ExpectedOutcome =
  | { mapped: true; at: Position[] }
  | { mapped: false; reason: 'not_in_content' | 'ambiguous' | 'no_content_document' };

export interface ExpectedCompletion {
  item_type: LegacyItemType;
  legacy_id: number;
  outcome: ExpectedOutcome;
}

export interface LegacyEnrollment {
  student_id: number;
  status: 'active' | 'completed' | 'dropped' | 'suspended';
  enrolled_at: Date;
  started_at: Date | null;
  completed_at: Date | null;
  dropped_at: Date | null;
  last_accessed_at: Date | null;
  completed_modules: number[];
  completed_lessons: number[];
  completed_quizzes: number[];
  quiz_scores: Record<string, unknown> | null;
  total_modules: number;
  total_lessons: number;
  /** Legacy percentage over the items the new system counts, 2 decimals. */
  completion_percentage: number;
  expected: ExpectedCompletion[];
}

export interface LegacyCourse {
  index: number;
  title: string;
  instructor_id: number;
  kind: {
    ambiguous: boolean;
    stale: boolean;
    garbage: boolean;
    missingContent: boolean;
    quizLessons: boolean;
  };
  /** Undefined for a course without a content document. */
  content?: Document;
  enrollments: LegacyEnrollment[];
}

export interface LegacyDataset {
  params: LegacyFixtureParams;
  courses: LegacyCourse[];
}

/** Seeded PRNG (mulberry32): same seed, same data set. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const round2 = (n: number) => Math.round((n + Number.EPSILON) * 100) / 100;

/** The integer a legacy id stands for, as the ObjectId migration reads it (int or "17"). */
export function legacyIntOf(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (typeof value === 'string' && /^\s*-?\d{1,15}\s*$/.test(value)) return Number(value);
  return undefined;
}

const LEVEL_ID: Record<Level, string> = {
  lessons: 'lesson_id',
  quizzes: 'quiz_id',
  summaries: 'summary_id',
};
const LEVEL_OF: Record<LegacyItemType, Level> = { lesson: 'lessons', quiz: 'quizzes' };

/** The seeded draws, in the order the data set takes them. */
interface Rng {
  rand: () => number;
  pick: <T>(xs: readonly T[]) => T;
  chance: (p: number) => boolean;
}

const BASE = Date.UTC(2025, 0, 1);
const DAY = 86_400_000;

type CourseKind = LegacyCourse['kind'];

/** Builds the data set in memory; `courseIds[i]` is the course id of course i. */
export function buildLegacyDataset(
  input: Partial<LegacyFixtureParams>,
  courseIds?: number[],
): LegacyDataset {
  const params: LegacyFixtureParams = { ...DEFAULT_PARAMS, ...input };
  const rand = prng(params.seed);
  const r: Rng = {
    rand,
    pick: (xs) => xs[Math.floor(rand() * xs.length)],
    chance: (p) => rand() < p,
  };
  const courses: LegacyCourse[] = [];
  for (let ci = 0; ci < params.courses; ci++) {
    const courseId = courseIds?.[ci] ?? (params.firstCourseId ?? 1) + ci;
    const kind = courseKind(params, ci, r);
    const createdAt = new Date(BASE + Math.floor(rand() * 200) * DAY);
    const content = buildContent(params, r, ci, courseId, kind, createdAt);
    const modules = content.modules as Document[];
    const course = { ci, kind, modules, createdAt, counted: countedItems(modules) };
    const occurrences = legacyOccurrences(modules);
    const enrollments: LegacyEnrollment[] = [];
    for (let ei = 0; ei < params.enrollmentsPerCourse; ei++)
      enrollments.push(buildEnrollment(r, course, occurrences, ei));
    courses.push({
      index: ci,
      title: `Legacy course ${params.seed}-${ci + 1}`,
      instructor_id: 5_000 + (ci % 7),
      kind,
      content: kind.missingContent ? undefined : content,
      enrollments,
    });
  }
  return { params, courses };
}

/** Courses 1-5 get one special trait each (unless turned off); later ones draw theirs. */
function courseKind(params: LegacyFixtureParams, ci: number, r: Rng): CourseKind {
  const forced = (n: number) => params.specialCases !== false && ci === n;
  const random = (share: number) => ci > 4 && r.chance(share);
  return {
    ambiguous: forced(1) || random(params.ambiguousShare ?? 0.15),
    stale: forced(2) || random(params.staleShare ?? 0.2),
    garbage: forced(3) || random(params.garbageShare ?? 0.05),
    missingContent: forced(4) || random(params.missingContentShare ?? 0.03),
    quizLessons: forced(5) || random(params.quizLessonShare ?? 0.3),
  };
}

/** Next legacy integer per item type within a course. */
interface Counters {
  lesson: number;
  quiz: number;
  summary: number;
}

function buildContent(
  params: LegacyFixtureParams,
  r: Rng,
  ci: number,
  courseId: number,
  kind: CourseKind,
  createdAt: Date,
): Document {
  const next: Counters = { lesson: 1, quiz: 1, summary: 1 };
  const modules: Document[] = [];
  for (let mi = 0; mi < params.modulesPerCourse; mi++) {
    if (kind.ambiguous) next.lesson = 1;
    const module = buildModule(r, mi, kind);
    for (let ii = 0; ii < params.itemsPerModule; ii++)
      addItem(r, module, { courseId, mi, ii, quizLessons: kind.quizLessons }, next);
    modules.push(module);
  }
  if (kind.garbage) addGarbage(modules, next.lesson);
  return {
    course_id: courseId,
    modules,
    metadata: {
      total_modules: modules.length,
      total_lessons: modules.reduce((n, m) => n + (m.lessons as unknown[]).length, 0),
      ...(r.chance(0.6) ? { tags: ['legacy', `topic-${ci % 5}`] } : {}),
    },
    created_at: createdAt,
    updated_at: new Date(createdAt.getTime() + Math.floor(r.rand() * 30) * DAY),
  };
}

function buildModule(r: Rng, mi: number, kind: CourseKind): Document {
  const module: Document = {
    module_id: mi + 1,
    title: `Module ${mi + 1}`,
    description: r.chance(0.8) ? `What module ${mi + 1} covers` : null,
    order: mi + 1,
    is_published: mi === 0 ? true : r.chance(0.85),
    lessons: [],
    ...(kind.quizLessons ? {} : { quizzes: [] }),
    summaries: [],
  };
  if (mi > 0 && r.chance(0.05)) delete module.module_id;
  if (mi > 0 && r.chance(0.05)) delete module.is_published; // defaults to published
  return module;
}

/** One item of a module: mostly lessons, then quizzes (or quiz lessons), then summaries. */
function addItem(
  r: Rng,
  module: Document,
  at: { courseId: number; mi: number; ii: number; quizLessons: boolean },
  next: Counters,
): void {
  const { courseId, mi, ii } = at;
  const draw = r.rand();
  if (draw < 0.7 || ii === 0) {
    const lesson: Document = {
      lesson_id: next.lesson++,
      title: `Lesson ${ii + 1}`,
      type: r.pick(['video', 'text', 'assignment'] as const),
      content: `Body of lesson ${ii + 1} in module ${mi + 1}`,
      duration_minutes: r.chance(0.95) ? 3 + Math.floor(r.rand() * 43) : null,
      order: ii + 1,
      is_preview: ii === 0 && mi === 0,
      resources: Array.from({ length: Math.floor(r.rand() * 3) }, (_, k) => ({
        name: `Resource ${k + 1}`,
        url: `https://storage.example.com/c${courseId}/m${mi + 1}/l${ii + 1}/${k + 1}`,
        type: r.pick(['video', 'pdf', 'link'] as const),
      })),
    };
    if (r.chance(0.03)) delete lesson.lesson_id;
    (module.lessons as Document[]).push(lesson);
  } else if (draw < 0.88 && at.quizLessons) {
    (module.lessons as Document[]).push({
      lesson_id: next.lesson++,
      title: `Quiz ${ii + 1}`,
      type: 'quiz',
      content: 'Questions',
      duration_minutes: 10,
      order: ii + 1,
      is_preview: false,
      resources: [],
    });
  } else if (draw < 0.88) {
    (module.quizzes as Document[]).push({
      quiz_id: next.quiz++,
      title: `Quiz ${ii + 1}`,
      order: ii + 1,
      passing_score: r.chance(0.9) ? 60 + Math.floor(r.rand() * 30) : null,
    });
  } else {
    const summary: Document = {
      summary_id: next.summary++,
      title: `Summary ${ii + 1}`,
      content: 'Key points',
      order: ii + 1,
    };
    if (r.chance(0.2)) delete summary.summary_id;
    (module.summaries as Document[]).push(summary);
  }
}

/** What an enrollment draws from: the course as built. */
interface CourseDraft {
  ci: number;
  kind: CourseKind;
  modules: Document[];
  createdAt: Date;
  counted: ReturnType<typeof countedItems>;
}

const STATUSES = [
  'active',
  'active',
  'active',
  'active',
  'completed',
  'dropped',
  'suspended',
] as const;

function buildEnrollment(
  r: Rng,
  course: CourseDraft,
  occurrences: ReturnType<typeof legacyOccurrences>,
  ei: number,
): LegacyEnrollment {
  const status = r.pick(STATUSES);
  const enrolledAt = new Date(course.createdAt.getTime() + Math.floor(r.rand() * 60) * DAY);
  const started = status === 'completed' || r.chance(0.9);
  const startedAt = started ? new Date(enrolledAt.getTime() + DAY) : null;
  const lastAccessed = started
    ? new Date(enrolledAt.getTime() + (2 + Math.floor(r.rand() * 90)) * DAY)
    : null;
  const share = !started ? 0 : status === 'completed' ? 1 : r.rand();
  const { lessons, quizzes } = legacyCompletions(r, course.modules, share);
  if (course.kind.stale && started) {
    lessons.add(900 + ei);
    if (r.chance(0.5)) quizzes.add(800 + ei);
  }
  const quizScores = legacyQuizScores(r, quizzes);
  const completedModules = course.modules
    .map((m) => legacyIntOf(m.module_id))
    .filter((n): n is number => n !== undefined && r.rand() < share * share);
  const percentage = legacyPercentage(course.counted, lessons, quizzes);
  const finished = status === 'completed' || percentage === 100;
  return {
    student_id: 100_000 + course.ci * 1_000 + ei,
    status,
    enrolled_at: enrolledAt,
    started_at: startedAt,
    completed_at: status === 'completed' ? lastAccessed : null,
    dropped_at: status === 'dropped' ? lastAccessed : null,
    last_accessed_at: lastAccessed,
    completed_modules: completedModules,
    completed_lessons: [...lessons],
    completed_quizzes: [...quizzes],
    quiz_scores: quizzes.size ? quizScores : null,
    total_modules: course.modules.filter((m) => m.is_published !== false).length,
    total_lessons: course.counted.filter((i) => i.type === 'lesson').length,
    completion_percentage: percentage,
    expected: expectedCompletions(course.kind, occurrences, { lessons, quizzes }, finished),
  };
}

/** Each item with a legacy integer is completed with probability `share`. */
function legacyCompletions(r: Rng, modules: Document[], share: number) {
  const lessons = new Set<number>();
  const quizzes = new Set<number>();
  for (const m of modules) {
    for (const l of m.lessons as Document[]) {
      const n = legacyIntOf(l.lesson_id);
      if (n === undefined || r.rand() >= share) continue;
      // The older shape recorded a quiz lesson as a quiz, sometimes as a lesson too.
      if (l.type !== 'quiz') lessons.add(n);
      else {
        quizzes.add(n);
        if (r.chance(0.3)) lessons.add(n);
      }
    }
    for (const q of (m.quizzes ?? []) as Document[]) {
      const n = legacyIntOf(q.quiz_id);
      if (n !== undefined && r.rand() < share) quizzes.add(n);
    }
  }
  return { lessons, quizzes };
}

function legacyQuizScores(r: Rng, quizzes: Set<number>): Record<string, unknown> {
  const quizScores: Record<string, unknown> = {};
  for (const q of quizzes) quizScores[String(q)] = round2(r.rand() * 100);
  // A few broken score values, as years of legacy writes leave behind.
  const qs = [...quizzes];
  if (qs.length && r.chance(0.1)) quizScores[String(qs[0])] = 112.5;
  if (qs.length > 1 && r.chance(0.1)) quizScores[String(qs[1])] = 'n/a';
  return quizScores;
}

/** The legacy percentage over the items the new system counts. */
function legacyPercentage(
  counted: ReturnType<typeof countedItems>,
  lessons: Set<number>,
  quizzes: Set<number>,
): number {
  let done = 0;
  for (const item of counted) {
    if (item.legacy === undefined) continue;
    if (
      (item.type === 'lesson' && lessons.has(item.legacy)) ||
      ((item.type === 'quiz' || item.quizLesson) && quizzes.has(item.legacy))
    )
      done++;
  }
  return completionPercentage(done, counted.length);
}

function expectedCompletions(
  kind: CourseKind,
  occurrences: ReturnType<typeof legacyOccurrences>,
  completed: { lessons: Set<number>; quizzes: Set<number> },
  finished: boolean,
): ExpectedCompletion[] {
  const expected: ExpectedCompletion[] = [];
  for (const [type, ids] of [
    ['lesson', completed.lessons],
    ['quiz', completed.quizzes],
  ] as const) {
    for (const legacyId of ids) {
      const where =
        type === 'lesson'
          ? (occurrences.lesson.get(legacyId) ?? [])
          : (occurrences.quiz.get(legacyId) ?? occurrences.quizLesson.get(legacyId) ?? []);
      const outcome: ExpectedOutcome = kind.missingContent
        ? { mapped: false, reason: 'no_content_document' }
        : where.length === 0
          ? { mapped: false, reason: 'not_in_content' }
          : where.length > 1 && !finished
            ? { mapped: false, reason: 'ambiguous' }
            : { mapped: true, at: where };
      expected.push({ item_type: type, legacy_id: legacyId, outcome });
    }
  }
  return expected;
}

function addGarbage(modules: Document[], nextLesson: number): void {
  const first = modules[0];
  const lessons = first.lessons as Document[];
  const garbage: Document[] = [
    { lesson_id: 'intro-video', title: 'Id is a word' },
    { lesson_id: String(nextLesson), title: 'Id is an integer string' },
    { lesson_id: 4.5, title: 'Id is a float' },
  ];
  // The same integer twice in one array level.
  const dup = lessons.find((l) => legacyIntOf(l.lesson_id) !== undefined);
  if (dup) garbage.push({ lesson_id: dup.lesson_id, title: 'Duplicate integer id' });
  for (const g of garbage) {
    lessons.push({
      type: 'text',
      content: 'garbage-id lesson',
      duration_minutes: 5,
      order: lessons.length + 1,
      is_preview: false,
      resources: [
        { resource_id: 'r-1', name: 'Bad resource id', url: 'https://x.test', type: 'link' },
      ],
      ...g,
    });
  }
  if (Array.isArray(first.quizzes))
    (first.quizzes as Document[]).push({ quiz_id: 2.5, title: 'Quiz with a float id', order: 99 });
}

interface CountedItem {
  type: 'lesson' | 'quiz' | 'summary';
  legacy?: number;
  quizLesson?: boolean;
}

/**
 * Items the new system counts: every legacy item is active; the module must be published. The
 * app's countedItems cannot be used here: it reads the migrated shape (`is_active`, ObjectId
 * ids), and the legacy documents have neither; migrating them first would make this oracle
 * depend on the migration it checks. Only how many are counted, and their integers, matter.
 */
function countedItems(modules: Document[]): CountedItem[] {
  const out: CountedItem[] = [];
  for (const m of modules) {
    if (m.is_published === false) continue;
    for (const l of m.lessons as Document[])
      out.push({ type: 'lesson', legacy: legacyIntOf(l.lesson_id), quizLesson: l.type === 'quiz' });
    for (const q of (m.quizzes ?? []) as Document[])
      out.push({ type: 'quiz', legacy: legacyIntOf(q.quiz_id) });
    for (const s of m.summaries as Document[])
      out.push({ type: 'summary', legacy: legacyIntOf(s.summary_id) });
  }
  return out;
}

export type Position = { module_index: number; level: Level; item_index: number };

/** Where each legacy integer occurs: lessons, quizzes, and lessons of type "quiz". */
function legacyOccurrences(
  modules: Document[],
): Record<LegacyItemType | 'quizLesson', Map<number, Position[]>> {
  const result = { lesson: new Map(), quiz: new Map(), quizLesson: new Map() } as Record<
    LegacyItemType | 'quizLesson',
    Map<number, Position[]>
  >;
  const note = (key: LegacyItemType | 'quizLesson', n: number, at: Position) => {
    const list = result[key].get(n) ?? [];
    list.push(at);
    result[key].set(n, list);
  };
  modules.forEach((m, module_index) => {
    for (const type of ['lesson', 'quiz'] as const) {
      const level = LEVEL_OF[type];
      ((m[level] ?? []) as Document[]).forEach((item, item_index) => {
        const n = legacyIntOf(item[LEVEL_ID[level]]);
        if (n === undefined) return;
        note(type, n, { module_index, level, item_index });
        if (type === 'lesson' && item.type === 'quiz')
          note('quizLesson', n, { module_index, level, item_index });
      });
    }
  });
  return result;
}

export interface WriteLegacyOptions {
  params: Partial<LegacyFixtureParams>;
  /** PostgreSQL to write courses and enrollments into; omit for a content-only data set. */
  databaseUrl?: string;
  /** The `course_content` collection to insert the documents into. */
  contents: Collection;
  /**
   * The MongoDB those documents live in: a newer schema is migrated down through it, folding
   * completions recorded since the upgrade back into the legacy arrays.
   */
  mongodbUri?: string;
  /** Migrate back up to the latest schema afterwards (archives the legacy columns). */
  migrateUp?: boolean;
  log?: (message: string) => void;
}

export interface WrittenEnrollment extends LegacyEnrollment {
  enrollment_id: number;
  course_id: number;
}

export interface WrittenLegacyDataset extends LegacyDataset {
  courseIds: number[];
  enrollments: WrittenEnrollment[];
}

const CHUNK = 1_000;

/**
 * Writes the data set. The legacy columns only exist at the legacy schema, so PostgreSQL is taken
 * down to it (the refactor's `down` restores archived columns; `progress` rows stay), filled,
 * and migrated up again, which archives the new legacy rows just like a production upgrade.
 */
export async function writeLegacyFixtures(
  options: WriteLegacyOptions,
): Promise<WrittenLegacyDataset> {
  const log = options.log ?? (() => undefined);
  if (!options.databaseUrl) {
    const dataset = buildLegacyDataset(options.params);
    await insertContent(options.contents, dataset);
    const first = dataset.params.firstCourseId ?? 1;
    return { ...dataset, courseIds: dataset.courses.map((_, i) => first + i), enrollments: [] };
  }
  const databaseUrl = options.databaseUrl;
  await ensureLegacySchema(databaseUrl, options.mongodbUri, log);
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  let written: WrittenLegacyDataset;
  try {
    // Titles are unique per seed; the ids the database assigns are read back by title.
    const draft = buildLegacyDataset(options.params);
    const ids = new Map<string, number>();
    for (let i = 0; i < draft.courses.length; i += CHUNK) {
      const rows = draft.courses.slice(i, i + CHUNK).map((c) => ({
        title: c.title,
        description: 'Imported from the legacy service',
        instructor_id: c.instructor_id,
        status: 'published',
        created_at: c.content?.created_at ?? new Date(Date.UTC(2025, 0, 1)),
      }));
      const res = await client.query<{ id: number; title: string }>(
        `insert into courses (title, description, instructor_id, status, created_at, updated_at)
         select title, description, instructor_id, status, created_at, created_at
         from jsonb_to_recordset($1::jsonb) as x(title text, description text, instructor_id int,
           status text, created_at timestamptz)
         returning id, title`,
        [JSON.stringify(rows)],
      );
      for (const r of res.rows) ids.set(r.title, r.id);
    }
    const courseIds = draft.courses.map((c) => ids.get(c.title) as number);
    // Rebuilt with the real ids: same seed, same random sequence, so only course_id differs.
    const dataset = buildLegacyDataset(options.params, courseIds);
    const flat = dataset.courses.flatMap((c, ci) =>
      c.enrollments.map((e) => ({ ...e, course_id: courseIds[ci] })),
    );
    const enrollmentIds = new Map<string, number>();
    for (let i = 0; i < flat.length; i += CHUNK) {
      // `expected` is the test oracle, not a column.
      const rows = flat.slice(i, i + CHUNK).map((e) => ({ ...e, expected: undefined }));
      const res = await client.query<{ id: number; student_id: number; course_id: number }>(
        `insert into enrollments (student_id, course_id, status, enrolled_at, started_at,
           completed_at, dropped_at, last_accessed_at, payment_status, payment_amount,
           enrollment_source, completed_modules, completed_lessons, completed_quizzes,
           quiz_scores, total_modules, total_lessons, completion_percentage, created_at, updated_at)
         select student_id, course_id, status, enrolled_at, started_at, completed_at, dropped_at,
           last_accessed_at, 'paid', 49.00, 'legacy-import', completed_modules, completed_lessons,
           completed_quizzes, quiz_scores, total_modules, total_lessons, completion_percentage,
           enrolled_at, coalesce(last_accessed_at, enrolled_at)
         from jsonb_to_recordset($1::jsonb) as x(student_id int, course_id int, status text,
           enrolled_at timestamptz, started_at timestamptz, completed_at timestamptz,
           dropped_at timestamptz, last_accessed_at timestamptz, completed_modules int[],
           completed_lessons int[], completed_quizzes int[], quiz_scores jsonb,
           total_modules int, total_lessons int, completion_percentage numeric)
         returning id, student_id, course_id`,
        [JSON.stringify(rows)],
      );
      for (const r of res.rows) enrollmentIds.set(`${r.student_id}:${r.course_id}`, r.id);
    }
    await insertContent(options.contents, dataset);
    written = {
      ...dataset,
      courseIds,
      enrollments: flat.map((e) => ({
        ...e,
        enrollment_id: enrollmentIds.get(`${e.student_id}:${e.course_id}`) as number,
      })),
    };
    log(
      `legacy fixtures: ${courseIds.length} courses, ${flat.length} enrollments, ` +
        `${dataset.courses.filter((c) => c.content).length} content documents`,
    );
  } finally {
    await client.end();
  }
  if (options.migrateUp ?? true) {
    const applied = await migrate(databaseUrl, 'up');
    log(`migrated up: ${applied.join(', ') || 'nothing pending'}`);
  }
  return written;
}

async function insertContent(contents: Collection, dataset: LegacyDataset): Promise<void> {
  const docs = dataset.courses.flatMap((c) => (c.content ? [c.content] : []));
  // Copies: insertMany adds `_id` to what it is given, and callers may build the set again.
  for (let i = 0; i < docs.length; i += 200) {
    await contents.insertMany(
      docs.slice(i, i + 200).map((d) => structuredClone(d)),
      { ordered: true },
    );
  }
}

/** Brings PostgreSQL to exactly the legacy schema, from empty or from any later state. */
export async function ensureLegacySchema(
  databaseUrl: string,
  mongodbUri: string | undefined,
  log: (message: string) => void = () => undefined,
): Promise<void> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  let state: 'empty' | 'legacy' | 'newer';
  try {
    const res = await client.query<{ enrollments: string | null; legacy: boolean }>(
      `select to_regclass('public.enrollments')::text as enrollments,
         exists (select 1 from information_schema.columns
                 where table_schema = 'public' and table_name = 'enrollments'
                   and column_name = 'completed_lessons') as legacy`,
    );
    const row = res.rows[0];
    state = !row.enrollments ? 'empty' : row.legacy ? 'legacy' : 'newer';
  } finally {
    await client.end();
  }
  if (state === 'empty') {
    await migrate(databaseUrl, 'up', LEGACY_SCHEMA_MIGRATION);
    log('database migrated up to the legacy schema');
  } else if (state === 'newer') {
    // Reverts every migration down to and including the refactor.
    const reverted = await migrate(databaseUrl, 'down', PROGRESS_REFACTOR_MIGRATION, {
      mongodbUri,
    });
    log(`database migrated down to the legacy schema (reverted ${reverted.join(', ')})`);
  }
}
