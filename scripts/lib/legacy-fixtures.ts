import { Collection, Document } from 'mongodb';
import { Client } from 'pg';
import { completionPercentage } from '../../src/progress/domain/progress-calculator';
import { LEGACY_SCHEMA_MIGRATION, migrate, PROGRESS_REFACTOR_MIGRATION } from './migrations';

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

/** Builds the data set in memory; `courseIds[i]` is the course id of course i. */
export function buildLegacyDataset(
  input: Partial<LegacyFixtureParams>,
  courseIds?: number[],
): LegacyDataset {
  const params: LegacyFixtureParams = { ...DEFAULT_PARAMS, ...input };
  const rand = prng(params.seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  const chance = (p: number) => rand() < p;
  const base = Date.UTC(2025, 0, 1);
  const day = 86_400_000;
  const courses: LegacyCourse[] = [];

  for (let ci = 0; ci < params.courses; ci++) {
    const courseId = courseIds?.[ci] ?? (params.firstCourseId ?? 1) + ci;
    const forced = (n: number) => params.specialCases !== false && ci === n;
    const random = (share: number) => ci > 4 && chance(share);
    const kind = {
      ambiguous: forced(1) || random(params.ambiguousShare ?? 0.15),
      stale: forced(2) || random(params.staleShare ?? 0.2),
      garbage: forced(3) || random(params.garbageShare ?? 0.05),
      missingContent: forced(4) || random(params.missingContentShare ?? 0.03),
      quizLessons: forced(5) || random(params.quizLessonShare ?? 0.3),
    };
    const createdAt = new Date(base + Math.floor(rand() * 200) * day);
    let nextLesson = 1;
    let nextQuiz = 1;
    let nextSummary = 1;
    const modules: Document[] = [];
    for (let mi = 0; mi < params.modulesPerCourse; mi++) {
      if (kind.ambiguous) nextLesson = 1;
      const module: Document = {
        module_id: mi + 1,
        title: `Module ${mi + 1}`,
        description: chance(0.8) ? `What module ${mi + 1} covers` : null,
        order: mi + 1,
        is_published: mi === 0 ? true : chance(0.85),
        lessons: [],
        ...(kind.quizLessons ? {} : { quizzes: [] }),
        summaries: [],
      };
      if (mi > 0 && chance(0.05)) delete module.module_id;
      if (mi > 0 && chance(0.05)) delete module.is_published; // defaults to published
      for (let ii = 0; ii < params.itemsPerModule; ii++) {
        const r = rand();
        if (r < 0.7 || ii === 0) {
          const lesson: Document = {
            lesson_id: nextLesson++,
            title: `Lesson ${ii + 1}`,
            type: pick(['video', 'text', 'assignment'] as const),
            content: `Body of lesson ${ii + 1} in module ${mi + 1}`,
            duration_minutes: chance(0.95) ? 3 + Math.floor(rand() * 43) : null,
            order: ii + 1,
            is_preview: ii === 0 && mi === 0,
            resources: Array.from({ length: Math.floor(rand() * 3) }, (_, k) => ({
              name: `Resource ${k + 1}`,
              url: `https://storage.example.com/c${courseId}/m${mi + 1}/l${ii + 1}/${k + 1}`,
              type: pick(['video', 'pdf', 'link'] as const),
            })),
          };
          if (chance(0.03)) delete lesson.lesson_id;
          (module.lessons as Document[]).push(lesson);
        } else if (r < 0.88 && kind.quizLessons) {
          (module.lessons as Document[]).push({
            lesson_id: nextLesson++,
            title: `Quiz ${ii + 1}`,
            type: 'quiz',
            content: 'Questions',
            duration_minutes: 10,
            order: ii + 1,
            is_preview: false,
            resources: [],
          });
        } else if (r < 0.88) {
          (module.quizzes as Document[]).push({
            quiz_id: nextQuiz++,
            title: `Quiz ${ii + 1}`,
            order: ii + 1,
            passing_score: chance(0.9) ? 60 + Math.floor(rand() * 30) : null,
          });
        } else {
          const summary: Document = {
            summary_id: nextSummary++,
            title: `Summary ${ii + 1}`,
            content: 'Key points',
            order: ii + 1,
          };
          if (chance(0.2)) delete summary.summary_id;
          (module.summaries as Document[]).push(summary);
        }
      }
      modules.push(module);
    }
    if (kind.garbage) addGarbage(modules, nextLesson);
    const published = modules.filter((m) => m.is_published !== false);
    const content: Document = {
      course_id: courseId,
      modules,
      metadata: {
        total_modules: modules.length,
        total_lessons: modules.reduce((n, m) => n + (m.lessons as unknown[]).length, 0),
        ...(chance(0.6) ? { tags: ['legacy', `topic-${ci % 5}`] } : {}),
      },
      created_at: createdAt,
      updated_at: new Date(createdAt.getTime() + Math.floor(rand() * 30) * day),
    };

    const counted = countedItems(modules);
    const occurrences = legacyOccurrences(modules);
    const enrollments: LegacyEnrollment[] = [];
    for (let ei = 0; ei < params.enrollmentsPerCourse; ei++) {
      const status = pick([
        'active',
        'active',
        'active',
        'active',
        'completed',
        'dropped',
        'suspended',
      ] as const);
      const enrolledAt = new Date(createdAt.getTime() + Math.floor(rand() * 60) * day);
      const started = status === 'completed' || chance(0.9);
      const startedAt = started ? new Date(enrolledAt.getTime() + day) : null;
      const lastAccessed = started
        ? new Date(enrolledAt.getTime() + (2 + Math.floor(rand() * 90)) * day)
        : null;
      const share = !started ? 0 : status === 'completed' ? 1 : rand();
      const lessons = new Set<number>();
      const quizzes = new Set<number>();
      for (const m of modules) {
        for (const l of m.lessons as Document[]) {
          const n = legacyIntOf(l.lesson_id);
          if (n === undefined || rand() >= share) continue;
          // The older shape recorded a quiz lesson as a quiz, sometimes as a lesson too.
          if (l.type !== 'quiz') lessons.add(n);
          else {
            quizzes.add(n);
            if (chance(0.3)) lessons.add(n);
          }
        }
        for (const q of (m.quizzes ?? []) as Document[]) {
          const n = legacyIntOf(q.quiz_id);
          if (n !== undefined && rand() < share) quizzes.add(n);
        }
      }
      if (kind.stale && started) {
        lessons.add(900 + ei);
        if (chance(0.5)) quizzes.add(800 + ei);
      }
      const quizScores: Record<string, unknown> = {};
      for (const q of quizzes) quizScores[String(q)] = round2(rand() * 100);
      // A few broken score values, as years of legacy writes leave behind.
      const qs = [...quizzes];
      if (qs.length && chance(0.1)) quizScores[String(qs[0])] = 112.5;
      if (qs.length > 1 && chance(0.1)) quizScores[String(qs[1])] = 'n/a';
      const completedModules = modules
        .map((m) => legacyIntOf(m.module_id))
        .filter((n): n is number => n !== undefined && rand() < share * share);

      let done = 0;
      for (const item of counted) {
        if (item.legacy === undefined) continue;
        if (
          (item.type === 'lesson' && lessons.has(item.legacy)) ||
          ((item.type === 'quiz' || item.quizLesson) && quizzes.has(item.legacy))
        )
          done++;
      }
      const percentage = completionPercentage(done, counted.length);
      const finished = status === 'completed' || percentage === 100;
      const expected: ExpectedCompletion[] = [];
      for (const [type, ids] of [
        ['lesson', lessons],
        ['quiz', quizzes],
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
      enrollments.push({
        student_id: 100_000 + ci * 1_000 + ei,
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
        total_modules: published.length,
        total_lessons: counted.filter((i) => i.type === 'lesson').length,
        completion_percentage: percentage,
        expected,
      });
    }
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
  await ensureLegacySchema(databaseUrl, options.contents, log);
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
  contents: Collection,
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
      contents,
    });
    log(`database migrated down to the legacy schema (reverted ${reverted.join(', ')})`);
  }
}
