import { ApiExtraModels, ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { IsIn, IsInt, IsNumber, IsOptional, Matches, Max, Min } from 'class-validator';
import { IsOmittable } from '../../common/dto/omittable.decorator';
import { PageMetaDto, PaginationQueryDto } from '../../common/dto/pagination.dto';
import { ITEM_TYPES, ItemType } from '../../course-content/domain/content.types';
import type { CountedItem, ModuleProgress } from '../domain/progress-calculator';
import { ENROLLMENT_STATUSES, EnrollmentStatus } from '../../enrollments/domain/enrollment-status';
import type { ProgressRecord } from '../progress.entity';
import type { ReportLine, ReportSort } from '../progress.repository';

const ITEM_ID = /^[0-9a-fA-F]{24}$/;

export class ProgressItemDto {
  @ApiProperty({ example: 4 })
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  course_id: number;

  @ApiProperty({ enum: ITEM_TYPES })
  @IsIn(ITEM_TYPES)
  item_type: ItemType;

  @ApiProperty({ pattern: '^[0-9a-fA-F]{24}$' })
  @Matches(ITEM_ID, { message: 'item_id must be a 24-character hex ObjectId' })
  item_id: string;
}

export class CompleteItemDto extends ProgressItemDto {
  @ApiPropertyOptional({
    minimum: 0,
    maximum: 100,
    description: 'Quizzes only; up to 2 decimals. Retakes keep the highest score',
  })
  @IsOmittable()
  @IsNumber({ maxDecimalPlaces: 2, allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(100)
  score?: number;
}

export class ProgressResponseDto {
  @ApiProperty() id: number;
  @ApiProperty() user_id: number;
  @ApiProperty() course_id: number;
  @ApiProperty({ enum: ITEM_TYPES }) item_type: string;
  @ApiProperty() item_id: string;
  @ApiProperty({ type: Number, nullable: true }) score: number | null;
  @ApiProperty({ type: String, format: 'date-time' }) completed_at: string;
  @ApiProperty({ type: String, format: 'date-time' }) created_at: string;
}

export function toProgressResponse(record: ProgressRecord): ProgressResponseDto {
  return {
    id: record.id,
    user_id: record.userId,
    course_id: record.courseId,
    item_type: record.itemType,
    item_id: record.itemId,
    score: record.score,
    completed_at: record.completedAt.toISOString(),
    created_at: record.createdAt.toISOString(),
  };
}

export class ModuleProgressDto implements ModuleProgress {
  @ApiProperty() module_id: string;
  @ApiProperty() title: string;
  @ApiProperty() total_items: number;
  @ApiProperty() completed_items: number;
  @ApiProperty({ example: 66.67 }) completion_percentage: number;
}

export class NextItemDto implements CountedItem {
  @ApiProperty({ enum: ITEM_TYPES }) item_type: ItemType;
  @ApiProperty() item_id: string;
  @ApiProperty() title: string;
  @ApiProperty() module_id: string;
  @ApiProperty() module_title: string;
}

/** The legacy API's CourseProgressSummary plus per-module figures and the next item. */
@ApiExtraModels(NextItemDto)
export class CourseProgressSummaryDto {
  @ApiProperty() course_id: number;
  @ApiProperty() user_id: number;
  @ApiProperty({ description: 'Items that count now' }) total_items: number;
  @ApiProperty({ description: 'Completed items among those' }) completed_items: number;
  @ApiProperty({ example: 66.67, description: '2 decimals; 100 only when complete' })
  completion_percentage: number;
  @ApiProperty({ type: [String], description: 'Every completed lesson id, counted or not' })
  completed_lessons: string[];
  @ApiProperty({ type: [String] }) completed_quizzes: string[];
  @ApiProperty({ type: [String] }) completed_summaries: string[];
  @ApiProperty({ description: 'A certificate exists and is not revoked' }) has_certificate: boolean;
  @ApiProperty() is_complete: boolean;
  @ApiProperty({ type: [ModuleProgressDto] }) modules: ModuleProgressDto[];
  @ApiProperty({
    description: 'First counted item not yet done; null when every item is done',
    oneOf: [{ $ref: getSchemaPath(NextItemDto) }, { type: 'object', nullable: true, enum: [null] }],
  })
  next_item: NextItemDto | null;
}

const SORTS: ReportSort[] = ['completion_percentage', 'student_id', 'enrolled_at'];

export class CourseReportQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ enum: SORTS, default: 'completion_percentage' })
  @IsOptional()
  @IsIn(SORTS)
  sort: ReportSort = 'completion_percentage';

  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'desc' })
  @IsOptional()
  @IsIn(['asc', 'desc'])
  order: 'asc' | 'desc' = 'desc';

  @ApiPropertyOptional({
    enum: ENROLLMENT_STATUSES,
    description: 'Only enrollments with this status',
  })
  @IsOptional()
  @IsIn(ENROLLMENT_STATUSES)
  status?: EnrollmentStatus;
}

export class CourseReportRowDto {
  @ApiProperty() student_id: number;
  @ApiProperty() enrollment_id: number;
  @ApiProperty({ enum: ENROLLMENT_STATUSES }) status: EnrollmentStatus;
  @ApiProperty() completed_items: number;
  @ApiProperty() total_items: number;
  @ApiProperty({ example: 42.86 }) completion_percentage: number;
  @ApiProperty() has_certificate: boolean;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) last_activity_at:
    string | null;
}

export class CourseReportDto extends PageMetaDto {
  @ApiProperty({ type: [CourseReportRowDto] }) items: CourseReportRowDto[];
}

export function toReportRow(
  line: ReportLine,
  totalItems: number,
  completionPercentage: number,
): CourseReportRowDto {
  return {
    student_id: line.studentId,
    enrollment_id: line.enrollmentId,
    status: line.status,
    completed_items: line.completedItems,
    total_items: totalItems,
    completion_percentage: completionPercentage,
    has_certificate: line.hasCertificate,
    last_activity_at: line.lastActivityAt?.toISOString() ?? null,
  };
}
