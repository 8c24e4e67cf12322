import { EntityRepository } from '@mikro-orm/postgresql';
import { Page } from '../common/dto/pagination.dto';
import type { Certificate, CertificateRecord } from './certificate.entity';

type Row = Record<string, unknown>;

const COLUMNS = [
  'id',
  'enrollment_id',
  'student_id',
  'course_id',
  'certificate_number',
  'issued_at',
  'is_revoked',
  'revoked_at',
  'revocation_reason',
];
const SELECT = COLUMNS.join(', ');
const SELECT_C = COLUMNS.map((c) => `ce.${c}`).join(', ');

export interface CertificateWithCourse {
  certificate: CertificateRecord;
  course: { id: number; title: string; instructorId: number };
}

/**
 * Certificates are written with single SQL statements (plain rows, no identity map): issuing is
 * an insert that does nothing on conflict, revoking a compare-and-set, so both are exactly-once
 * under concurrency and work inside and outside an HTTP request.
 */
export class CertificateRepository extends EntityRepository<Certificate> {
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
       returning ${SELECT}`,
      [certificateNumber, enrollmentId],
    );
    return rows.length ? this.toRecord(rows[0]) : null;
  }

  async findByEnrollment(enrollmentId: number): Promise<CertificateRecord | null> {
    const rows = await this.sql(`select ${SELECT} from certificates where enrollment_id = ?`, [
      enrollmentId,
    ]);
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
       returning ${SELECT}`,
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
        `select ${SELECT} from certificates where student_id = ?
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
      `select ${SELECT_C}, c.title as course_title, c.instructor_id as course_instructor_id
       from certificates ce join courses c on c.id = ce.course_id
       where ${where}`,
      [value],
    );
    if (!rows.length) return null;
    const certificate = this.toRecord(rows[0]);
    return {
      certificate,
      course: {
        id: certificate.courseId,
        title: String(rows[0].course_title),
        instructorId: Number(rows[0].course_instructor_id),
      },
    };
  }

  private sql(query: string, params: unknown[]): Promise<Row[]> {
    return this.getEntityManager().execute<Row[]>(query, params, 'all');
  }

  private toRecord(row: Row): CertificateRecord {
    const platform = this.getEntityManager().getPlatform();
    return {
      id: Number(row.id),
      enrollmentId: Number(row.enrollment_id),
      studentId: Number(row.student_id),
      courseId: Number(row.course_id),
      certificateNumber: String(row.certificate_number),
      issuedAt: platform.parseDate(row.issued_at as string) as Date,
      isRevoked: row.is_revoked === true,
      revokedAt:
        row.revoked_at == null ? null : (platform.parseDate(row.revoked_at as string) as Date),
      revocationReason: (row.revocation_reason as string | null) ?? null,
    };
  }
}
