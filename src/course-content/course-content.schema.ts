import { Schema, SchemaDefinition } from 'mongoose';
import {
  ContentMetadata,
  CourseContent,
  Lesson,
  Module,
  Quiz,
  Resource,
  Summary,
} from './domain/content.types';

export const COURSE_CONTENT_MODEL = 'CourseContent';

const options = { _id: false, versionKey: false } as const;

/** Every field of `T`, each once: the schema cannot leave out one the type has, nor add one. */
type FieldsOf<T> = Required<SchemaDefinition<T>>;

const ResourceSchema = new Schema<Resource>(
  {
    resource_id: { type: String, required: true },
    name: { type: String, required: true },
    url: { type: String, required: true },
    type: { type: String, required: true },
    is_active: { type: Boolean, required: true },
    legacy_id: Number,
  } satisfies FieldsOf<Resource>,
  options,
);

const LessonSchema = new Schema<Lesson>(
  {
    lesson_id: { type: String, required: true },
    title: { type: String, required: true },
    type: { type: String, required: true },
    content: { type: String, default: null },
    duration_minutes: { type: Number, default: null },
    order: { type: Number, required: true },
    is_preview: { type: Boolean, required: true },
    is_active: { type: Boolean, required: true },
    resources: { type: [ResourceSchema], default: [] },
    legacy_id: Number,
  } satisfies FieldsOf<Lesson>,
  options,
);

const QuizSchema = new Schema<Quiz>(
  {
    quiz_id: { type: String, required: true },
    title: { type: String, required: true },
    order: { type: Number, required: true },
    passing_score: { type: Number, default: null },
    is_active: { type: Boolean, required: true },
    legacy_id: Number,
  } satisfies FieldsOf<Quiz>,
  options,
);

const SummarySchema = new Schema<Summary>(
  {
    summary_id: { type: String, required: true },
    title: { type: String, required: true },
    content: { type: String, default: null },
    order: { type: Number, required: true },
    is_active: { type: Boolean, required: true },
    legacy_id: Number,
  } satisfies FieldsOf<Summary>,
  options,
);

const ModuleSchema = new Schema<Module>(
  {
    module_id: { type: String, required: true },
    title: { type: String, required: true },
    description: { type: String, default: null },
    order: { type: Number, required: true },
    is_published: { type: Boolean, required: true },
    is_active: { type: Boolean, required: true },
    lessons: { type: [LessonSchema], default: [] },
    quizzes: { type: [QuizSchema], default: [] },
    summaries: { type: [SummarySchema], default: [] },
    legacy_id: Number,
  } satisfies FieldsOf<Module>,
  options,
);

/**
 * One document per course; `version` drives compare-and-set writes and the ETag.
 * This is the target shape and the index: reads are lean and writes go to the collection, so a
 * document an older writer left in another shape is normalized (content-normalize.ts), never
 * cast or rejected here.
 */
export const CourseContentSchema = new Schema<CourseContent>(
  {
    course_id: { type: Number, required: true },
    version: { type: Number, required: true, default: 0 },
    modules: { type: [ModuleSchema], default: [] },
    metadata: {
      total_modules: { type: Number, default: 0 },
      total_lessons: { type: Number, default: 0 },
      total_quizzes: { type: Number, default: 0 },
      total_summaries: { type: Number, default: 0 },
      total_duration_hours: { type: Number, default: 0 },
      tags: { type: [String], default: [] },
    } satisfies FieldsOf<ContentMetadata>,
    created_at: { type: Date, required: true },
    updated_at: { type: Date, required: true },
  } satisfies FieldsOf<CourseContent>,
  { collection: 'course_content', versionKey: false, minimize: false, strict: 'throw' },
);
CourseContentSchema.index({ course_id: 1 }, { unique: true });
