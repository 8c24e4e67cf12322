import { Entity, Enum, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { COURSE_STATUSES, CourseStatus } from './domain/course-status';

/** A course as plain data (what the repository returns; the entity has the same shape). */
export interface CourseRecord {
  id: number;
  title: string;
  description: string | null;
  instructorId: number;
  status: CourseStatus;
  createdAt: Date;
  updatedAt: Date;
}

/** Table `courses`: the metadata of a course; its content lives in MongoDB. */
@Entity({ tableName: 'courses' })
export class Course implements CourseRecord {
  [OptionalProps]?: 'description' | 'status' | 'createdAt' | 'updatedAt';

  @PrimaryKey({ type: 'integer', autoincrement: true })
  id: number;

  @Property({ type: 'string', length: 200 })
  title: string;

  @Property({ type: 'text', nullable: true })
  description: string | null = null;

  @Property({ type: 'integer' })
  instructorId: number;

  @Enum({ items: () => [...COURSE_STATUSES], type: 'string' })
  status: CourseStatus = 'draft';

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
