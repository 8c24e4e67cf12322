import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { Page } from '../common/dto/pagination.dto';
import { columnsOf, preparedRead, query, toRecords } from '../database/records';
import { EnrollmentStatus } from './domain/enrollment-status';
import { EnrollmentState } from './domain/enrollment-transitions';
import { Enrollment, EnrollmentRecord } from './enrollment.entity';

type Row = Record<string, unknown>;

export interface NewEnrollment {
  studentId: number;
  courseId: number;
  paymentAmount: string | null;
  enrollmentSource: string | null;
}

export interface EnrollmentListFilter {
  status?: EnrollmentStatus;
  skip: number;
  limit: number;
}

/**
 * The `enrollments` table. Every status change is one compare-and-set statement, so concurrent
 * requests cannot both make the same move.
 */
@Injectable()
export class EnrollmentRepository {
  constructor(private readonly em: EntityManager) {}

  /** Inserts unless (student_id, course_id) exists; null when another row already holds it. */
  async insertIfAbsent(data: NewEnrollment): Promise<EnrollmentRecord | null> {
    const rows = await this.sql(
      `insert into enrollments (student_id, course_id, status, payment_amount, enrollment_source)
       values (?, ?, 'active', ?, ?)
       on conflict (student_id, course_id) do nothing
       returning ${this.columns}`,
      [data.studentId, data.courseId, data.paymentAmount, data.enrollmentSource],
    );
    return rows.length ? this.toRecord(rows[0]) : null;
  }

  async findById(id: number): Promise<EnrollmentRecord | null> {
    const rows = await this.sql(`select ${this.columns} from enrollments where id = ?`, [id]);
    return rows.length ? this.toRecord(rows[0]) : null;
  }

  /** The enrollment with the instructor of its course, for authorization, in one query. */
  async findWithCourseOwner(
    id: number,
  ): Promise<{ enrollment: EnrollmentRecord; courseInstructorId: number } | null> {
    const rows = await this.sql(
      `select ${columnsOf(this.em, Enrollment, 'e')}, c.instructor_id as course_instructor_id
       from enrollments e join courses c on c.id = e.course_id
       where e.id = ?`,
      [id],
    );
    if (!rows.length) return null;
    const { course_instructor_id: courseInstructorId, ...enrollment } = rows[0];
    return {
      enrollment: this.toRecord(enrollment),
      courseInstructorId: Number(courseInstructorId),
    };
  }

  async findByStudentAndCourse(
    studentId: number,
    courseId: number,
  ): Promise<EnrollmentRecord | null> {
    const rows = await this.sql(
      `select ${this.columns} from enrollments where student_id = ? and course_id = ?`,
      [studentId, courseId],
    );
    return rows.length ? this.toRecord(rows[0]) : null;
  }

  /**
   * Compare-and-set of a status change: applies `next` only if the row still has `expected`
   * status. Null when a concurrent change got there first (the caller re-reads and re-decides).
   */
  async changeState(
    id: number,
    expected: EnrollmentStatus,
    next: EnrollmentState,
    extra: { paymentAmount?: string | null; enrollmentSource?: string | null } = {},
  ): Promise<EnrollmentRecord | null> {
    const rows = await this.sql(
      `update enrollments set
         status = ?, dropped_at = ?, completed_at = ?,
         payment_amount = coalesce(?, payment_amount),
         enrollment_source = coalesce(?, enrollment_source),
         updated_at = now()
       where id = ? and status = ?
       returning ${this.columns}`,
      [
        next.status,
        next.droppedAt,
        next.completedAt,
        extra.paymentAmount ?? null,
        extra.enrollmentSource ?? null,
        id,
        expected,
      ],
    );
    return rows.length ? this.toRecord(rows[0]) : null;
  }

  /** Sets started_at on the first activity and last_accessed_at on every one. */
  async touchAccess(id: number): Promise<void> {
    await query(
      this.em,
      `update enrollments set started_at = coalesce(started_at, now()), last_accessed_at = now(),
         updated_at = now()
       where id = ?`,
      [id],
    );
  }

  async hasEnrollmentWithStatus(
    studentId: number,
    courseId: number,
    statuses: readonly EnrollmentStatus[],
  ): Promise<boolean> {
    const rows = await preparedRead(
      this.em,
      'enrollments-has-status',
      `select 1 from enrollments where student_id = $1 and course_id = $2 and status = any($3)`,
      [studentId, courseId, [...statuses]],
    );
    return rows.length > 0;
  }

  listForStudent(studentId: number, filter: EnrollmentListFilter) {
    return this.list('student_id', studentId, filter);
  }

  listForCourse(courseId: number, filter: EnrollmentListFilter) {
    return this.list('course_id', courseId, filter);
  }

  private async list(
    column: 'student_id' | 'course_id',
    value: number,
    filter: EnrollmentListFilter,
  ): Promise<Page<EnrollmentRecord>> {
    const where = filter.status ? `${column} = ? and status = ?` : `${column} = ?`;
    const params = filter.status ? [value, filter.status] : [value];
    const [rows, counted] = await Promise.all([
      this.sql(
        `select ${this.columns} from enrollments where ${where}
         order by enrolled_at desc, id desc limit ? offset ?`,
        [...params, filter.limit, filter.skip],
      ),
      this.sql(`select count(*)::int as total from enrollments where ${where}`, params),
    ]);
    return {
      items: rows.map((r) => this.toRecord(r)),
      total: Number(counted[0].total),
      skip: filter.skip,
      limit: filter.limit,
    };
  }

  private get columns(): string {
    return columnsOf(this.em, Enrollment);
  }

  private sql(statement: string, params: unknown[]): Promise<Row[]> {
    return query(this.em, statement, params);
  }

  private toRecord(row: Row): EnrollmentRecord {
    return toRecords<EnrollmentRecord>(this.em, Enrollment, [row])[0];
  }
}
