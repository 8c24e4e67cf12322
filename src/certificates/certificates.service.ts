import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { AuthUser } from '../common/auth/auth-user';
import { Page, PaginationQueryDto } from '../common/dto/pagination.dto';
import { DomainError } from '../common/errors/domain-error';
import { EnrollmentsService } from '../enrollments/enrollments.service';
import { CertificateRecord } from './certificate.entity';
import { CertificateRepository } from './certificate.repository';
import { canRevokeCertificate, canViewCertificate } from './domain/certificate-access';
import { CERTIFICATE_NUMBER_BYTES, formatCertificateNumber } from './domain/certificate-number';
import {
  CertificateResponseDto,
  CertificateVerificationDto,
  RevokeCertificateDto,
  toCertificateResponse,
  toCertificateVerification,
} from './dto/certificate.dto';

/** Numbers are 128 random bits; a clash is not expected, but the insert retries if one happens. */
const MAX_NUMBER_ATTEMPTS = 3;

export interface IssueResult {
  certificate: CertificateRecord;
  /** false when the enrollment already had its certificate (returned unchanged) */
  created: boolean;
}

/**
 * Issuing, reading, verifying and revoking certificates. Deciding that a course is complete is
 * the progress code's (CourseCompletionService), which calls `issueForEnrollment`.
 */
@Injectable()
export class CertificatesService {
  constructor(
    private readonly certificates: CertificateRepository,
    private readonly enrollments: EnrollmentsService,
  ) {}

  /**
   * Issues a completed enrollment's certificate exactly once, without checking the percentage
   * (the caller has). Concurrent calls all get the same certificate; only one of them sees
   * `created: true`. Null when the enrollment is not completed: a certificate never exists on
   * an enrollment that is not.
   */
  async issueForEnrollment(enrollment: {
    id: number;
    studentId: number;
    courseId: number;
  }): Promise<IssueResult | null> {
    for (let attempt = 0; attempt < MAX_NUMBER_ATTEMPTS; attempt++) {
      const inserted = await this.certificates.insertForCompletedEnrollment(
        enrollment.id,
        formatCertificateNumber(randomBytes(CERTIFICATE_NUMBER_BYTES)),
      );
      if (inserted) return { certificate: inserted, created: true };
      const existing = await this.certificates.findByEnrollment(enrollment.id);
      if (existing) return { certificate: existing, created: false };
      const current = await this.enrollments.findForStudentAndCourse(
        enrollment.studentId,
        enrollment.courseId,
      );
      if (current?.id !== enrollment.id || current.status !== 'completed') return null;
      // A completed enrollment without a certificate and nothing inserted: the number clashed.
    }
    throw new Error(`Could not draw a free certificate number for enrollment ${enrollment.id}`);
  }

  /** The enrollment's certificate (revoked or not), or null; for the progress summary. */
  findForEnrollment(enrollmentId: number): Promise<CertificateRecord | null> {
    return this.certificates.findByEnrollment(enrollmentId);
  }

  async listMine(
    caller: AuthUser,
    query: PaginationQueryDto,
  ): Promise<Page<CertificateResponseDto>> {
    const page = await this.certificates.listForStudent(caller.id, query);
    return { ...page, items: page.items.map(toCertificateResponse) };
  }

  async get(caller: AuthUser, id: number): Promise<CertificateResponseDto> {
    const found = await this.certificates.findWithCourse(id);
    if (!found || !canViewCertificate(found.certificate, found.course, caller)) {
      throw certificateNotFound(id);
    }
    return toCertificateResponse(found.certificate);
  }

  async verify(certificateNumber: string): Promise<CertificateVerificationDto> {
    const found = await this.certificates.findByNumberWithCourse(certificateNumber);
    if (!found) {
      throw new DomainError('not_found', 'CERTIFICATE_NOT_FOUND', 'No certificate has this number');
    }
    return toCertificateVerification(found.certificate, found.course);
  }

  async revoke(
    caller: AuthUser,
    id: number,
    dto: RevokeCertificateDto,
  ): Promise<CertificateResponseDto> {
    const found = await this.certificates.findWithCourse(id);
    if (!found || !canViewCertificate(found.certificate, found.course, caller)) {
      throw certificateNotFound(id);
    }
    if (!canRevokeCertificate(found.course, caller)) {
      throw new DomainError(
        'forbidden',
        'NOT_COURSE_OWNER',
        'Only the course instructor or an admin may revoke a certificate',
      );
    }
    const revoked = await this.certificates.revoke(id, dto.reason);
    if (!revoked) {
      throw new DomainError(
        'conflict',
        'CERTIFICATE_ALREADY_REVOKED',
        `Certificate ${id} is already revoked`,
        { certificate_id: id },
      );
    }
    return toCertificateResponse(revoked);
  }
}

function certificateNotFound(id: number): DomainError {
  return new DomainError('not_found', 'CERTIFICATE_NOT_FOUND', `Certificate ${id} not found`);
}
