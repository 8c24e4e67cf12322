import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { randomBytes } from 'node:crypto';
import { AuthUser } from '../common/auth/auth-user';
import { Page, PaginationQueryDto } from '../common/dto/pagination.dto';
import { DomainError } from '../common/errors/domain-error';
import { CoursesService } from '../courses/courses.service';
import { EnrollmentRecord } from '../enrollments/enrollment.entity';
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

/** A request re-decides after losing a race to a status change at most this often. */
const MAX_REQUEST_ATTEMPTS = 3;
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
    private readonly em: EntityManager,
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

  /**
   * Completes the course of an active enrollment: the `completion` transition and, when `issue`
   * is set, the certificate, in one transaction, so that neither is stored without the other.
   * Null for a request that lost the race (the enrollment was completed by another request, or
   * suspended or dropped meanwhile): it issues nothing.
   */
  completeEnrollment(
    enrollment: EnrollmentRecord,
    issue: boolean,
  ): Promise<{ enrollment: EnrollmentRecord; issued: IssueResult | null } | null> {
    return this.em.transactional(async () => {
      const completed = await this.enrollments.complete(enrollment);
      if (!completed) return null;
      return {
        enrollment: completed,
        issued: issue ? await this.issueForEnrollment(completed) : null,
      };
    });
  }

  /** The enrollment's certificate (revoked or not), or null; for the progress summary. */
  findForEnrollment(enrollmentId: number): Promise<CertificateRecord | null> {
    return this.certificates.findByEnrollment(enrollmentId);
  }

  /**
   * POST /certificates: the student's certificate for a course. Idempotent: an existing
   * certificate (even a revoked one) is returned unchanged. An active enrollment needs 100% and
   * is completed with the certificate; a completed one gets its certificate as it is.
   */
  async request(
    caller: AuthUser,
    dto: RequestCertificateDto,
  ): Promise<{ certificate: CertificateResponseDto; created: boolean }> {
    const course = await this.courses.findVisible(caller, dto.course_id);
    for (let attempt = 0; attempt < MAX_REQUEST_ATTEMPTS; attempt++) {
      const enrollment = await this.enrollments.findForStudentAndCourse(caller.id, course.id);
      const existing = enrollment && (await this.certificates.findByEnrollment(enrollment.id));
      if (existing) return { certificate: toCertificateResponse(existing), created: false };
      assertEnrolledForCertificate(enrollment, course.id);
      // A completed enrollment reached 100% once; content added since does not take that back.
      const issued =
        enrollment.status === 'completed'
          ? await this.issueForEnrollment(enrollment)
          : await this.completeAtFullProgress(enrollment);
      if (issued) {
        return { certificate: toCertificateResponse(issued.certificate), created: issued.created };
      }
      // The enrollment changed status meanwhile: decide again on what it is now.
    }
    throw new DomainError(
      'conflict',
      'CONCURRENT_UPDATE',
      'The enrollment was changed by another request at the same time; retry',
    );
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

  private async completeAtFullProgress(enrollment: EnrollmentRecord): Promise<IssueResult | null> {
    assertEligible(
      await this.completionPort().completionPercentage(enrollment.studentId, enrollment.courseId),
    );
    const done = await this.completeEnrollment(enrollment, true);
    return done?.issued ?? null;
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
