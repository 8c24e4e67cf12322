import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { randomBytes } from 'node:crypto';
import { AuthUser } from '../common/auth/auth-user';
import { Page, PaginationQueryDto } from '../common/dto/pagination.dto';
import { DomainError } from '../common/errors/domain-error';
import { CoursesService } from '../courses/courses.service';
import { EnrollmentsService } from '../enrollments/enrollments.service';
import { CertificateRecord } from './certificate.entity';
import { CertificateRepository } from './certificate.repository';
import { COURSE_COMPLETION, CourseCompletionPort } from './course-completion.port';
import { canRevokeCertificate, canViewCertificate } from './domain/certificate-access';
import { assertEligible, assertEnrolledForCertificate } from './domain/certificate-eligibility';
import { CERTIFICATE_NUMBER_BYTES, formatCertificateNumber } from './domain/certificate-number';
import {
  CertificateResponseDto,
  CertificateVerificationDto,
  RequestCertificateDto,
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

@Injectable()
export class CertificatesService {
  private completion?: CourseCompletionPort;

  constructor(
    private readonly certificates: CertificateRepository,
    private readonly enrollments: EnrollmentsService,
    private readonly courses: CoursesService,
    private readonly moduleRef: ModuleRef,
  ) {}

  /**
   * Issues the enrollment's certificate exactly once, without checking eligibility (the caller
   * has: POST /certificates below, or the progress code on reaching 100%). Concurrent calls all
   * get the same certificate; only one of them sees `created: true`.
   */
  async issueForEnrollment(enrollment: {
    id: number;
    studentId: number;
    courseId: number;
  }): Promise<IssueResult> {
    for (let attempt = 0; attempt < MAX_NUMBER_ATTEMPTS; attempt++) {
      const inserted = await this.certificates.insertIfAbsent({
        enrollmentId: enrollment.id,
        studentId: enrollment.studentId,
        courseId: enrollment.courseId,
        certificateNumber: formatCertificateNumber(randomBytes(CERTIFICATE_NUMBER_BYTES)),
      });
      if (inserted) return { certificate: inserted, created: true };
      const existing = await this.certificates.findByEnrollment(enrollment.id);
      if (existing) return { certificate: existing, created: false };
      // Nothing inserted and no certificate for the enrollment: the number clashed; draw again.
    }
    throw new Error(`Could not draw a free certificate number for enrollment ${enrollment.id}`);
  }

  /** The enrollment's certificate (revoked or not), or null; for the progress summary. */
  findForEnrollment(enrollmentId: number): Promise<CertificateRecord | null> {
    return this.certificates.findByEnrollment(enrollmentId);
  }

  /**
   * POST /certificates: the student's certificate for a course. Idempotent: an existing
   * certificate (even a revoked one) is returned unchanged; a new one needs 100% completion and
   * also completes the enrollment.
   */
  async request(
    caller: AuthUser,
    dto: RequestCertificateDto,
  ): Promise<{ certificate: CertificateResponseDto; created: boolean }> {
    const course = await this.courses.findVisible(caller, dto.course_id);
    const enrollment = await this.enrollments.findForStudentAndCourse(caller.id, course.id);
    const existing = enrollment && (await this.certificates.findByEnrollment(enrollment.id));
    if (existing) return { certificate: toCertificateResponse(existing), created: false };
    assertEnrolledForCertificate(enrollment, course.id);
    assertEligible(await this.completionPort().completionPercentage(caller.id, course.id));
    await this.enrollments.markCompleted(enrollment.id);
    const { certificate, created } = await this.issueForEnrollment(enrollment);
    return { certificate: toCertificateResponse(certificate), created };
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

  /**
   * The progress module's COURSE_COMPLETION provider, looked up on first use anywhere in the
   * application (strict: false) rather than injected, so certificates and progress do not
   * import each other. Without such a provider POST /certificates cannot decide and fails.
   */
  private completionPort(): CourseCompletionPort {
    if (!this.completion) {
      try {
        this.completion = this.moduleRef.get<CourseCompletionPort>(COURSE_COMPLETION, {
          strict: false,
        });
      } catch (error) {
        throw new Error(
          'No COURSE_COMPLETION provider is registered: the progress module must provide it',
          { cause: error },
        );
      }
    }
    return this.completion;
  }
}

function certificateNotFound(id: number): DomainError {
  return new DomainError('not_found', 'CERTIFICATE_NOT_FOUND', `Certificate ${id} not found`);
}
