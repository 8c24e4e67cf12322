import {
  Entity,
  EntityRepositoryType,
  Enum,
  OptionalProps,
  PrimaryKey,
  Property,
} from '@mikro-orm/core';
import { COURSE_STATUSES, CourseStatus } from './domain/course-status';
import { CourseRepository } from './course.repository';

@Entity({ tableName: 'courses', repository: () => CourseRepository })
export class Course {
  [EntityRepositoryType]?: CourseRepository;
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
