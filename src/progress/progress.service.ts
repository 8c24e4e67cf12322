import { Injectable } from '@nestjs/common';
import { CertificatesService } from '../certificates/certificates.service';
import { CourseCompletionPort } from '../certificates/course-completion.port';
import { AuthUser } from '../common/auth/auth-user';
import { Page } from '../common/dto/pagination.dto';
import { DomainError } from '../common/errors/domain-error';
import { AppConfig } from '../config/app-config';
import { CourseContentReader } from '../course-content/course-content.reader';
import { CoursesService } from '../courses/courses.service';
import { EnrollmentRecord } from '../enrollments/enrollment.entity';
import { EnrollmentsService } from '../enrollments/enrollments.service';
import {
  assertItemCounts,
  assertScoreAllowed,
  completionPercentage,
  computeProgress,
  CountedItem,
  countedItems,
} from './domain/progress-calculator';
import {
  CourseProgressSummaryDto,
  CourseReportQueryDto,
  CourseReportRowDto,
  MarkCompletedDto,
  ProgressItemDto,
  ProgressResponseDto,
  toProgressResponse,
} from './dto/progress.dto';
import { ProgressRepository } from './progress.repository';

const MARKING_STATUSES = ['active', 'completed'];

@Injectable()
export class ProgressService implements CourseCompletionPort {
  constructor(
    private readonly courses: CoursesService,
    private readonly enrollments: EnrollmentsService,
    private readonly content: CourseContentReader,
    private readonly progress: ProgressRepository,
    private readonly certificates: CertificatesService,
    private readonly config: AppConfig,
  ) {}

  /**
   * POST /progress. Idempotent: a repeated completion returns the stored row (`created: false`).
   * Reaching 100% completes the enrollment and issues the certificate; both steps are
   * exactly-once operations, so concurrent last completions cannot complete twice.
   */
  async markCompleted(
    caller: AuthUser,
    dto: MarkCompletedDto,
  ): Promise<{ progress: ProgressResponseDto; created: boolean }> {
    assertScoreAllowed(dto.item_type, dto.score);
    const itemId = dto.item_id.toLowerCase();
    const { enrollment, items } = await this.markingContext(caller, dto.course_id);
    assertItemCounts(items, dto.item_type, itemId);
    const { row, created } = await this.progress.markCompleted(
      caller.id,
      dto.course_id,
      dto.item_type,
      itemId,
      dto.score ?? null,
    );
    await this.enrollments.touchAccess(enrollment.id);
    await this.completeIfDone(enrollment, items);
    return { progress: toProgressResponse(row), created };
  }

  /** DELETE /progress: un-completes an item. Idempotent; never reopens an enrollment. */
  async unmark(caller: AuthUser, dto: ProgressItemDto): Promise<void> {
    const { enrollment } = await this.markingContext(caller, dto.course_id);
    await this.progress.unmark(caller.id, dto.course_id, dto.item_type, dto.item_id.toLowerCase());
    await this.enrollments.touchAccess(enrollment.id);
  }

  /** GET /progress/course/:courseId — figures against the content as it is now. */
  async summary(caller: AuthUser, courseId: number): Promise<CourseProgressSummaryDto> {
    await this.courses.findReadable(caller, courseId);
    const enrollment = await this.enrollments.findForStudentAndCourse(caller.id, courseId);
    if (!enrollment) throw enrollmentRequired(courseId);
    const [items, rows, certificate] = await Promise.all([
      this.countedItemsOf(courseId),
      this.progress.findForUserAndCourse(caller.id, courseId),
      this.certificates.findForEnrollment(enrollment.id),
    ]);
    const figures = computeProgress(items, rows);
    const idsOf = (type: string) => rows.filter((r) => r.item_type === type).map((r) => r.item_id);
    return {
      course_id: courseId,
      user_id: caller.id,
      total_items: figures.total_items,
      completed_items: figures.completed_items,
      completion_percentage: figures.completion_percentage,
      completed_lessons: idsOf('lesson'),
      completed_quizzes: idsOf('quiz'),
      completed_summaries: idsOf('summary'),
      has_certificate: certificate !== null && !certificate.isRevoked,
      is_complete: figures.is_complete,
      modules: figures.modules,
      next_item: figures.next_item,
    };
  }

  /** GET /courses/:courseId/progress — every enrolled student's figures, in one SQL statement. */
  async courseReport(
    caller: AuthUser,
    courseId: number,
    query: CourseReportQueryDto,
  ): Promise<Page<CourseReportRowDto>> {
    await this.courses.findManageable(caller, courseId);
    const items = await this.countedItemsOf(courseId);
    const { rows, total } = await this.progress.courseReport(courseId, items, query);
    return {
      total,
      skip: query.skip,
      limit: query.limit,
      items: rows.map((r) => ({
        ...r,
        completion_percentage: completionPercentage(r.completed_items, r.total_items),
        last_activity_at: r.last_activity_at ? new Date(r.last_activity_at).toISOString() : null,
      })),
    };
  }

  /** CourseCompletionPort: what POST /certificates checks. */
  async completionPercentage(studentId: number, courseId: number): Promise<number> {
    const [items, rows] = await Promise.all([
      this.countedItemsOf(courseId),
      this.progress.findForUserAndCourse(studentId, courseId),
    ]);
    return computeProgress(items, rows).completion_percentage;
  }

  private async countedItemsOf(courseId: number): Promise<CountedItem[]> {
    const { snapshot } = await this.content.read(courseId);
    return snapshot ? snapshot.derive('counted-items', countedItems) : [];
  }

  /** The course must be visible (404), the caller enrolled with an active/completed status (403). */
  private async markingContext(caller: AuthUser, courseId: number) {
    await this.courses.findReadable(caller, courseId);
    const [enrollment, items] = await Promise.all([
      this.enrollments.findForStudentAndCourse(caller.id, courseId),
      this.countedItemsOf(courseId),
    ]);
    if (!enrollment) throw enrollmentRequired(courseId);
    if (!MARKING_STATUSES.includes(enrollment.status)) {
      throw new DomainError(
        'forbidden',
        'ENROLLMENT_NOT_ACTIVE',
        `Your enrollment in course ${courseId} is ${enrollment.status}; progress needs an active or completed enrollment`,
      );
    }
    return { enrollment, items };
  }

  private async completeIfDone(enrollment: EnrollmentRecord, items: CountedItem[]): Promise<void> {
    const rows = await this.progress.findForUserAndCourse(
      enrollment.studentId,
      enrollment.courseId,
    );
    if (!computeProgress(items, rows).is_complete) return;
    const issue = this.config.AUTO_ISSUE_CERTIFICATES;
    if (enrollment.status === 'active') {
      await this.certificates.completeEnrollment(enrollment, issue);
    } else if (issue) {
      // Completed earlier (completed is final), e.g. before automatic issuing was turned on.
      await this.certificates.issueForEnrollment(enrollment);
    }
  }
}

function enrollmentRequired(courseId: number): DomainError {
  return new DomainError(
    'forbidden',
    'ENROLLMENT_REQUIRED',
    `You are not enrolled in course ${courseId}`,
  );
}
