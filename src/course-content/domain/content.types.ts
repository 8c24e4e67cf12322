/**
 * The `course_content` document, as plain data, and the one statement of its shape: the inputs
 * in content-tree.ts are derived from these types, and the Mongoose schema, the request DTOs and
 * the response DTOs are checked against them by the compiler. Every item id is a 24-hex ObjectId string;
 * `legacy_id` keeps the integer id an item had before the ObjectId migration. A document that
 * `migrate:objectid` has not converted yet may still hold the old service's ids (integers, or
 * none): they are kept exactly as stored, since converting them is the migration's job (it
 * records `legacy_id`, which the progress backfill needs), and shown as strings (`shownId`).
 */
export const LESSON_TYPES = ['video', 'text', 'quiz', 'assignment'] as const;
export type LessonType = (typeof LESSON_TYPES)[number];

export const RESOURCE_TYPES = ['video', 'pdf', 'audio', 'image', 'link'] as const;
export type ResourceType = (typeof RESOURCE_TYPES)[number];

/** Items that count towards progress. */
export const ITEM_TYPES = ['lesson', 'quiz', 'summary'] as const;
export type ItemType = (typeof ITEM_TYPES)[number];

export interface Resource {
  resource_id: string;
  name: string;
  url: string;
  type: ResourceType;
  is_active: boolean;
  legacy_id?: number;
}

export interface Lesson {
  lesson_id: string;
  title: string;
  type: LessonType;
  content: string | null;
  duration_minutes: number | null;
  order: number;
  is_preview: boolean;
  is_active: boolean;
  resources: Resource[];
  legacy_id?: number;
}

export interface Quiz {
  quiz_id: string;
  title: string;
  order: number;
  passing_score: number | null;
  is_active: boolean;
  legacy_id?: number;
}

export interface Summary {
  summary_id: string;
  title: string;
  content: string | null;
  order: number;
  is_active: boolean;
  legacy_id?: number;
}

export interface Module {
  module_id: string;
  title: string;
  description: string | null;
  order: number;
  is_published: boolean;
  is_active: boolean;
  lessons: Lesson[];
  quizzes: Quiz[];
  summaries: Summary[];
  legacy_id?: number;
}

export interface ContentMetadata {
  total_modules: number;
  total_lessons: number;
  /** Absent from documents written before they were counted; every read recounts them. */
  total_quizzes?: number;
  total_summaries?: number;
  total_duration_hours: number;
  tags: string[];
}

export interface CourseContent {
  course_id: number;
  version: number;
  modules: Module[];
  metadata: ContentMetadata;
  created_at: Date;
  updated_at: Date;
}
