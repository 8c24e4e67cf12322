import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import { IsOmittable } from '../../common/dto/omittable.decorator';
import { PageMetaDto, PaginationQueryDto } from '../../common/dto/pagination.dto';
import type { CourseRecord } from '../course.entity';
import { COURSE_STATUSES, CourseStatus } from '../domain/course-status';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateCourseDto {
  @ApiProperty({ minLength: 1, maxLength: 200, example: 'Python for Data Science' })
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  title: string;

  @ApiPropertyOptional({ type: String, maxLength: 5000, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  description?: string | null;
}

export class UpdateCourseDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200 })
  @IsOmittable()
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  title?: string;

  @ApiPropertyOptional({ type: String, maxLength: 5000, nullable: true })
  @ValidateIf((_o, v) => v !== null)
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  description?: string | null;

  @ApiPropertyOptional({
    enum: COURSE_STATUSES,
    description: 'draft -> published -> archived; any other change is 409',
  })
  @IsOmittable()
  @IsIn(COURSE_STATUSES)
  status?: CourseStatus;
}

export class ListCoursesQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ enum: COURSE_STATUSES })
  @IsOptional()
  @IsIn(COURSE_STATUSES)
  status?: CourseStatus;

  @ApiPropertyOptional({ minimum: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  instructor_id?: number;

  @ApiPropertyOptional({ maxLength: 100, description: 'Case-insensitive title search' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;
}

export class CourseResponseDto {
  @ApiProperty({ example: 4 })
  id: number;

  @ApiProperty()
  title: string;

  @ApiProperty({ type: String, nullable: true })
  description: string | null;

  @ApiProperty({ example: 12 })
  instructor_id: number;

  @ApiProperty({ enum: COURSE_STATUSES })
  status: CourseStatus;

  @ApiProperty({ type: String, format: 'date-time' })
  created_at: string;

  @ApiProperty({ type: String, format: 'date-time' })
  updated_at: string;
}

export class CourseListResponseDto extends PageMetaDto {
  @ApiProperty({ type: [CourseResponseDto] })
  items: CourseResponseDto[];
}

export function toCourseResponse(course: CourseRecord): CourseResponseDto {
  return {
    id: course.id,
    title: course.title,
    description: course.description,
    instructor_id: course.instructorId,
    status: course.status,
    created_at: course.createdAt.toISOString(),
    updated_at: course.updatedAt.toISOString(),
  };
}
