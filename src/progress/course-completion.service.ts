import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { CertificatesService, IssueResult } from '../certificates/certificates.service';
import { assertEligible } from '../certificates/domain/certificate-eligibility';
import { CertificateResponseDto, toCertificateResponse } from '../certificates/dto/certificate.dto';
import { AuthUser } from '../common/auth/auth-user';
import { DomainError } from '../common/errors/domain-error';
import { AppConfig } from '../config/app-config';
import { CoursesService } from '../courses/courses.service';
import { assertEnrolled } from '../enrollments/domain/enrollment-status';
import { EnrollmentRecord } from '../enrollments/enrollment.entity';
import { EnrollmentsService } from '../enrollments/enrollments.service';
import { CountedItemsReader } from './counted-items.reader';
import { CountedItem, computeProgress } from './domain/progress-calculator';
import { ProgressRepository } from './progress.repository';

/** A certificate request re-decides after losing a race to a status change at most this often. */
const MAX_REQUEST_ATTEMPTS = 3;

/**
 * Completing a course, the one place it happens: the enrollment's `completion` transition
 * (active -> completed, compare-and-set) and its certificate, in one transaction, decided on the
 * student's progress against the content as it is now. Both ways in use it: the last item done
 * (POST /progress) and a certificate request (POST /certificates).
 */
@Injectable()
export class CourseCompletionService {
  constructor(
    private readonly courses: CoursesService,
    private readonly enrollments: EnrollmentsService,
    private readonly certificates: CertificatesService,
    private readonly progress: ProgressRepository,
    private readonly counted: CountedItemsReader,
    private readonly config: AppConfig,
    private readonly em: EntityManager,
  ) {}

  /**
   * After an item was completed: at 100% an active enrollment is completed (with its certificate
   * when AUTO_ISSUE_CERTIFICATES is on); a completed one, finished before automatic issuing was
   * turned on, gets its certificate. Concurrent last completions complete it once.
   */
  async completeIfDone(enrollment: EnrollmentRecord, items: CountedItem[]): Promise<void> {
    if (!(await this.isDone(enrollment, items))) return;
    const issue = this.config.AUTO_ISSUE_CERTIFICATES;
    if (enrollment.status === 'active') await this.complete(enrollment, issue);
    else if (issue) await this.certificates.issueForEnrollment(enrollment);
  }

  /**
   * POST /certificates: the student's certificate for a course. Idempotent: an existing
   * certificate (even a revoked one) is returned unchanged. An active enrollment needs 100% and
   * is completed with the certificate; a completed one gets its certificate as it is (content
   * added since does not take back a 100% once reached).
   */
  async requestCertificate(
    caller: AuthUser,
    courseId: number,
  ): Promise<{ certificate: CertificateResponseDto; created: boolean }> {
    const course = await this.courses.findVisible(caller, courseId);
    for (let attempt = 0; attempt < MAX_REQUEST_ATTEMPTS; attempt++) {
      const enrollment = await this.enrollments.findForStudentAndCourse(caller.id, course.id);
      const existing = enrollment && (await this.certificates.findForEnrollment(enrollment.id));
      if (existing) return { certificate: toCertificateResponse(existing), created: false };
      assertEnrolled(enrollment, course.id, 'a certificate');
      const issued =
        enrollment.status === 'completed'
          ? await this.certificates.issueForEnrollment(enrollment)
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

  private async completeAtFullProgress(enrollment: EnrollmentRecord): Promise<IssueResult | null> {
    const [items, rows] = await Promise.all([
      this.counted.of(enrollment.courseId),
      this.progress.findCompletedItems(enrollment.studentId, enrollment.courseId),
    ]);
    assertEligible(computeProgress(items, rows).completion_percentage);
    const completed = await this.complete(enrollment, true);
    return completed?.issued ?? null;
  }

  private async isDone(enrollment: EnrollmentRecord, items: CountedItem[]): Promise<boolean> {
    const rows = await this.progress.findCompletedItems(enrollment.studentId, enrollment.courseId);
    return computeProgress(items, rows).is_complete;
  }

  /**
   * The `completion` transition and, when `issue` is set, the certificate, in one transaction,
   * so that neither is stored without the other. Null for a request that lost the race (the
   * enrollment was completed by another request, or suspended or dropped meanwhile): it issues
   * nothing.
   */
  private complete(
    enrollment: EnrollmentRecord,
    issue: boolean,
  ): Promise<{ enrollment: EnrollmentRecord; issued: IssueResult | null } | null> {
    return this.em.transactional(async () => {
      const completed = await this.enrollments.complete(enrollment);
      if (!completed) return null;
      return {
        enrollment: completed,
        issued: issue ? await this.certificates.issueForEnrollment(completed) : null,
      };
    });
  }
}
