import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsNumber, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { PageMetaDto, PaginationQueryDto } from '../../common/dto/pagination.dto';
import { ENROLLMENT_STATUSES, EnrollmentStatus } from '../domain/enrollment-status';
import type { EnrollmentRecord } from '../enrollment.entity';

const MAX_INT4 = 2_147_483_647;
/** NUMERIC(10,2): at most 8 integer digits. */
const MAX_PAYMENT = 99_999_999.99;

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateEnrollmentDto {
  @ApiProperty({ minimum: 1, example: 4 })
  @IsInt()
  @Min(1)
  @Max(MAX_INT4)
  course_id: number;

  @ApiPropertyOptional({
    type: Number,
    minimum: 0,
    maximum: MAX_PAYMENT,
    nullable: true,
    example: 49.9,
    description: 'At most 2 decimals',
  })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 2 })
  @Min(0)
  @Max(MAX_PAYMENT)
  payment_amount?: number | null;

  @ApiPropertyOptional({
    type: String,
    minLength: 1,
    maxLength: 100,
    nullable: true,
    example: 'web',
  })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 100)
  enrollment_source?: string | null;
}

export class UpdateEnrollmentDto {
  @ApiProperty({
    enum: ENROLLMENT_STATUSES,
    description:
      'active -> dropped (student, owner, admin); active -> suspended, suspended -> active or ' +
      'dropped, dropped -> active (owner, admin). `completed` is reached only through progress ' +
      'and is final. Any other change (including to the current status) is 409; a move that ' +
      'exists but not for the caller is 403.',
  })
  @IsIn(ENROLLMENT_STATUSES)
  status: EnrollmentStatus;
}

export class ListEnrollmentsQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ enum: ENROLLMENT_STATUSES })
  @IsOptional()
  @IsIn(ENROLLMENT_STATUSES)
  status?: EnrollmentStatus;
}

export class EnrollmentResponseDto {
  @ApiProperty({ example: 17 })
  id: number;

  @ApiProperty({ example: 1042 })
  student_id: number;

  @ApiProperty({ example: 4 })
  course_id: number;

  @ApiProperty({ enum: ENROLLMENT_STATUSES })
  status: EnrollmentStatus;

  @ApiProperty({ type: String, format: 'date-time', description: 'First enrollment' })
  enrolled_at: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  started_at: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  completed_at: string | null;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'Set while the enrollment is dropped; cleared when it becomes active again',
  })
  dropped_at: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  last_accessed_at: string | null;

  @ApiProperty({ type: String, nullable: true })
  payment_status: string | null;

  @ApiProperty({ type: Number, nullable: true, example: 49.9 })
  payment_amount: number | null;

  @ApiProperty({ type: String, nullable: true })
  enrollment_source: string | null;

  @ApiProperty({ example: 0 })
  time_spent_minutes: number;

  @ApiProperty({ type: String, format: 'date-time' })
  created_at: string;

  @ApiProperty({ type: String, format: 'date-time' })
  updated_at: string;
}

export class EnrollmentListResponseDto extends PageMetaDto {
  @ApiProperty({ type: [EnrollmentResponseDto] })
  items: EnrollmentResponseDto[];
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function toEnrollmentResponse(e: EnrollmentRecord): EnrollmentResponseDto {
  return {
    id: e.id,
    student_id: e.studentId,
    course_id: e.courseId,
    status: e.status,
    enrolled_at: e.enrolledAt.toISOString(),
    started_at: iso(e.startedAt),
    completed_at: iso(e.completedAt),
    dropped_at: iso(e.droppedAt),
    last_accessed_at: iso(e.lastAccessedAt),
    payment_status: e.paymentStatus,
    payment_amount: e.paymentAmount === null ? null : Number(e.paymentAmount),
    enrollment_source: e.enrollmentSource,
    time_spent_minutes: e.timeSpentMinutes,
    created_at: e.createdAt.toISOString(),
    updated_at: e.updatedAt.toISOString(),
  };
}
