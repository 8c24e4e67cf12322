import { Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';

/** A certificate as plain data (what the repository returns; the entity has the same shape). */
export interface CertificateRecord {
  id: number;
  enrollmentId: number;
  studentId: number;
  courseId: number;
  certificateNumber: string;
  issuedAt: Date;
  isRevoked: boolean;
  revokedAt: Date | null;
  revocationReason: string | null;
}

/** Table `certificates`: at most one per enrollment, with a unique unguessable number. */
@Entity({ tableName: 'certificates' })
export class Certificate implements CertificateRecord {
  [OptionalProps]?: 'issuedAt' | 'isRevoked' | 'revokedAt' | 'revocationReason';

  @PrimaryKey({ type: 'integer', autoincrement: true })
  id: number;

  // Plain columns rather than relations: certificates are read as rows, never as object graphs.
  @Property({ type: 'integer', unique: 'certificates_enrollment_id_unique' })
  enrollmentId: number;

  @Property({ type: 'integer', index: 'certificates_student_id_index' })
  studentId: number;

  @Property({ type: 'integer', index: 'certificates_course_id_index' })
  courseId: number;

  @Property({ type: 'string', length: 64, unique: 'certificates_certificate_number_unique' })
  certificateNumber: string;

  @Property({ type: 'datetime', columnType: 'timestamptz', onCreate: () => new Date() })
  issuedAt: Date = new Date();

  @Property({ type: 'boolean' })
  isRevoked: boolean = false;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  revokedAt: Date | null = null;

  @Property({ type: 'text', nullable: true })
  revocationReason: string | null = null;
}
