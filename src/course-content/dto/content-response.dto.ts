import { ApiProperty } from '@nestjs/swagger';
import { LESSON_TYPES, LessonType, RESOURCE_TYPES, ResourceType } from '../domain/content.types';

const ID = { example: '65f1a2b3c4d5e6f7a8b9c0d1', pattern: '^[0-9a-f]{24}$' };

export class ResourceResponseDto {
  @ApiProperty(ID) resource_id: string;
  @ApiProperty() name: string;
  @ApiProperty() url: string;
  @ApiProperty({ enum: RESOURCE_TYPES }) type: ResourceType;
  @ApiProperty() is_active: boolean;
}

export class LessonResponseDto {
  @ApiProperty(ID) lesson_id: string;
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

export class QuizResponseDto {
  @ApiProperty(ID) quiz_id: string;
  @ApiProperty() title: string;
  @ApiProperty() order: number;
  @ApiProperty({ type: Number, nullable: true }) passing_score: number | null;
  @ApiProperty() is_active: boolean;
}

export class SummaryResponseDto {
  @ApiProperty(ID) summary_id: string;
  @ApiProperty() title: string;
  @ApiProperty({ type: String, nullable: true, description: 'null when the body is withheld' })
  content: string | null;
  @ApiProperty() order: number;
  @ApiProperty() is_active: boolean;
}

export class ModuleResponseDto {
  @ApiProperty(ID) module_id: string;
  @ApiProperty() title: string;
  @ApiProperty({ type: String, nullable: true }) description: string | null;
  @ApiProperty() order: number;
  @ApiProperty() is_published: boolean;
  @ApiProperty() is_active: boolean;
  @ApiProperty({ type: [LessonResponseDto] }) lessons: LessonResponseDto[];
  @ApiProperty({ type: [QuizResponseDto] }) quizzes: QuizResponseDto[];
  @ApiProperty({ type: [SummaryResponseDto] }) summaries: SummaryResponseDto[];
}

export class ContentMetadataDto {
  @ApiProperty({ description: 'Active modules' }) total_modules: number;
  @ApiProperty({ description: 'Active lessons in active modules' }) total_lessons: number;
  @ApiProperty({ description: 'Sum of active lesson durations, hours, 2 decimals' })
  total_duration_hours: number;
  @ApiProperty({ type: [String] }) tags: string[];
}

export class CourseContentResponseDto {
  @ApiProperty() course_id: number;
  @ApiProperty({ description: 'Bumped on every write; the ETag is "<version>"' }) version: number;
  @ApiProperty({ type: [ModuleResponseDto] }) modules: ModuleResponseDto[];
  @ApiProperty({ type: ContentMetadataDto }) metadata: ContentMetadataDto;
  @ApiProperty({ type: String, format: 'date-time' }) created_at: string;
  @ApiProperty({ type: String, format: 'date-time' }) updated_at: string;
}
