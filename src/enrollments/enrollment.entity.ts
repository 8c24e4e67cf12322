import { Entity, Enum, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { ENROLLMENT_STATUSES, EnrollmentStatus } from './domain/enrollment-status';

/** An enrollment as plain data (what the repository returns; the entity has the same shape). */
export interface EnrollmentRecord {
  id: number;
  studentId: number;
  courseId: number;
  status: EnrollmentStatus;
  enrolledAt: Date;
  startedAt: Date | null;
  completedAt: Date | null;
  droppedAt: Date | null;
  lastAccessedAt: Date | null;
  paymentStatus: string | null;
  /** NUMERIC(10,2) kept as its exact decimal string; responses turn it into a JSON number. */
  paymentAmount: string | null;
  enrollmentSource: string | null;
  timeSpentMinutes: number;
  createdAt: Date;
  updatedAt: Date;
}

/** Table `enrollments` after the progress refactor (the progress columns are gone). */
@Entity({ tableName: 'enrollments' })
@Unique({ name: 'enrollments_student_id_course_id_unique', properties: ['studentId', 'courseId'] })
export class Enrollment implements EnrollmentRecord {
  [OptionalProps]?:
    | 'status'
    | 'enrolledAt'
    | 'startedAt'
    | 'completedAt'
    | 'droppedAt'
    | 'lastAccessedAt'
    | 'paymentStatus'
    | 'paymentAmount'
    | 'enrollmentSource'
    | 'timeSpentMinutes'
    | 'createdAt'
    | 'updatedAt';

  @PrimaryKey({ type: 'integer', autoincrement: true })
  id: number;

  @Property({ type: 'integer' })
  studentId: number;

  // A plain column rather than a relation: enrollments are read as rows, never as object graphs.
  @Property({ type: 'integer', index: 'enrollments_course_id_index' })
  courseId: number;

  @Enum({ items: () => [...ENROLLMENT_STATUSES], type: 'string', length: 20 })
  status: EnrollmentStatus = 'active';

  @Property({ type: 'datetime', columnType: 'timestamptz', onCreate: () => new Date() })
  enrolledAt: Date = new Date();

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  startedAt: Date | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  completedAt: Date | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  droppedAt: Date | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz', nullable: true })
  lastAccessedAt: Date | null = null;

  @Property({ type: 'string', length: 20, nullable: true })
  paymentStatus: string | null = null;

  @Property({ type: 'decimal', precision: 10, scale: 2, nullable: true })
  paymentAmount: string | null = null;

  @Property({ type: 'string', length: 100, nullable: true })
  enrollmentSource: string | null = null;

  @Property({ type: 'integer' })
  timeSpentMinutes: number = 0;

  @Property({ type: 'datetime', columnType: 'timestamptz', onCreate: () => new Date() })
  createdAt: Date = new Date();

  @Property({
    type: 'datetime',
    columnType: 'timestamptz',
    onCreate: () => new Date(),
    onUpdate: () => new Date(),
  })
  updatedAt: Date = new Date();
}
