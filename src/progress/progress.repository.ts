import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { columnsOf, preparedRead, query, toRecords } from '../database/records';
import { EnrollmentStatus } from '../enrollments/domain/enrollment-status';
import { Completion, CountedItem } from './domain/progress-calculator';
import { Progress, ProgressRecord } from './progress.entity';

export interface ProgressKey {
  userId: number;
  courseId: number;
  itemType: string;
  itemId: string;
}

export interface NewProgress extends ProgressKey {
  score: number | null;
  completedAt: Date;
}

/** One enrollment's line of the course report, counted against the given items. */
export interface ReportLine {
  studentId: number;
  enrollmentId: number;
  status: EnrollmentStatus;
  completedItems: number;
  hasCertificate: boolean;
  lastActivityAt: Date | null;
}

/** A student's standing in one course, as the progress summary reads it. */
export interface StudentProgress {
  status: EnrollmentStatus;
  hasCertificate: boolean;
  completions: Completion[];
}

export type ReportSort = 'completion_percentage' | 'student_id' | 'enrolled_at';

export interface ReportPage {
  skip: number;
  limit: number;
  sort: ReportSort;
  order: 'asc' | 'desc';
  status?: EnrollmentStatus;
}

const SORT_SQL: Record<ReportSort, string> = {
  completion_percentage: 'completed_items',
  student_id: 'student_id',
  enrolled_at: 'enrolled_at',
};

/** The `progress` table: one row per completed item. */
@Injectable()
export class ProgressRepository {
  constructor(private readonly em: EntityManager) {}

  private get columns(): string {
    return columnsOf(this.em, Progress);
  }

  /** Inserts the completion unless it exists; null when a row with this key is already there. */
  async insertIfAbsent(row: Omit<NewProgress, 'completedAt'>): Promise<ProgressRecord | null> {
    const rows = await query(
      this.em,
      `insert into progress (user_id, course_id, item_type, item_id, score)
       values (?, ?, ?, ?, ?)
       on conflict (user_id, course_id, item_type, item_id) do nothing
       returning ${this.columns}`,
      [row.userId, row.courseId, row.itemType, row.itemId, row.score],
    );
    return this.first(rows);
  }

  /**
   * Raises the stored score to `score` in one conditional update, so concurrent retakes keep
   * their maximum; null when the row is missing or already holds a score at least as high.
   */
  async raiseScore(key: ProgressKey, score: number): Promise<ProgressRecord | null> {
    const rows = await query(
      this.em,
      `update progress set score = ?
       where user_id = ? and course_id = ? and item_type = ? and item_id = ?
         and (score is null or score < ?)
       returning ${this.columns}`,
      [score, key.userId, key.courseId, key.itemType, key.itemId, score],
    );
    return this.first(rows);
  }

  async findByKey(key: ProgressKey): Promise<ProgressRecord | null> {
    const rows = await query(
      this.em,
      `select ${this.columns} from progress
       where user_id = ? and course_id = ? and item_type = ? and item_id = ?`,
      [key.userId, key.courseId, key.itemType, key.itemId],
    );
    return this.first(rows);
  }

  /**
   * Inserts many completions in one statement; a row that exists keeps what it has (its real
   * timestamp and score). Returns the keys actually inserted.
   */
  async insertMissing(rows: NewProgress[]): Promise<ProgressKey[]> {
    if (rows.length === 0) return [];
    return query<ProgressKey>(
      this.em,
      `insert into progress (user_id, course_id, item_type, item_id, score, completed_at)
       select r.user_id, r.course_id, r.item_type, r.item_id, r.score, r.completed_at
       from json_to_recordset(?::json) as r(user_id int, course_id int, item_type varchar,
         item_id varchar, score numeric, completed_at timestamptz)
       on conflict (user_id, course_id, item_type, item_id) do nothing
       returning user_id as "userId", course_id as "courseId", item_type as "itemType",
         item_id as "itemId"`,
      // One JSON parameter: the driver would expand a JS array into a list of parameters.
      [
        JSON.stringify(
          rows.map((r) => ({
            user_id: r.userId,
            course_id: r.courseId,
            item_type: r.itemType,
            item_id: r.itemId,
            score: r.score,
            completed_at: r.completedAt.toISOString(),
          })),
        ),
      ],
    );
  }

  /** Removes a completion; false when there was none. */
  async delete(key: ProgressKey): Promise<boolean> {
    const rows = await query(
      this.em,
      `delete from progress where user_id = ? and course_id = ? and item_type = ? and item_id = ?
       returning id`,
      [key.userId, key.courseId, key.itemType, key.itemId],
    );
    return rows.length > 0;
  }

  /**
   * What a student completed in a course, oldest first: only the item keys, which is all the
   * figures need (served by the unique index's prefix; no timestamps to parse per row).
   */
  findCompletedItems(userId: number, courseId: number): Promise<Completion[]> {
    return query<Completion>(
      this.em,
      `select item_type as "itemType", item_id as "itemId" from progress
       where user_id = ? and course_id = ? order by completed_at, id`,
      [userId, courseId],
    );
  }

  /**
   * What the student's summary needs of PostgreSQL, in one round trip: whether they are enrolled,
   * whether a valid certificate exists, and the keys of their completions in the order they were
   * made. Null when the student never enrolled.
   */
  async findStudentProgress(userId: number, courseId: number): Promise<StudentProgress | null> {
    const rows = await preparedRead<{
      status: EnrollmentStatus;
      has_certificate: boolean;
      completions: [string, string][] | null;
    }>(
      this.em,
      'progress-student-summary',
      // json, not arrays: the driver parses JSON natively and arrays in JavaScript.
      `select e.status,
              exists (select 1 from certificates c
                      where c.enrollment_id = e.id and not c.is_revoked) as has_certificate,
              (select json_agg(json_build_array(p.item_type, p.item_id)
                               order by p.completed_at, p.id)
               from progress p
               where p.user_id = e.student_id and p.course_id = e.course_id) as completions
       from enrollments e
       where e.student_id = $1 and e.course_id = $2`,
      [userId, courseId],
    );
    if (!rows.length) return null;
    const { status, has_certificate, completions } = rows[0];
    return {
      status,
      hasCertificate: has_certificate,
      completions: (completions ?? []).map(([itemType, itemId]) => ({ itemType, itemId })),
    };
  }

  /**
   * The course report in one statement: every enrollment with its count of completions of
   * counted items, certificate state and last activity; sorted and paginated in SQL.
   */
  async courseReport(
    courseId: number,
    items: CountedItem[],
    page: ReportPage,
  ): Promise<{ lines: ReportLine[]; total: number }> {
    const direction = page.order === 'desc' ? 'desc' : 'asc';
    const rows = await query<ReportLine & { total: string }>(
      this.em,
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
       select r.student_id as "studentId", r.enrollment_id as "enrollmentId", r.status,
              r.completed_items as "completedItems",
              (cert.id is not null and not cert.is_revoked) as "hasCertificate",
              r.last_activity_at as "lastActivityAt",
              count(*) over () as total
       from per_enrollment r
       left join certificates cert on cert.enrollment_id = r.enrollment_id
       order by r.${SORT_SQL[page.sort]} ${direction}, r.student_id asc
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
      lines: rows.map(({ total: _total, lastActivityAt, ...line }) => ({
        ...line,
        lastActivityAt: lastActivityAt == null ? null : new Date(lastActivityAt),
      })),
    };
  }

  private async countEnrollments(courseId: number, status?: string): Promise<number> {
    const [row] = await query<{ n: number }>(
      this.em,
      `select count(*)::int as n from enrollments
       where course_id = ? and (?::text is null or status = ?::text)`,
      [courseId, status ?? null, status ?? null],
    );
    return row.n;
  }

  private first(rows: Record<string, unknown>[]): ProgressRecord | null {
    if (!rows.length) return null;
    const [record] = toRecords<ProgressRecord>(this.em, Progress, rows);
    // bigint and numeric come back as strings; the record holds numbers.
    return {
      ...record,
      id: Number(record.id),
      score: record.score == null ? null : Number(record.score),
    };
  }
}
