import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { query } from '../database/records';
import { LegacyProgressRow, ProgressRowInput } from './domain/legacy-completions';

/** The archive's columns a LegacyProgressRow holds. */
const LEGACY_PROGRESS_COLUMNS = `enrollment_id, student_id, course_id, enrollment_status,
  completion_percentage, completed_modules, completed_lessons, completed_quizzes, quiz_scores,
  enrollment_completed_at, enrollment_last_accessed_at, archived_at`;

const SELECT_BATCH = `
  select ${LEGACY_PROGRESS_COLUMNS}
  from enrollment_progress_legacy
  where backfilled_at is null and enrollment_id > ?
  order by enrollment_id
  limit ?`;

type RawRow = Omit<
  LegacyProgressRow,
  'enrollment_completed_at' | 'enrollment_last_accessed_at' | 'archived_at'
> &
  Record<'enrollment_completed_at' | 'enrollment_last_accessed_at' | 'archived_at', unknown>;

// MikroORM's connection hands timestamps over as text (its entity mapper parses them).
const toDate = (value: unknown): Date | null =>
  value === null || value === undefined ? null : new Date(value as string | Date);

const toLegacyRow = (row: RawRow): LegacyProgressRow => ({
  ...row,
  enrollment_completed_at: toDate(row.enrollment_completed_at),
  enrollment_last_accessed_at: toDate(row.enrollment_last_accessed_at),
  archived_at: toDate(row.archived_at)!,
});

/**
 * `enrollment_progress_legacy`: the legacy progress columns the progress refactor archived, one
 * row per enrollment, with `backfilled_at` once the backfill has turned it into progress rows.
 * Statements join the caller's `em.transactional`.
 */
@Injectable()
export class LegacyArchiveRepository {
  constructor(private readonly em: EntityManager) {}

  /** How many enrollments are waiting for the backfill. */
  async pendingCount(): Promise<number> {
    const rows = await query<{ n: string }>(
      this.em,
      'select count(*) as n from enrollment_progress_legacy where backfilled_at is null',
    );
    return Number(rows[0].n);
  }

  /**
   * The next pending enrollments after `after`, in id order. `lock`: SKIP LOCKED inside a
   * transaction, so two runs at once share the work instead of doing it twice.
   */
  async nextPending(after: number, take: number, lock: boolean): Promise<LegacyProgressRow[]> {
    const rows = await query<RawRow>(
      this.em,
      lock ? `${SELECT_BATCH} for update skip locked` : SELECT_BATCH,
      [after, take],
    );
    return rows.map(toLegacyRow);
  }

  async findByEnrollmentIds(ids: number[]): Promise<LegacyProgressRow[]> {
    const rows = await query<RawRow>(
      this.em,
      `select ${LEGACY_PROGRESS_COLUMNS} from enrollment_progress_legacy
       where enrollment_id = any(?::int[])`,
      [`{${ids.join(',')}}`],
    );
    return rows.map(toLegacyRow);
  }

  async markBackfilled(enrollmentIds: number[]): Promise<void> {
    if (enrollmentIds.length === 0) return;
    await query(
      this.em,
      `update enrollment_progress_legacy set backfilled_at = now()
       where enrollment_id = any(?::int[])`,
      [`{${enrollmentIds.join(',')}}`],
    );
  }

  /** How many of these rows are in `progress` already (a dry run's "already present"). */
  async countExistingProgress(rows: ProgressRowInput[]): Promise<number> {
    if (rows.length === 0) return 0;
    const found = await query<{ n: string }>(
      this.em,
      `select count(*) as n from progress p
       join json_to_recordset(?::json) as x(u int, c int, t varchar, i varchar)
         on p.user_id = x.u and p.course_id = x.c and p.item_type = x.t and p.item_id = x.i`,
      // One JSON parameter: the driver would expand a JS array into a list of parameters.
      [
        JSON.stringify(
          rows.map((r) => ({ u: r.user_id, c: r.course_id, t: r.item_type, i: r.item_id })),
        ),
      ],
    );
    return Number(found[0].n);
  }
}
