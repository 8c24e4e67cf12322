import type { Document } from 'mongodb';
import { isObjectIdString } from './objectid-transform';

/*
 * `migrate:backfill-progress`: archived legacy completions
 * (`enrollment_progress_legacy`) become `progress` rows, mapped through the `legacy_id` that
 * `migrate:objectid` kept on every converted item.
 *
 * Decisions:
 * - A legacy integer is looked up among the items of that type in the course's content document
 *   (inactive items and unpublished modules included: a completion of an item hidden today is
 *   still true). A `completed_quizzes` integer that matches no quiz is looked up among the
 *   lessons of type "quiz" (the older legacy shape kept quizzes as lessons); it maps to such a
 *   lesson with its score.
 * - Exactly one match maps. Several matches (lesson numbers restarting per module, duplicated
 *   ids) are ambiguous: when the legacy enrollment says the course was finished (status
 *   `completed` or completion_percentage 100) every candidate was completed, so all of them map;
 *   otherwise the report lists the candidates and the operator decides with a resolutions file
 *   (see legacy-resolutions.ts). No match -> `not_in_content`; no document ->
 *   `no_content_document`. Nothing is guessed.
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
  | 'invalid_quiz_scores'
  | 'resolved'
  | 'resolution_rejected';

export type LegacyItemType = 'lesson' | 'quiz';

/** An item a legacy integer may stand for, with what an operator needs to tell them apart. */
export interface LegacyCandidate {
  item_type: LegacyItemType;
  item_id: string;
  module_id: string;
  module_title: string | null;
  title: string | null;
}

export interface BackfillReportEntry {
  enrollment_id: number;
  student_id?: number;
  course_id?: number;
  item_type?: LegacyItemType;
  legacy_id?: number | string;
  reason: ReportReason;
  candidates?: LegacyCandidate[];
  value?: unknown;
  score?: number;
  /** A resolution's chosen item. */
  item_id?: string;
  /** A resolution applied now (true) or found already applied (false). */
  inserted?: boolean;
  /** Why a resolution was rejected. */
  why?: string;
  /** Line of the resolutions file. */
  line?: number;
}

export interface LegacyProgressRow {
  enrollment_id: number;
  student_id: number;
  course_id: number;
  /** The enrollment's status when its legacy columns were archived. */
  enrollment_status: string | null;
  completion_percentage: string | number | null;
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
  item_type: LegacyItemType;
  item_id: string;
  score: number | null;
  completed_at: Date;
}

const LEVELS: [LegacyItemType | 'summary', string, string][] = [
  ['lesson', 'lessons', 'lesson_id'],
  ['quiz', 'quizzes', 'quiz_id'],
  ['summary', 'summaries', 'summary_id'],
];

export interface LegacyIndex {
  /** False when some item id is not an ObjectId yet (migrate:objectid has not run). */
  migrated: boolean;
  /** legacy_id -> items, for lessons, quizzes and lessons of type "quiz". */
  lessons: Map<number, LegacyCandidate[]>;
  quizzes: Map<number, LegacyCandidate[]>;
  quizLessons: Map<number, LegacyCandidate[]>;
  /** Every lesson and quiz by its id, with its legacy_id if it has one. */
  items: Map<string, LegacyCandidate & { legacy_id?: number; quiz_lesson: boolean }>;
}

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

function add(map: Map<number, LegacyCandidate[]>, key: number, item: LegacyCandidate): void {
  const list = map.get(key) ?? [];
  list.push(item);
  map.set(key, list);
}

/** legacy_id -> new items, per item type, over the whole course (see the rules above). */
export function buildLegacyIndex(doc: Document): LegacyIndex {
  const index: LegacyIndex = {
    migrated: true,
    lessons: new Map(),
    quizzes: new Map(),
    quizLessons: new Map(),
    items: new Map(),
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
        if (type === 'summary') continue;
        const candidate: LegacyCandidate = {
          item_type: type,
          item_id: id,
          module_id: String(m.module_id),
          module_title: text(m.title),
          title: text(item.title),
        };
        const legacyId = typeof item.legacy_id === 'number' ? item.legacy_id : undefined;
        const quizLesson = type === 'lesson' && item.type === 'quiz';
        index.items.set(id, { ...candidate, legacy_id: legacyId, quiz_lesson: quizLesson });
        if (legacyId === undefined) continue;
        add(type === 'lesson' ? index.lessons : index.quizzes, legacyId, candidate);
        if (quizLesson) add(index.quizLessons, legacyId, candidate);
      }
    }
  }
  return index;
}

/** The items a legacy completion of `type` with `legacyId` may stand for. */
export function legacyCandidates(
  index: LegacyIndex,
  type: LegacyItemType,
  legacyId: number,
): LegacyCandidate[] {
  if (type === 'lesson') return index.lessons.get(legacyId) ?? [];
  return index.quizzes.get(legacyId) ?? index.quizLessons.get(legacyId) ?? [];
}

/** Whether the legacy enrollment says every item was completed. */
export function legacyFinished(row: LegacyProgressRow): boolean {
  return row.enrollment_status === 'completed' || Number(row.completion_percentage) >= 100;
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

/** The legacy quiz scores by integer id; keys that are not integers are reported. */
export function legacyScores(
  row: LegacyProgressRow,
  report: (entry: BackfillReportEntry) => void,
): Map<number, unknown> {
  const who = whoOf(row);
  const scores = new Map<number, unknown>();
  const raw = row.quiz_scores;
  if (raw === null || raw === undefined) return scores;
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    report({ ...who, reason: 'invalid_quiz_scores', value: raw });
    return scores;
  }
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (/^-?\d+$/.test(key)) scores.set(Number(key), value);
    else report({ ...who, item_type: 'quiz', legacy_id: key, reason: 'score_invalid', value });
  }
  return scores;
}

/** The score a progress row gets for a legacy quiz completion, reporting an unusable value. */
export function legacyScore(
  row: LegacyProgressRow,
  legacyId: number,
  scores: Map<number, unknown>,
  report: (entry: BackfillReportEntry) => void,
): number | null {
  if (!scores.has(legacyId)) return null;
  const value = scores.get(legacyId);
  const normalized = normalizeScore(value);
  if (normalized.issue)
    report({
      ...whoOf(row),
      item_type: 'quiz',
      legacy_id: legacyId,
      reason: normalized.issue,
      value,
      ...(normalized.score !== null ? { score: normalized.score } : {}),
    });
  return normalized.score;
}

function whoOf(row: LegacyProgressRow) {
  return { enrollment_id: row.enrollment_id, student_id: row.student_id, course_id: row.course_id };
}

export interface EnrollmentPlan {
  rows: ProgressRowInput[];
  report: BackfillReportEntry[];
  /** True: leave backfilled_at null and try again on a later run. */
  deferred: boolean;
  /** Legacy completions that became at least one row. */
  mapped: number;
  unmapped: number;
  /** Ambiguous legacy completions mapped to every candidate (the course was finished). */
  mappedToAllCandidates: number;
  /** Legacy quiz completions mapped to a lesson of type "quiz". */
  mappedToQuizLessons: number;
  modulesIgnored: number;
}

/** Pure: what one archived enrollment becomes, given its course's index (undefined: no doc). */
export function planEnrollment(
  row: LegacyProgressRow,
  index: LegacyIndex | undefined,
): EnrollmentPlan {
  const plan: EnrollmentPlan = {
    rows: [],
    report: [],
    deferred: false,
    mapped: 0,
    unmapped: 0,
    mappedToAllCandidates: 0,
    mappedToQuizLessons: 0,
    modulesIgnored: (row.completed_modules ?? []).length,
  };
  const report = (entry: BackfillReportEntry) => plan.report.push(entry);
  if (index && !index.migrated) {
    plan.deferred = true;
    report({ ...whoOf(row), reason: 'content_not_migrated' });
    return plan;
  }
  const scores = legacyScores(row, report);
  const completion: Completion = {
    row,
    index,
    scores,
    finished: legacyFinished(row),
    completedAt: legacyCompletedAt(row),
  };
  const rows = new Map<string, ProgressRowInput>();
  for (const [type, ids] of [
    ['lesson', row.completed_lessons],
    ['quiz', row.completed_quizzes],
  ] as const) {
    for (const legacyId of new Set(ids ?? []))
      mapCompletion(plan, rows, completion, type, legacyId);
  }
  plan.rows = [...rows.values()];
  reportStrayScores(row, scores, report);
  return plan;
}

/** What every completion of one enrollment shares. */
interface Completion {
  row: LegacyProgressRow;
  index: LegacyIndex | undefined;
  scores: Map<number, unknown>;
  finished: boolean;
  completedAt: Date;
}

/** Maps one legacy completion to its rows, or reports why it cannot be mapped. */
function mapCompletion(
  plan: EnrollmentPlan,
  rows: Map<string, ProgressRowInput>,
  { row, index, scores, finished, completedAt }: Completion,
  type: LegacyItemType,
  legacyId: number,
): void {
  const report = (entry: BackfillReportEntry) => plan.report.push(entry);
  const candidates = index ? legacyCandidates(index, type, legacyId) : [];
  const reason: UnmappedReason | undefined = !index
    ? 'no_content_document'
    : candidates.length === 0
      ? 'not_in_content'
      : candidates.length > 1 && !finished
        ? 'ambiguous'
        : undefined;
  if (reason) {
    plan.unmapped++;
    report({
      ...whoOf(row),
      item_type: type,
      legacy_id: legacyId,
      reason,
      ...(reason === 'ambiguous' ? { candidates } : {}),
    });
    return;
  }
  const score = type === 'quiz' ? legacyScore(row, legacyId, scores, report) : null;
  plan.mapped++;
  if (candidates.length > 1) plan.mappedToAllCandidates++;
  if (type === 'quiz' && candidates[0].item_type === 'lesson') plan.mappedToQuizLessons++;
  for (const c of candidates) addRow(rows, { ...rowOf(row, c, completedAt), score });
}

/** A score for a quiz not in completed_quizzes: a failed attempt has a score too. */
function reportStrayScores(
  row: LegacyProgressRow,
  scores: Map<number, unknown>,
  report: (entry: BackfillReportEntry) => void,
): void {
  const completedQuizzes = new Set(row.completed_quizzes ?? []);
  for (const [legacyId, value] of scores) {
    if (!completedQuizzes.has(legacyId))
      report({
        ...whoOf(row),
        item_type: 'quiz',
        legacy_id: legacyId,
        reason: 'score_without_completion',
        value,
      });
  }
}

export function rowOf(
  row: LegacyProgressRow,
  item: LegacyCandidate,
  completedAt: Date,
): ProgressRowInput {
  return {
    user_id: row.student_id,
    course_id: row.course_id,
    item_type: item.item_type,
    item_id: item.item_id,
    score: null,
    completed_at: completedAt,
  };
}

/**
 * One row per item: a quiz lesson can be in both legacy arrays; the row with a score (the
 * higher one) wins.
 */
function addRow(rows: Map<string, ProgressRowInput>, next: ProgressRowInput): void {
  const key = `${next.item_type}:${next.item_id}`;
  const current = rows.get(key);
  if (!current || (next.score !== null && (current.score === null || next.score > current.score)))
    rows.set(key, next);
}
