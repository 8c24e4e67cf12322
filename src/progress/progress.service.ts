import { Injectable } from '@nestjs/common';
import { AuthUser } from '../common/auth/auth-user';
import { Page } from '../common/dto/pagination.dto';
import { DomainError } from '../common/errors/domain-error';
import { CoursesService } from '../courses/courses.service';
import { assertEnrolled, enrollmentRequired } from '../enrollments/domain/enrollment-status';
import { EnrollmentsService } from '../enrollments/enrollments.service';
import { CountedItemsReader } from './counted-items.reader';
import { CourseCompletionService } from './course-completion.service';
import {
  assertItemCounts,
  assertScoreAllowed,
  completionPercentage,
  computeProgress,
} from './domain/progress-calculator';
import {
  CompleteItemDto,
  CourseProgressSummaryDto,
  CourseReportQueryDto,
  CourseReportRowDto,
  ProgressItemDto,
  ProgressResponseDto,
  toProgressResponse,
  toReportRow,
} from './dto/progress.dto';
import { ProgressRecord } from './progress.entity';
import { NewProgress, ProgressKey, ProgressRepository } from './progress.repository';

/** Attempts at recording a completion that a concurrent DELETE keeps removing. */
const MAX_COMPLETE_ATTEMPTS = 5;

@Injectable()
export class ProgressService {
  constructor(
    private readonly courses: CoursesService,
    private readonly enrollments: EnrollmentsService,
    private readonly counted: CountedItemsReader,
    private readonly progress: ProgressRepository,
    private readonly completion: CourseCompletionService,
  ) {}

  /**
   * POST /progress. Idempotent: a repeated completion returns the stored row (`created: false`).
   * Reaching 100% completes the course (see CourseCompletionService).
   */
  async completeItem(
    caller: AuthUser,
    dto: CompleteItemDto,
  ): Promise<{ progress: ProgressResponseDto; created: boolean }> {
    assertScoreAllowed(dto.item_type, dto.score);
    const key = this.keyOf(caller, dto);
    const { enrollment, items } = await this.enrolledContext(caller, dto.course_id);
    assertItemCounts(items, key.itemType, key.itemId);
    const { record, created } = await this.record({ ...key, score: dto.score ?? null });
    await this.enrollments.touchAccess(enrollment.id);
    await this.completion.completeIfDone(enrollment, items);
    return { progress: toProgressResponse(record), created };
  }

  /** DELETE /progress: un-completes an item. Idempotent; never reopens an enrollment. */
  async uncompleteItem(caller: AuthUser, dto: ProgressItemDto): Promise<void> {
    const { enrollment } = await this.enrolledContext(caller, dto.course_id);
    await this.progress.delete(this.keyOf(caller, dto));
    await this.enrollments.touchAccess(enrollment.id);
  }

  /**
   * GET /progress/course/:courseId — figures against the content as it is now. Costs the cached
   * counted-item list and one SQL round trip.
   */
  async summary(caller: AuthUser, courseId: number): Promise<CourseProgressSummaryDto> {
    await this.courses.findReadable(caller, courseId);
    const [student, items] = await Promise.all([
      this.progress.findStudentProgress(caller.id, courseId),
      this.counted.of(courseId),
    ]);
    if (!student) throw enrollmentRequired(courseId);
    const rows = student.completions;
    const figures = computeProgress(items, rows);
    const idsOf = (type: string) => rows.filter((r) => r.itemType === type).map((r) => r.itemId);
    return {
      course_id: courseId,
      user_id: caller.id,
      total_items: figures.total_items,
      completed_items: figures.completed_items,
      completion_percentage: figures.completion_percentage,
      completed_lessons: idsOf('lesson'),
      completed_quizzes: idsOf('quiz'),
      completed_summaries: idsOf('summary'),
      has_certificate: student.hasCertificate,
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
    const items = await this.counted.of(courseId);
    const { lines, total } = await this.progress.courseReport(courseId, items, query);
    return {
      total,
      skip: query.skip,
      limit: query.limit,
      items: lines.map((line) =>
        toReportRow(line, items.length, completionPercentage(line.completedItems, items.length)),
      ),
    };
  }

  /**
   * Inserts the completion unless it exists. A retake with a higher score raises the stored one
   * (the highest score is kept). A concurrent DELETE can remove the existing row between the
   * insert and the read: then the insert simply runs again.
   */
  private async record(
    completion: Omit<NewProgress, 'completedAt'>,
  ): Promise<{ record: ProgressRecord; created: boolean }> {
    for (let attempt = 0; attempt < MAX_COMPLETE_ATTEMPTS; attempt++) {
      const inserted = await this.progress.insertIfAbsent(completion);
      if (inserted) return { record: inserted, created: true };
      const raised =
        completion.score !== null && (await this.progress.raiseScore(completion, completion.score));
      if (raised) return { record: raised, created: false };
      const existing = await this.progress.findByKey(completion);
      if (existing) return { record: existing, created: false };
    }
    throw new DomainError(
      'conflict',
      'CONCURRENT_MODIFICATION',
      'This completion is being added and removed at the same time; retry',
    );
  }

  private keyOf(caller: AuthUser, dto: ProgressItemDto): ProgressKey {
    return {
      userId: caller.id,
      courseId: dto.course_id,
      itemType: dto.item_type,
      itemId: dto.item_id.toLowerCase(),
    };
  }

  /** The course must be visible (404), the caller enrolled with an active/completed status (403). */
  private async enrolledContext(caller: AuthUser, courseId: number) {
    await this.courses.findReadable(caller, courseId);
    const [enrollment, items] = await Promise.all([
      this.enrollments.findForStudentAndCourse(caller.id, courseId),
      this.counted.of(courseId),
    ]);
    assertEnrolled(enrollment, courseId, 'progress');
    return { enrollment, items };
  }
}
