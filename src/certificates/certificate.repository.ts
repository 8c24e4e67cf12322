import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { Page } from '../common/dto/pagination.dto';
import { columnsOf, query, toRecords } from '../database/records';
import { Certificate, CertificateRecord } from './certificate.entity';

type Row = Record<string, unknown>;

export interface CertificateWithCourse {
  certificate: CertificateRecord;
  course: { id: number; title: string; instructorId: number };
}

/**
 * The `certificates` table. Issuing is an insert that does nothing on conflict, revoking a
 * compare-and-set, so both are exactly-once under concurrency.
 */
@Injectable()
export class CertificateRepository {
  constructor(private readonly em: EntityManager) {}

  /**
   * Issues the certificate of a completed enrollment, copying its student and course. Inserts
   * nothing (null) when the enrollment is not completed, already has a certificate or, never in
   * practice, the number is taken: the status check in the same statement keeps a certificate
   * off any enrollment that is not completed, whatever the caller believed.
   */
  async insertForCompletedEnrollment(
    enrollmentId: number,
    certificateNumber: string,
  ): Promise<CertificateRecord | null> {
    const rows = await this.sql(
      `insert into certificates (enrollment_id, student_id, course_id, certificate_number)
       select e.id, e.student_id, e.course_id, ? from enrollments e
       where e.id = ? and e.status = 'completed'
       on conflict do nothing
       returning ${this.columns}`,
      [certificateNumber, enrollmentId],
    );
    return rows.length ? this.toRecord(rows[0]) : null;
  }

  async findByEnrollment(enrollmentId: number): Promise<CertificateRecord | null> {
    const rows = await this.sql(
      `select ${this.columns} from certificates where enrollment_id = ?`,
      [enrollmentId],
    );
    return rows.length ? this.toRecord(rows[0]) : null;
  }

  async findWithCourse(id: number): Promise<CertificateWithCourse | null> {
    return this.findOneWithCourse('ce.id = ?', id);
  }

  async findByNumberWithCourse(certificateNumber: string): Promise<CertificateWithCourse | null> {
    return this.findOneWithCourse('ce.certificate_number = ?', certificateNumber);
  }

  /** Revokes once: null when the certificate is missing or already revoked. */
  async revoke(id: number, reason: string): Promise<CertificateRecord | null> {
    const rows = await this.sql(
      `update certificates set is_revoked = true, revoked_at = now(), revocation_reason = ?
       where id = ? and not is_revoked
       returning ${this.columns}`,
      [reason, id],
    );
    return rows.length ? this.toRecord(rows[0]) : null;
  }

  async listForStudent(
    studentId: number,
    page: { skip: number; limit: number },
  ): Promise<Page<CertificateRecord>> {
    const [rows, counted] = await Promise.all([
      this.sql(
        `select ${this.columns} from certificates where student_id = ?
         order by issued_at desc, id desc limit ? offset ?`,
        [studentId, page.limit, page.skip],
      ),
      this.sql(`select count(*)::int as total from certificates where student_id = ?`, [studentId]),
    ]);
    return {
      items: rows.map((r) => this.toRecord(r)),
      total: Number(counted[0].total),
      skip: page.skip,
      limit: page.limit,
    };
  }

  private async findOneWithCourse(
    where: string,
    value: unknown,
  ): Promise<CertificateWithCourse | null> {
    const rows = await this.sql(
      `select ${columnsOf(this.em, Certificate, 'ce')}, c.title as course_title, c.instructor_id as course_instructor_id
       from certificates ce join courses c on c.id = ce.course_id
       where ${where}`,
      [value],
    );
    if (!rows.length) return null;
    const { course_title: title, course_instructor_id: instructorId, ...row } = rows[0];
    const certificate = this.toRecord(row);
    return {
      certificate,
      course: {
        id: certificate.courseId,
        title: String(title),
        instructorId: Number(instructorId),
      },
    };
  }

  private get columns(): string {
    return columnsOf(this.em, Certificate);
  }

  private sql(statement: string, params: unknown[]): Promise<Row[]> {
    return query(this.em, statement, params);
  }

  private toRecord(row: Row): CertificateRecord {
    return toRecords<CertificateRecord>(this.em, Certificate, [row])[0];
  }
}
