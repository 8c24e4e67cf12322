import { Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import type { ItemType } from '../course-content/domain/content.types';

/** A completion as plain data (what the repository returns). */
export interface ProgressRecord {
  id: number;
  userId: number;
  courseId: number;
  itemType: ItemType;
  itemId: string;
  /** Quizzes only; the highest score of the student's attempts. */
  score: number | null;
  completedAt: Date;
  createdAt: Date;
}

/** One completed item of one student (table `progress`). */
@Entity({ tableName: 'progress' })
export class Progress {
  [OptionalProps]?: 'score' | 'completedAt' | 'createdAt';

  @PrimaryKey({ type: 'bigint' })
  id: string;

  @Property({ type: 'integer' })
  userId: number;

  @Property({ type: 'integer' })
  courseId: number;

  @Property({ type: 'string', length: 20 })
  itemType: ItemType;

  @Property({ type: 'string', length: 50 })
  itemId: string;

  @Property({ type: 'decimal', precision: 5, scale: 2, nullable: true })
  score: string | null = null;

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  completedAt: Date = new Date();

  @Property({ type: 'datetime', columnType: 'timestamptz' })
  createdAt: Date = new Date();
}
