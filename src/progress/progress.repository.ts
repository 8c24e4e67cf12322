import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { DomainError } from '../common/errors/domain-error';
import { CountedItem } from './domain/progress-calculator';

export interface ProgressRow {
  id: number;
  user_id: number;
  course_id: number;
  item_type: string;
  item_id: string;
  score: number | null;
  completed_at: Date;
  created_at: Date;
}

export interface ReportRow {
  student_id: number;
  enrollment_id: number;
  status: string;
  completed_items: number;
  total_items: number;
  completion_percentage: number;
  has_certificate: boolean;
  last_activity_at: Date | null;
}

export type ReportSort = 'completion_percentage' | 'student_id' | 'enrolled_at';

const MAX_MARK_ATTEMPTS = 5;

const ROW = `id::int8 as id, user_id, course_id, item_type, item_id, score::float8 as score,
  completed_at, created_at`;

const SORT_SQL: Record<ReportSort, string> = {
  completion_percentage: 'completed_items',
  student_id: 'student_id',
  enrolled_at: 'enrolled_at',
};

/** Plain-row SQL over `progress`: inserts are idempotent, reads are single indexed queries. */
@Injectable()
export class ProgressRepository {
  constructor(private readonly em: EntityManager) {}

  private sql<T>(query: string, params: unknown[] = []): Promise<T[]> {
    return this.em.getConnection().execute<T[]>(query, params);
  }

  /**
   * Inserts the completion unless it exists; `created` is false for the existing row. A retake
   * with a higher score raises the stored one (the highest score is kept; a lower one or none
   * changes nothing), in one conditional update, so concurrent retakes keep their maximum. A
   * concurrent DELETE can remove the existing row between the insert and the read: then the
   * insert simply runs again.
   */
  async markCompleted(
    userId: number,
    courseId: number,
    itemType: string,
    itemId: string,
    score: number | null,
  ): Promise<{ row: ProgressRow; created: boolean }> {
    const key = [userId, courseId, itemType, itemId];
    for (let attempt = 0; attempt < MAX_MARK_ATTEMPTS; attempt++) {
      const inserted = await this.sql<ProgressRow>(
        `insert into progress (user_id, course_id, item_type, item_id, score)
         values (?, ?, ?, ?, ?)
         on conflict (user_id, course_id, item_type, item_id) do nothing
         returning ${ROW}`,
        [...key, score],
      );
      if (inserted.length) return { row: normalise(inserted[0]), created: true };
      if (score !== null) {
        const [raised] = await this.sql<ProgressRow>(
          `update progress set score = ?
           where user_id = ? and course_id = ? and item_type = ? and item_id = ?
             and (score is null or score < ?)
           returning ${ROW}`,
          [score, ...key, score],
        );
        if (raised) return { row: normalise(raised), created: false };
      }
      const [existing] = await this.sql<ProgressRow>(
        `select ${ROW} from progress
         where user_id = ? and course_id = ? and item_type = ? and item_id = ?`,
        key,
      );
      if (existing) return { row: normalise(existing), created: false };
    }
    throw new DomainError(
      'conflict',
      'CONCURRENT_MODIFICATION',
      'This completion is being added and removed at the same time; retry',
    );
  }

  async unmark(
    userId: number,
    courseId: number,
    itemType: string,
    itemId: string,
  ): Promise<boolean> {
    const rows = await this.sql<{ id: number }>(
      `delete from progress where user_id = ? and course_id = ? and item_type = ? and item_id = ?
       returning id`,
      [userId, courseId, itemType, itemId],
    );
    return rows.length > 0;
  }

  /** Every completion of a student in a course (served by the unique index's prefix). */
  async findForUserAndCourse(userId: number, courseId: number): Promise<ProgressRow[]> {
    const rows = await this.sql<ProgressRow>(
      `select ${ROW} from progress where user_id = ? and course_id = ? order by completed_at, id`,
      [userId, courseId],
    );
    return rows.map(normalise);
  }

  /**
   * The course report in one statement: every enrollment with its count of completions of
   * counted items, certificate state and last activity; sorted and paginated in SQL.
   */
  async courseReport(
    courseId: number,
    items: CountedItem[],
    page: { skip: number; limit: number; sort: ReportSort; order: 'asc' | 'desc'; status?: string },
  ): Promise<{ rows: ReportRow[]; total: number }> {
    const direction = page.order === 'desc' ? 'desc' : 'asc';
    const rows = await this.sql<ReportRow & { total: string; enrolled_at: Date }>(
      `with counted as (
         select * from json_to_recordset(?::json) as c(item_type text, item_id text)
       ), per_enrollment as (
         select e.id as enrollment_id, e.student_id, e.status, e.enrolled_at,
                count(c.item_id)::int as completed_items,
                greatest(max(p.completed_at), e.last_accessed_at) as last_activity_at
         from enrollments e
         left join progress p on p.course_id = e.course_id and p.user_id = e.student_id
         left join counted c on c.item_type = p.item_type and c.item_id = p.item_id
         where e.course_id = ? and (?::text is null or e.status = ?::text)
         group by e.id
       )
       select r.*, (cert.id is not null and not cert.is_revoked) as has_certificate,
              count(*) over () as total
       from per_enrollment r
       left join certificates cert on cert.enrollment_id = r.enrollment_id
       order by ${SORT_SQL[page.sort]} ${direction}, r.student_id asc
       limit ? offset ?`,
      [
        // One JSON parameter: the driver would expand a JS array into a list of parameters.
        JSON.stringify(items.map((i) => ({ item_type: i.item_type, item_id: i.item_id }))),
        courseId,
        page.status ?? null,
        page.status ?? null,
        page.limit,
        page.skip,
      ],
    );
    const total = rows.length
      ? Number(rows[0].total)
      : await this.countEnrollments(courseId, page.status);
    return {
      total,
      rows: rows.map((r) => ({
        student_id: r.student_id,
        enrollment_id: r.enrollment_id,
        status: r.status,
        completed_items: r.completed_items,
        total_items: items.length,
        completion_percentage: 0,
        has_certificate: r.has_certificate,
        last_activity_at: r.last_activity_at,
      })),
    };
  }

  private async countEnrollments(courseId: number, status?: string): Promise<number> {
    const [row] = await this.sql<{ n: number }>(
      `select count(*)::int as n from enrollments where course_id = ? and (?::text is null or status = ?::text)`,
      [courseId, status ?? null, status ?? null],
    );
    return row.n;
  }
}

function normalise(row: ProgressRow): ProgressRow {
  return { ...row, id: Number(row.id), score: row.score === null ? null : Number(row.score) };
}
