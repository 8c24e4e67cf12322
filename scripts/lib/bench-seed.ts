import { calculateObjectSize } from 'bson';
import type { Pool, PoolClient } from 'pg';
import {
  ContentInput,
  emptyContent,
  finalizeContent,
  replaceContent,
} from '../../src/course-content/domain/content-tree';
import { CourseContent } from '../../src/course-content/domain/content.types';
import { viewContent } from '../../src/course-content/domain/content-view';
import { CountedItem, countedItems } from '../../src/progress/domain/progress-calculator';

/*
 * What `npm run bench` seeds, and how: content documents built with the service's own pure tree
 * functions (so they are stored exactly as its write path stores them), PostgreSQL rows by
 * multi-row SQL. Nothing goes through HTTP.
 */

/** A course's content: `modules` x (`lessons` lessons, one quiz, one summary). */
export interface CourseShape {
  modules: number;
  lessons: number;
  /** Characters of each lesson body; summaries get half. */
  lessonChars: number;
}

export const COURSE_SHAPES = {
  /** 10 x (12 + 1 + 1) = 140 counted items, a stored document of about 80 KB. */
  realistic: { modules: 10, lessons: 12, lessonChars: 450 },
  /** 2 x (3 + 1 + 1) = 10 counted items. */
  small: { modules: 2, lessons: 3, lessonChars: 450 },
  /** 10 x (11 + 1 + 1) = 130 counted items: the course of the instructor's report. */
  report: { modules: 10, lessons: 11, lessonChars: 450 },
} as const satisfies Record<string, CourseShape>;

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32), so every run seeds the same data. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  'course module lesson student practice example result value model data method system ' +
  'question answer review summary concept theory layout pattern function process step ' +
  'measure test build deploy request response server client query index record field ' +
  'simple careful clear useful common general specific important different possible'
).split(' ');

/** Sentences of random words, `chars` characters long or a little more. */
export function prose(random: () => number, chars: number): string {
  const sentences: string[] = [];
  let length = 0;
  while (length < chars) {
    const count = 6 + Math.floor(random() * 10);
    const words = Array.from({ length: count }, () => WORDS[Math.floor(random() * WORDS.length)]);
    const sentence = `${words.join(' ')}.`;
    sentences.push(sentence[0].toUpperCase() + sentence.slice(1));
    length += sentence.length + 1;
  }
  return sentences.join(' ');
}

/** What an instructor's PUT of the whole tree would send for a course of this shape. */
export function courseInput(shape: CourseShape, seed = 1): ContentInput {
  const random = seededRandom(seed);
  return {
    modules: Array.from({ length: shape.modules }, (_, m) => ({
      title: `Module ${m + 1}: ${prose(random, 20).slice(0, 40)}`,
      description: prose(random, 120),
      lessons: Array.from({ length: shape.lessons }, (_, l) => ({
        title: `Lesson ${m + 1}.${l + 1}`,
        type: 'text' as const,
        content: prose(random, shape.lessonChars),
        duration_minutes: 5 + Math.floor(random() * 20),
        // The first lesson is a free preview: the public view shows its body.
        is_preview: m === 0 && l === 0,
        resources: [
          {
            name: `Slides ${m + 1}.${l + 1}`,
            url: `https://cdn.example.com/courses/slides-${m + 1}-${l + 1}.pdf`,
            type: 'pdf' as const,
          },
        ],
      })),
      quizzes: [{ title: `Quiz ${m + 1}`, passing_score: 70 }],
      summaries: [{ title: `Summary ${m + 1}`, content: prose(random, shape.lessonChars / 2) }],
    })),
    metadata: { tags: ['benchmark'] },
  };
}

/**
 * The stored `course_content` document, built the way the service's write path builds it
 * (replaceContent on an empty tree, then finalizeContent at the next version): version 1.
 */
export function contentDocument(courseId: number, input: ContentInput, now: Date): CourseContent {
  const current = emptyContent(courseId, now);
  const edited = replaceContent(current, input);
  return finalizeContent({ ...edited, version: current.version + 1 }, now);
}

/** Sizes of a seeded course, as the results report them. */
export interface CourseFacts {
  courseId: number;
  modules: number;
  countedItems: number;
  /** The stored document's BSON size. */
  bsonBytes: number;
  publicViewBytes: number;
  enrolledViewBytes: number;
}

export function courseFacts(content: CourseContent): CourseFacts {
  const json = (audience: 'public' | 'enrolled') =>
    Buffer.byteLength(JSON.stringify(viewContent(content, audience)));
  return {
    courseId: content.course_id,
    modules: content.modules.length,
    countedItems: countedItems(content).length,
    bsonBytes: calculateObjectSize(content as unknown as Record<string, unknown>),
    publicViewBytes: json('public'),
    enrolledViewBytes: json('enrolled'),
  };
}

/** How many items each of `count` students completed: uniform in 0..max, reproducible. */
export function prefixCounts(count: number, max: number, seed: number): number[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => Math.floor(random() * (max + 1)));
}

type Sql = Pool | PoolClient;

/** Published courses of `instructorId`, one per title; their ids in the order of the titles. */
export async function createCourses(
  sql: Sql,
  titles: string[],
  instructorId: number,
): Promise<number[]> {
  const { rows } = await sql.query<{ id: number; title: string }>(
    `insert into courses (title, instructor_id, status)
     select t, $2, 'published' from unnest($1::text[]) as t
     returning id, title`,
    [titles, instructorId],
  );
  const ids = new Map(rows.map((r) => [r.title, r.id]));
  return titles.map((t) => ids.get(t)!);
}

/** Active enrollments of the given students in one course, in one statement. */
export async function enroll(sql: Sql, courseId: number, studentIds: number[]): Promise<void> {
  await sql.query(
    `insert into enrollments (student_id, course_id, status, started_at, last_accessed_at)
     select s, $2, 'active', now(), now() from unnest($1::int[]) as s`,
    [studentIds, courseId],
  );
}

/** Active enrollments of students first .. first+count-1 in one course (generate_series). */
export async function enrollRange(
  sql: Sql,
  courseId: number,
  first: number,
  count: number,
): Promise<void> {
  await sql.query(
    `insert into enrollments (student_id, course_id, status, started_at)
     select s, $3, 'active', now() from generate_series($1::int, $2::int) as s`,
    [first, first + count - 1, courseId],
  );
}

/** Consecutive integers, `count` of them from `first`. */
export function range(first: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => first + i);
}

/**
 * Each student completes the first `counts[i]` counted items, in course order (one second
 * apart, so "oldest first" is the course order), in one statement.
 */
export async function completePrefixes(
  sql: Sql,
  courseId: number,
  items: CountedItem[],
  studentIds: number[],
  counts: number[],
): Promise<number> {
  const result = await sql.query(
    `insert into progress (user_id, course_id, item_type, item_id, completed_at)
     select s.student_id, $3, i.item_type, i.item_id,
            now() - make_interval(secs => $5::int - i.ord)
     from unnest($1::int[], $2::int[]) as s(student_id, done)
     join json_to_recordset($4::json) as i(item_type text, item_id text, ord int)
       on i.ord <= s.done`,
    [
      studentIds,
      counts,
      courseId,
      // One JSON parameter: the driver would expand a JS array of objects badly.
      JSON.stringify(items.map((i, n) => ({ item_type: i.item_type, item_id: i.item_id, ord: n }))),
      items.length,
    ],
  );
  return result.rowCount ?? 0;
}

/**
 * Grows `progress` with rows of other students in the filler courses: rows number `from` to
 * `to - 1` of an endless sequence in which student `firstStudent + n / perStudent` completed
 * made-up items, so a later call continues where an earlier one stopped. Batches of 500,000
 * rows; `onBatch` is told how many are in.
 */
export async function fillProgress(
  sql: Sql,
  fillerCourseIds: number[],
  rows: { firstStudent: number; perStudent: number; from: number; to: number },
  onBatch: (done: number) => void = () => undefined,
): Promise<void> {
  const batch = 500_000;
  for (let from = rows.from; from < rows.to; from += batch) {
    const to = Math.min(rows.to, from + batch);
    await sql.query(
      `insert into progress (user_id, course_id, item_type, item_id, completed_at)
       select $3::int + g / $4::int, ($5::int[])[1 + (g / $4::int) % cardinality($5::int[])],
              'lesson', substr(md5(g::text), 1, 24), now() - make_interval(secs => g % $4::int)
       from generate_series($1::int, $2::int) as g`,
      [from, to - 1, rows.firstStudent, rows.perStudent, fillerCourseIds],
    );
    onBatch(to - rows.from);
  }
}

/**
 * The old service's enrollments: progress kept per enrollment (completed lesson ids, totals and
 * percentage), recomputed for every enrollment of a course on each content edit.
 */
export async function createLegacyTable(sql: Sql): Promise<void> {
  await sql.query(`
    create table if not exists bench_legacy_enrollments (
      id serial primary key,
      student_id integer not null,
      course_id integer not null,
      completed_lessons integer[] not null default '{}',
      total_lessons integer not null default 0,
      completion_percentage numeric(5, 2) not null default 0.00,
      updated_at timestamptz not null default now()
    )`);
  await sql.query(
    'create index if not exists bench_legacy_enrollments_course_id on bench_legacy_enrollments (course_id)',
  );
}

/** `count` legacy enrollments of one course, each with a random prefix of lessons 1..lessons. */
export async function fillLegacy(
  sql: Sql,
  courseId: number,
  firstStudent: number,
  count: number,
  lessons: number,
): Promise<void> {
  await sql.query(
    `insert into bench_legacy_enrollments (student_id, course_id, completed_lessons, total_lessons)
     select $1::int + g, $3, array(select generate_series(1, (g * 7919) % ($4::int + 1))), $4
     from generate_series(0, $2::int - 1) as g`,
    [firstStudent, count, courseId, lessons],
  );
}

/**
 * What the old service ran after each content edit, in its cheapest form: one set-based UPDATE of
 * every enrollment of the course with the new total and percentage. Returns its milliseconds.
 */
export async function legacyRecompute(
  sql: Sql,
  courseId: number,
  lessons: number,
): Promise<number> {
  const started = performance.now();
  await sql.query(
    `update bench_legacy_enrollments set
       total_lessons = $2,
       completion_percentage = round(100.0 * least(cardinality(completed_lessons), $2) / $2, 2),
       updated_at = now()
     where course_id = $1`,
    [courseId, lessons],
  );
  return performance.now() - started;
}
