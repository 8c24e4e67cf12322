import { ApiProperty } from '@nestjs/swagger';
import {
  ContentView,
  LessonView,
  ModuleView,
  QuizView,
  ResourceView,
  SummaryView,
} from '../domain/content-view';
import {
  ContentMetadata,
  LESSON_TYPES,
  LessonType,
  RESOURCE_TYPES,
  ResourceType,
} from '../domain/content.types';

// Each class implements the view it documents, and the service hands views out typed as these
// classes: the compiler checks both directions, so the schema cannot drift from the JSON.

const ID = {
  type: String,
  nullable: true,
  example: '65f1a2b3c4d5e6f7a8b9c0d1',
  description:
    'ObjectId (24 hex). Content the old service wrote, until `migrate:objectid` converts it, ' +
    'shows its old id as a string ("3"), or null where it stored none (it gets an ObjectId ' +
    'on the next write); such items cannot be addressed in a path yet.',
};

export class ResourceResponseDto implements ResourceView {
  @ApiProperty(ID) resource_id: string | null;
  @ApiProperty() name: string;
  @ApiProperty() url: string;
  @ApiProperty({ enum: RESOURCE_TYPES }) type: ResourceType;
  @ApiProperty() is_active: boolean;
}

export class LessonResponseDto implements LessonView {
  @ApiProperty(ID) lesson_id: string | null;
  @ApiProperty() title: string;
  @ApiProperty({ enum: LESSON_TYPES }) type: LessonType;
  @ApiProperty({
    type: String,
    nullable: true,
    description:
      'null unless the caller is enrolled, owns the course, is an admin, or the lesson is a preview',
  })
  content: string | null;
  @ApiProperty({ type: Number, nullable: true }) duration_minutes: number | null;
  @ApiProperty() order: number;
  @ApiProperty() is_preview: boolean;
  @ApiProperty() is_active: boolean;
  @ApiProperty({ type: [ResourceResponseDto], description: 'Empty when the body is withheld' })
  resources: ResourceResponseDto[];
}

export class QuizResponseDto implements QuizView {
  @ApiProperty(ID) quiz_id: string | null;
  @ApiProperty() title: string;
  @ApiProperty() order: number;
  @ApiProperty({ type: Number, nullable: true }) passing_score: number | null;
  @ApiProperty() is_active: boolean;
}

export class SummaryResponseDto implements SummaryView {
  @ApiProperty(ID) summary_id: string | null;
  @ApiProperty() title: string;
  @ApiProperty({ type: String, nullable: true, description: 'null when the body is withheld' })
  content: string | null;
  @ApiProperty() order: number;
  @ApiProperty() is_active: boolean;
}

export class ModuleResponseDto implements ModuleView {
  @ApiProperty(ID) module_id: string | null;
  @ApiProperty() title: string;
  @ApiProperty({ type: String, nullable: true }) description: string | null;
  @ApiProperty() order: number;
  @ApiProperty() is_published: boolean;
  @ApiProperty() is_active: boolean;
  @ApiProperty({ type: [LessonResponseDto] }) lessons: LessonResponseDto[];
  @ApiProperty({ type: [QuizResponseDto] }) quizzes: QuizResponseDto[];
  @ApiProperty({ type: [SummaryResponseDto] }) summaries: SummaryResponseDto[];
}

const SHOWN = 'in this response: what the caller sees, inactive items only with include_inactive';

/** Totals of the response they come with, never of items the caller cannot see. */
export class ContentMetadataDto implements Required<ContentMetadata> {
  @ApiProperty({ type: 'integer', description: `Modules ${SHOWN}` }) total_modules: number;
  @ApiProperty({ type: 'integer', description: `Lessons ${SHOWN}` }) total_lessons: number;
  @ApiProperty({ type: 'integer', description: `Quizzes ${SHOWN}` }) total_quizzes: number;
  @ApiProperty({ type: 'integer', description: `Summaries ${SHOWN}` }) total_summaries: number;
  @ApiProperty({ description: `Sum of lesson durations ${SHOWN}, hours, 2 decimals` })
  total_duration_hours: number;
  @ApiProperty({ type: [String] }) tags: string[];
}

export class CourseContentResponseDto implements ContentView {
  @ApiProperty() course_id: number;
  @ApiProperty({ description: 'Bumped on every write; the ETag is "<version>"' }) version: number;
  @ApiProperty({ type: [ModuleResponseDto] }) modules: ModuleResponseDto[];
  @ApiProperty({ type: ContentMetadataDto }) metadata: ContentMetadataDto;
  @ApiProperty({ type: String, format: 'date-time' }) created_at: string;
  @ApiProperty({ type: String, format: 'date-time' }) updated_at: string;
}
