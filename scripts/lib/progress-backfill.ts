import { Collection, Document } from 'mongodb';
import { Pool, PoolClient } from 'pg';
import { isObjectIdString } from './objectid-migration';

/*
 * `migrate:backfill-progress`: archived legacy completions
 * (`enrollment_progress_legacy`) become `progress` rows, mapped through the `legacy_id` that
 * `migrate:objectid` kept on every converted item.
 *
 * Decisions:
 * - A legacy integer maps only if exactly one item of that type in the course's content document
 *   carries it as `legacy_id` (inactive items and unpublished modules included: a completion of
 *   an item hidden today is still true). No item -> `not_in_content`; more than one (lesson
 *   numbers restarting per module, duplicated ids) -> `ambiguous`; no document ->
 *   `no_content_document`. All go to the report, none is guessed.
 * - A content document that still has non-ObjectId ids has not been through migrate:objectid:
 *   the enrollment is left for a later run (`content_not_migrated`, backfilled_at stays null).
 * - `completed_modules` are not items (modules do not count): ignored, only counted.
 * - Quiz score: a number (or numeric string) in 0..100 is kept (2 decimals); a number outside is
 *   clamped and reported (`score_clamped`); anything else -> score null, reported
 *   (`score_invalid`). A score for a quiz not in completed_quizzes does not make a completion
 *   (a failed attempt has a score too): reported as `score_without_completion`.
 * - completed_at: legacy data has no per-item time. We use the earliest of the enrollment's
 *   completed_at and last_accessed_at (each item was completed no later than either), and
 *   archived_at when both are null. It is an upper bound, never a time before the real one.
 * - An existing progress row (the student completed the item again after the upgrade) wins:
 *   `on conflict do nothing` keeps its real timestamp.
 */

export type UnmappedReason =
  'not_in_content' | 'ambiguous' | 'no_content_document' | 'content_not_migrated';

export type ReportReason =
  | UnmappedReason
  | 'score_clamped'
  | 'score_invalid'
  | 'score_without_completion'
  | 'invalid_quiz_scores';

export interface BackfillReportEntry {
  enrollment_id: number;
  student_id: number;
  course_id: number;
  item_type?: 'lesson' | 'quiz';
  legacy_id?: number | string;
  reason: ReportReason;
  candidates?: string[];
  value?: unknown;
  score?: number;
}

export interface LegacyProgressRow {
  enrollment_id: number;
  student_id: number;
  course_id: number;
  completed_modules: number[] | null;
  completed_lessons: number[] | null;
  completed_quizzes: number[] | null;
  quiz_scores: unknown;
  enrollment_completed_at: Date | null;
  enrollment_last_accessed_at: Date | null;
  archived_at: Date;
}

export interface ProgressRowInput {
  user_id: number;
  course_id: number;
  item_type: 'lesson' | 'quiz';
  item_id: string;
  score: number | null;
  completed_at: Date;
}

type ItemKey = 'lesson' | 'quiz' | 'summary';
const LEVELS: [ItemKey, string, string][] = [
  ['lesson', 'lessons', 'lesson_id'],
  ['quiz', 'quizzes', 'quiz_id'],
  ['summary', 'summaries', 'summary_id'],
];

export interface LegacyIndex {
  /** False when some item id is not an ObjectId yet (migrate:objectid has not run). */
  migrated: boolean;
  byLegacyId: Record<ItemKey, Map<number, string[]>>;
}

/** legacy_id -> new ids, per item type, over the whole course (see the ambiguity rule above). */
export function buildLegacyIndex(doc: Document): LegacyIndex {
  const index: LegacyIndex = {
    migrated: true,
    byLegacyId: { lesson: new Map(), quiz: new Map(), summary: new Map() },
  };
  for (const m of Array.isArray(doc.modules) ? (doc.modules as Document[]) : []) {
    if (typeof m !== 'object' || m === null) continue;
    if (!isObjectIdString(m.module_id)) index.migrated = false;
    for (const [type, level, idField] of LEVELS) {
      for (const item of Array.isArray(m[level]) ? (m[level] as Document[]) : []) {
        if (typeof item !== 'object' || item === null) continue;
        const id = item[idField];
        if (!isObjectIdString(id)) {
          index.migrated = false;
          continue;
        }
        if (typeof item.legacy_id !== 'number') continue;
        const list = index.byLegacyId[type].get(item.legacy_id) ?? [];
        list.push(id);
        index.byLegacyId[type].set(item.legacy_id, list);
      }
    }
  }
  return index;
}

/** A quiz score for `progress.score` (NUMERIC(5,2), 0..100), or why it is not usable as is. */
export function normalizeScore(raw: unknown): {
  score: number | null;
  issue?: 'score_clamped' | 'score_invalid';
} {
  const n =
    typeof raw === 'number'
      ? raw
      : typeof raw === 'string' && raw.trim() !== '' && Number.isFinite(Number(raw))
        ? Number(raw)
        : NaN;
  if (!Number.isFinite(n)) return { score: null, issue: 'score_invalid' };
  const rounded = Math.round((n + Number.EPSILON) * 100) / 100;
  if (rounded < 0) return { score: 0, issue: 'score_clamped' };
  if (rounded > 100) return { score: 100, issue: 'score_clamped' };
  return { score: rounded };
}

/** The completion time the legacy data supports best (see the decisions above). */
export function legacyCompletedAt(row: LegacyProgressRow): Date {
  const candidates = [row.enrollment_completed_at, row.enrollment_last_accessed_at].filter(
    (d): d is Date => d instanceof Date && !Number.isNaN(d.getTime()),
  );
  if (candidates.length === 0) return row.archived_at;
  return new Date(Math.min(...candidates.map((d) => d.getTime())));
}

export interface EnrollmentPlan {
  rows: ProgressRowInput[];
  report: BackfillReportEntry[];
  /** True: leave backfilled_at null and try again on a later run. */
  deferred: boolean;
  mapped: number;
  unmapped: number;
  modulesIgnored: number;
}

/** Pure: what one archived enrollment becomes, given its course's index (undefined: no doc). */
export function planEnrollment(
  row: LegacyProgressRow,
  index: LegacyIndex | undefined,
): EnrollmentPlan {
  const who = {
    enrollment_id: row.enrollment_id,
    student_id: row.student_id,
    course_id: row.course_id,
  };
  const plan: EnrollmentPlan = {
    rows: [],
    report: [],
    deferred: false,
    mapped: 0,
    unmapped: 0,
    modulesIgnored: (row.completed_modules ?? []).length,
  };
  const lessons = [...new Set(row.completed_lessons ?? [])];
  const quizzes = [...new Set(row.completed_quizzes ?? [])];
  if (index && !index.migrated) {
    plan.deferred = true;
    plan.report.push({ ...who, reason: 'content_not_migrated' });
    return plan;
  }

  const scores = new Map<number, unknown>();
  const rawScores = row.quiz_scores;
  if (rawScores !== null && rawScores !== undefined) {
    if (typeof rawScores !== 'object' || Array.isArray(rawScores)) {
      plan.report.push({ ...who, reason: 'invalid_quiz_scores', value: rawScores });
    } else {
      for (const [key, value] of Object.entries(rawScores as Record<string, unknown>)) {
        if (/^-?\d+$/.test(key)) scores.set(Number(key), value);
        else
          plan.report.push({
            ...who,
            item_type: 'quiz',
            legacy_id: key,
            reason: 'score_invalid',
            value,
          });
      }
    }
  }
  const completedAt = legacyCompletedAt(row);
  for (const [type, ids] of [
    ['lesson', lessons],
    ['quiz', quizzes],
  ] as const) {
    for (const legacyId of ids) {
      const candidates = index?.byLegacyId[type].get(legacyId) ?? [];
      const reason: UnmappedReason | undefined = !index
        ? 'no_content_document'
        : candidates.length === 0
          ? 'not_in_content'
          : candidates.length > 1
            ? 'ambiguous'
            : undefined;
      if (reason) {
        plan.unmapped++;
        plan.report.push({
          ...who,
          item_type: type,
          legacy_id: legacyId,
          reason,
          ...(candidates.length > 1 ? { candidates } : {}),
        });
        continue;
      }
      let score: number | null = null;
      if (type === 'quiz' && scores.has(legacyId)) {
        const normalized = normalizeScore(scores.get(legacyId));
        score = normalized.score;
        if (normalized.issue)
          plan.report.push({
            ...who,
            item_type: 'quiz',
            legacy_id: legacyId,
            reason: normalized.issue,
            value: scores.get(legacyId),
            ...(normalized.score !== null ? { score: normalized.score } : {}),
          });
      }
      plan.mapped++;
      plan.rows.push({
        user_id: row.student_id,
        course_id: row.course_id,
        item_type: type,
        item_id: candidates[0],
        score,
        completed_at: completedAt,
      });
    }
  }
  const completedQuizzes = new Set(quizzes);
  for (const [legacyId, value] of scores) {
    if (!completedQuizzes.has(legacyId))
      plan.report.push({
        ...who,
        item_type: 'quiz',
        legacy_id: legacyId,
        reason: 'score_without_completion',
        value,
      });
  }
  return plan;
}

export interface BackfillProgress {
  scanned: number;
  backfilled: number;
  deferred: number;
}

export interface BackfillOptions {
  pool: Pool;
  contents: Collection;
  dryRun?: boolean;
  /** Enrollments per transaction. */
  batchSize?: number;
  /** Stop after this many enrollments (a canary run; rerun for the rest). */
  limit?: number;
  signal?: AbortSignal;
  /**
   * Called for each report entry. In a real run a batch's entries are emitted inside its
   * transaction, before the commit (then `beforeCommit` runs): see backfillProgress.
   */
  onReport?: (entry: BackfillReportEntry) => void;
  /** Called after a batch's report entries, just before its commit (the CLI syncs its file). */
  beforeCommit?: () => void | Promise<void>;
  onProgress?: (progress: BackfillProgress) => void;
}

export interface BackfillSummary extends BackfillProgress {
  dryRun: boolean;
  /** Enrollments still waiting in the archive when the run started. */
  pendingAtStart: number;
  progressRowsInserted: number;
  /** Mapped completions that already had a progress row (or would be inserted, in a dry run). */
  progressRowsExisting: number;
  completionsMapped: number;
  completionsUnmapped: number;
  unmappedByReason: Partial<Record<ReportReason, number>>;
  modulesIgnored: number;
  reportEntries: number;
  stoppedEarly: boolean;
  elapsedMs: number;
}

const SELECT_BATCH = `
  select enrollment_id, student_id, course_id, completed_modules, completed_lessons,
    completed_quizzes, quiz_scores, enrollment_completed_at, enrollment_last_accessed_at, archived_at
  from enrollment_progress_legacy
  where backfilled_at is null and enrollment_id > $1
  order by enrollment_id
  limit $2`;

/** How many enrollments are waiting for the backfill. */
export async function pendingBackfillCount(pool: Pool): Promise<number> {
  const res = await pool.query<{ n: string }>(
    'select count(*) as n from enrollment_progress_legacy where backfilled_at is null',
  );
  return Number(res.rows[0].n);
}

/**
 * Backfills in batches of enrollments, each in one transaction that inserts the progress rows and
 * sets backfilled_at, so a run stopped at any point resumes exactly where it stopped. Rows are
 * locked with SKIP LOCKED: two runs at once share the work instead of doing it twice.
 */
export async function backfillProgress(options: BackfillOptions): Promise<BackfillSummary> {
  const started = Date.now();
  const batchSize = Math.max(1, options.batchSize ?? 500);
  const summary: BackfillSummary = {
    dryRun: options.dryRun ?? false,
    pendingAtStart: await pendingBackfillCount(options.pool),
    scanned: 0,
    backfilled: 0,
    deferred: 0,
    progressRowsInserted: 0,
    progressRowsExisting: 0,
    completionsMapped: 0,
    completionsUnmapped: 0,
    unmappedByReason: {},
    modulesIgnored: 0,
    reportEntries: 0,
    stoppedEarly: false,
    elapsedMs: 0,
  };
  const cache = new ContentCache(options.contents);
  let after = 0;
  for (;;) {
    if (options.signal?.aborted) {
      summary.stoppedEarly = true;
      break;
    }
    const room = options.limit === undefined ? batchSize : options.limit - summary.scanned;
    if (room <= 0) {
      summary.stoppedEarly = summary.scanned < summary.pendingAtStart;
      break;
    }
    const take = Math.min(batchSize, room);
    let done: { count: number; last: number };
    if (summary.dryRun) {
      done = await dryBatch(options, cache, after, take, summary);
    } else {
      const batch = await transaction(options.pool, async (client) => {
        const result = await writeBatch(client, cache, after, take, summary);
        // Report first, commit second. The commit sets backfilled_at and no later run looks at
        // these enrollments again, so a report line not written by then would be lost for good;
        // written before, a failure in between only repeats the lines when the batch is redone.
        // A report that cannot be written rolls the batch back.
        for (const entry of result.reports) options.onReport?.(entry);
        await options.beforeCommit?.();
        return result;
      });
      // Only a committed batch counts; a failed one is redone by the next run.
      Object.assign(summary, batch.summary);
      done = batch;
    }
    if (done.count === 0) break;
    after = done.last;
    options.onProgress?.({
      scanned: summary.scanned,
      backfilled: summary.backfilled,
      deferred: summary.deferred,
    });
  }
  summary.elapsedMs = Date.now() - started;
  return summary;
}

async function dryBatch(
  options: BackfillOptions,
  cache: ContentCache,
  after: number,
  take: number,
  summary: BackfillSummary,
): Promise<{ count: number; last: number }> {
  const { rows } = await options.pool.query<LegacyProgressRow>(SELECT_BATCH, [after, take]);
  const plans = await planRows(rows, cache, options.onReport, summary);
  const all = plans.flatMap((p) => p.rows);
  summary.progressRowsExisting += await countExisting(options.pool, all);
  summary.backfilled += plans.filter((p) => !p.deferred).length;
  return { count: rows.length, last: rows.at(-1)?.enrollment_id ?? after };
}

async function writeBatch(
  client: PoolClient,
  cache: ContentCache,
  after: number,
  take: number,
  summary: BackfillSummary,
): Promise<{
  count: number;
  last: number;
  summary: BackfillSummary;
  reports: BackfillReportEntry[];
}> {
  const { rows } = await client.query<LegacyProgressRow>(`${SELECT_BATCH} for update skip locked`, [
    after,
    take,
  ]);
  const draft = { ...summary, unmappedByReason: { ...summary.unmappedByReason } };
  const reports: BackfillReportEntry[] = [];
  const plans = await planRows(rows, cache, (e) => reports.push(e), draft);
  const all = plans.flatMap((p) => p.rows);
  let inserted = 0;
  if (all.length > 0) {
    const res = await client.query(
      `insert into progress (user_id, course_id, item_type, item_id, score, completed_at)
       select * from unnest($1::int[], $2::int[], $3::varchar[], $4::varchar[], $5::numeric[],
         $6::timestamptz[])
       on conflict (user_id, course_id, item_type, item_id) do nothing`,
      [
        all.map((r) => r.user_id),
        all.map((r) => r.course_id),
        all.map((r) => r.item_type),
        all.map((r) => r.item_id),
        all.map((r) => r.score),
        all.map((r) => r.completed_at),
      ],
    );
    inserted = res.rowCount ?? 0;
  }
  const finished = rows.filter((_, i) => !plans[i].deferred).map((r) => r.enrollment_id);
  if (finished.length > 0)
    await client.query(
      'update enrollment_progress_legacy set backfilled_at = now() where enrollment_id = any($1::int[])',
      [finished],
    );
  draft.progressRowsInserted += inserted;
  draft.progressRowsExisting += all.length - inserted;
  draft.backfilled += finished.length;
  return { count: rows.length, last: rows.at(-1)?.enrollment_id ?? after, summary: draft, reports };
}

async function planRows(
  rows: LegacyProgressRow[],
  cache: ContentCache,
  onReport: ((entry: BackfillReportEntry) => void) | undefined,
  summary: BackfillSummary,
): Promise<EnrollmentPlan[]> {
  const indexes = await cache.get([...new Set(rows.map((r) => r.course_id))]);
  return rows.map((row) => {
    const plan = planEnrollment(row, indexes.get(row.course_id));
    summary.scanned++;
    if (plan.deferred) summary.deferred++;
    summary.completionsMapped += plan.mapped;
    summary.completionsUnmapped += plan.unmapped;
    summary.modulesIgnored += plan.modulesIgnored;
    for (const entry of plan.report) {
      summary.reportEntries++;
      summary.unmappedByReason[entry.reason] = (summary.unmappedByReason[entry.reason] ?? 0) + 1;
      onReport?.(entry);
    }
    return plan;
  });
}

async function countExisting(pool: Pool, rows: ProgressRowInput[]): Promise<number> {
  if (rows.length === 0) return 0;
  const res = await pool.query<{ n: string }>(
    `select count(*) as n from progress p
     join unnest($1::int[], $2::int[], $3::varchar[], $4::varchar[]) as x(u, c, t, i)
       on p.user_id = x.u and p.course_id = x.c and p.item_type = x.t and p.item_id = x.i`,
    [
      rows.map((r) => r.user_id),
      rows.map((r) => r.course_id),
      rows.map((r) => r.item_type),
      rows.map((r) => r.item_id),
    ],
  );
  return Number(res.rows[0].n);
}

async function transaction<T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    const result = await fn(client);
    await client.query('commit');
    return result;
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/**
 * Content indexes by course id. Enrollments are read in id order, which in practice clusters
 * by course; a bounded cache keeps memory flat on a large run.
 */
class ContentCache {
  private readonly entries = new Map<number, LegacyIndex | undefined>();
  constructor(
    private readonly contents: Collection,
    private readonly max = 500,
  ) {}

  async get(courseIds: number[]): Promise<Map<number, LegacyIndex | undefined>> {
    const missing = courseIds.filter((id) => !this.entries.has(id));
    if (missing.length > 0) {
      const docs = await this.contents.find({ course_id: { $in: missing } }).toArray();
      const found = new Map(docs.map((d) => [d.course_id as number, buildLegacyIndex(d)]));
      for (const id of missing) {
        if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value!);
        this.entries.set(id, found.get(id));
      }
    }
    return new Map(courseIds.map((id) => [id, this.entries.get(id)]));
  }
}
