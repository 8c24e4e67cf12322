import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsString, Length, Matches, Max, Min } from 'class-validator';
import { PageMetaDto } from '../../common/dto/pagination.dto';
import type { CertificateRecord } from '../certificate.entity';
import { CERTIFICATE_NUMBER_PATTERN } from '../domain/certificate-number';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class RequestCertificateDto {
  @ApiProperty({ minimum: 1, example: 4 })
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  course_id: number;
}

export class RevokeCertificateDto {
  @ApiProperty({ minLength: 1, maxLength: 500, example: 'Academic misconduct' })
  @Transform(trim)
  @IsString()
  @Length(1, 500)
  reason: string;
}

export class VerifyCertificateParamsDto {
  @ApiProperty({ example: 'CERT-7Q2M4KX3N5PZJ6R8T2VW4YB3DA', maxLength: 64 })
  @Matches(CERTIFICATE_NUMBER_PATTERN, {
    message: 'certificateNumber must be 1-64 letters, digits, "-" or "_"',
  })
  certificateNumber: string;
}

export class CertificateResponseDto {
  @ApiProperty({ example: 9 })
  id: number;

  @ApiProperty({ example: 17 })
  enrollment_id: number;

  @ApiProperty({ example: 1042 })
  student_id: number;

  @ApiProperty({ example: 4 })
  course_id: number;

  @ApiProperty({ example: 'CERT-7Q2M4KX3N5PZJ6R8T2VW4YB3DA' })
  certificate_number: string;

  @ApiProperty({ type: String, format: 'date-time' })
  issued_at: string;

  @ApiProperty()
  is_revoked: boolean;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  revoked_at: string | null;

  @ApiProperty({ type: String, nullable: true })
  revocation_reason: string | null;
}

export class CertificateListResponseDto extends PageMetaDto {
  @ApiProperty({ type: [CertificateResponseDto] })
  items: CertificateResponseDto[];
}

/** What anybody holding a certificate number may learn: no personal data beyond the student id. */
export class CertificateVerificationDto {
  @ApiProperty({ description: 'true when the certificate exists and is not revoked' })
  valid: boolean;

  @ApiProperty()
  is_revoked: boolean;

  @ApiProperty({ example: 'CERT-7Q2M4KX3N5PZJ6R8T2VW4YB3DA' })
  certificate_number: string;

  @ApiProperty({ example: 4 })
  course_id: number;

  @ApiProperty({ example: 'Python for Data Science' })
  course_title: string;

  @ApiProperty({ example: 1042 })
  student_id: number;

  @ApiProperty({ type: String, format: 'date-time' })
  issued_at: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  revoked_at: string | null;
}

export function toCertificateResponse(c: CertificateRecord): CertificateResponseDto {
  return {
    id: c.id,
    enrollment_id: c.enrollmentId,
    student_id: c.studentId,
    course_id: c.courseId,
    certificate_number: c.certificateNumber,
    issued_at: c.issuedAt.toISOString(),
    is_revoked: c.isRevoked,
    revoked_at: c.revokedAt ? c.revokedAt.toISOString() : null,
    revocation_reason: c.revocationReason,
  };
}

export function toCertificateVerification(
  c: CertificateRecord,
  course: { title: string },
): CertificateVerificationDto {
  return {
    valid: !c.isRevoked,
    is_revoked: c.isRevoked,
    certificate_number: c.certificateNumber,
    course_id: c.courseId,
    course_title: course.title,
    student_id: c.studentId,
    issued_at: c.issuedAt.toISOString(),
    revoked_at: c.revokedAt ? c.revokedAt.toISOString() : null,
  };
}
