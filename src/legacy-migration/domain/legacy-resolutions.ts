import { parse } from 'csv-parse/sync';
import {
  BackfillReportEntry,
  LegacyIndex,
  legacyCandidates,
  legacyCompletedAt,
  LegacyItemType,
  LegacyProgressRow,
  legacyScore,
  legacyScores,
  ProgressRowInput,
  rowOf,
} from './legacy-completions';
import { isObjectIdString } from './objectid-transform';

/*
 * An operator's answer to an `ambiguous` (or `not_in_content`) report line: which item a legacy
 * completion stands for. One line per decision, CSV with a header or JSON lines:
 *   enrollment_id,item_type,legacy_id,item_id
 *   17,lesson,3,65f1a2b3c4d5e6f7a8b9c0d2
 * Several lines for one legacy id map it to several items.
 *
 * Rules, checked against the archive and the content as they are now:
 * - the enrollment is archived and its legacy array of `item_type` holds `legacy_id`;
 * - `item_id` is one of the report's candidates when the legacy id has candidates; when it has
 *   none (`not_in_content`) any lesson (for a lesson) or quiz or quiz-type lesson (for a quiz) of
 *   the course may be chosen.
 * A line that breaks a rule is rejected (`resolution_rejected`, with why), the others applied;
 * applying is idempotent (`on conflict do nothing`; `inserted: false` the second time) and every
 * line leaves a `resolved` or `resolution_rejected` line in the report.
 */

export interface Resolution {
  line: number;
  enrollment_id: number;
  item_type: LegacyItemType;
  legacy_id: number;
  item_id: string;
}

const FIELDS = ['enrollment_id', 'item_type', 'legacy_id', 'item_id'] as const;

/**
 * Parses a resolutions file. A malformed line fails the whole file (nothing is applied), with
 * every bad line named, so a typo is fixed rather than half-applied.
 */
export function parseResolutions(content: string): Resolution[] {
  const jsonl = content.trimStart().startsWith('{');
  const records: { line: number; value: unknown }[] = jsonl
    ? content
        .split('\n')
        .map((text, i) => ({ line: i + 1, text: text.trim() }))
        .filter((l) => l.text !== '')
        .map((l) => ({ line: l.line, value: parseJsonLine(l.text) }))
    : (
        parse(content, {
          columns: true,
          skip_empty_lines: true,
          trim: true,
          info: true,
        }) as { record: Record<string, string>; info: { lines: number } }[]
      ).map((r) => ({ line: r.info.lines, value: r.record }));
  const errors: string[] = [];
  const resolutions: Resolution[] = [];
  for (const { line, value } of records) {
    const parsed = toResolution(value, line);
    if (typeof parsed === 'string') errors.push(`line ${line}: ${parsed}`);
    else resolutions.push(parsed);
  }
  if (errors.length > 0)
    throw new Error(
      `the resolutions file has ${errors.length} bad line(s), nothing was applied:\n  ` +
        errors.slice(0, 20).join('\n  ') +
        `\n  each line needs ${FIELDS.join(', ')}`,
    );
  return resolutions;
}

function parseJsonLine(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return 'not valid JSON';
  }
}

function toResolution(value: unknown, line: number): Resolution | string {
  if (typeof value === 'string') return value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not an object';
  const v = value as Record<string, unknown>;
  const missing = FIELDS.filter((f) => v[f] === undefined || v[f] === '');
  if (missing.length) return `missing ${missing.join(', ')}`;
  const integer = (x: unknown) => {
    const n = typeof x === 'string' && /^-?\d+$/.test(x) ? Number(x) : x;
    return typeof n === 'number' && Number.isSafeInteger(n) ? n : undefined;
  };
  const enrollmentId = integer(v.enrollment_id);
  const legacyId = integer(v.legacy_id);
  if (enrollmentId === undefined || enrollmentId < 1)
    return 'enrollment_id must be a positive integer';
  if (v.item_type !== 'lesson' && v.item_type !== 'quiz')
    return 'item_type must be "lesson" or "quiz"';
  if (legacyId === undefined) return 'legacy_id must be an integer';
  if (!isObjectIdString(v.item_id)) return 'item_id must be a 24-character hex ObjectId';
  return {
    line,
    enrollment_id: enrollmentId,
    item_type: v.item_type,
    legacy_id: legacyId,
    item_id: v.item_id,
  };
}

/** Why a resolution cannot be applied, or the row it becomes. */
export function planResolution(
  resolution: Resolution,
  row: LegacyProgressRow | undefined,
  index: LegacyIndex | undefined,
  report: (entry: BackfillReportEntry) => void,
): ProgressRowInput | string {
  if (!row) return 'enrollment not in the legacy archive';
  const legacy = resolution.item_type === 'lesson' ? row.completed_lessons : row.completed_quizzes;
  if (!(legacy ?? []).includes(resolution.legacy_id))
    return `legacy_id ${resolution.legacy_id} is not in the enrollment's completed_${resolution.item_type === 'lesson' ? 'lessons' : 'quizzes'}`;
  if (!index) return 'the course has no content document';
  if (!index.migrated) return 'the course content is not migrated yet: run migrate:objectid';
  const item = index.items.get(resolution.item_id);
  if (!item) return `item ${resolution.item_id} is not a lesson or quiz of course ${row.course_id}`;
  const candidates = legacyCandidates(index, resolution.item_type, resolution.legacy_id);
  if (candidates.length > 0 && !candidates.some((c) => c.item_id === item.item_id))
    return `item ${item.item_id} is not one of the candidates (${candidates.map((c) => c.item_id).join(', ')})`;
  const fits =
    resolution.item_type === 'lesson'
      ? item.item_type === 'lesson'
      : item.item_type === 'quiz' || item.quiz_lesson;
  if (!fits) return `item ${item.item_id} is a ${item.item_type}, not a ${resolution.item_type}`;
  const score =
    resolution.item_type === 'quiz'
      ? legacyScore(
          row,
          resolution.legacy_id,
          legacyScores(row, () => undefined),
          report,
        )
      : null;
  return { ...rowOf(row, item, legacyCompletedAt(row)), score };
}
