import { Injectable } from '@nestjs/common';
import { AuthUser } from '../common/auth/auth-user';
import { Page } from '../common/dto/pagination.dto';
import { DomainError } from '../common/errors/domain-error';
import { CoursesService } from '../courses/courses.service';
import { assertCourseOpenForEnrollment, enrollmentRoleOf } from './domain/enrollment-access';
import { ENROLLED_STATUSES } from './domain/enrollment-status';
import { applyEnrollmentTransition, reEnroll } from './domain/enrollment-transitions';
import {
  CreateEnrollmentDto,
  EnrollmentResponseDto,
  ListEnrollmentsQueryDto,
  toEnrollmentResponse,
  UpdateEnrollmentDto,
} from './dto/enrollment.dto';
import { EnrollmentRecord } from './enrollment.entity';
import { EnrollmentRepository } from './enrollment.repository';

/** Compare-and-set attempts before a status change gives up on a row that keeps changing. */
const MAX_ATTEMPTS = 3;

export interface EnrollResult {
  enrollment: EnrollmentResponseDto;
  /** false when an earlier, dropped enrollment was re-activated */
  created: boolean;
}

@Injectable()
export class EnrollmentsService {
  constructor(
    private readonly enrollments: EnrollmentRepository,
    private readonly courses: CoursesService,
  ) {}

  /**
   * Enrolls the calling student. Concurrent identical requests are settled by the unique
   * (student_id, course_id) key: one insert wins, the others find its row and answer 409.
   */
  async enroll(caller: AuthUser, dto: CreateEnrollmentDto): Promise<EnrollResult> {
    const course = await this.courses.findVisible(caller, dto.course_id);
    assertCourseOpenForEnrollment(course);
    const paymentAmount = dto.payment_amount == null ? null : dto.payment_amount.toFixed(2);
    const enrollmentSource = dto.enrollment_source ?? null;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const inserted = await this.enrollments.insertIfAbsent({
        studentId: caller.id,
        courseId: course.id,
        paymentAmount,
        enrollmentSource,
      });
      if (inserted) return { enrollment: toEnrollmentResponse(inserted), created: true };
      const existing = await this.enrollments.findByStudentAndCourse(caller.id, course.id);
      if (!existing) continue;
      const next = reEnroll(existing, new Date());
      const reactivated = await this.enrollments.changeState(existing.id, existing.status, next, {
        paymentAmount,
        enrollmentSource,
      });
      if (reactivated) return { enrollment: toEnrollmentResponse(reactivated), created: false };
    }
    throw busy();
  }

  async listMine(
    caller: AuthUser,
    query: ListEnrollmentsQueryDto,
  ): Promise<Page<EnrollmentResponseDto>> {
    const page = await this.enrollments.listForStudent(caller.id, query);
    return { ...page, items: page.items.map(toEnrollmentResponse) };
  }

  async listForCourse(
    caller: AuthUser,
    courseId: number,
    query: ListEnrollmentsQueryDto,
  ): Promise<Page<EnrollmentResponseDto>> {
    const course = await this.courses.findManageable(caller, courseId);
    const page = await this.enrollments.listForCourse(course.id, query);
    return { ...page, items: page.items.map(toEnrollmentResponse) };
  }

  async get(caller: AuthUser, id: number): Promise<EnrollmentResponseDto> {
    const { enrollment } = await this.findAccessible(caller, id);
    return toEnrollmentResponse(enrollment);
  }

  /** A status change through PATCH: decided by the transition table, written compare-and-set. */
  async changeStatus(
    caller: AuthUser,
    id: number,
    dto: UpdateEnrollmentDto,
  ): Promise<EnrollmentResponseDto> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const { enrollment, role } = await this.findAccessible(caller, id);
      const next = applyEnrollmentTransition(enrollment, dto.status, role, new Date());
      const changed = await this.enrollments.changeState(enrollment.id, enrollment.status, next);
      if (changed) return toEnrollmentResponse(changed);
    }
    throw busy();
  }

  /** The student's enrollment in a course, whatever its status, or null. */
  findForStudentAndCourse(studentId: number, courseId: number): Promise<EnrollmentRecord | null> {
    return this.enrollments.findByStudentAndCourse(studentId, courseId);
  }

  /**
   * The `completion` move of the transition table (active -> completed) as a compare-and-set:
   * the completed enrollment for the one caller that made the move; null when the enrollment was
   * no longer active (completed by a concurrent request, or suspended or dropped meanwhile).
   */
  async complete(enrollment: EnrollmentRecord): Promise<EnrollmentRecord | null> {
    const next = applyEnrollmentTransition(enrollment, 'completed', 'completion', new Date());
    return this.enrollments.changeState(enrollment.id, enrollment.status, next);
  }

  /** Records activity: started_at on the first call, last_accessed_at on every call. */
  touchAccess(enrollmentId: number): Promise<void> {
    return this.enrollments.touchAccess(enrollmentId);
  }

  /** True for an active or completed enrollment (what gives access to lesson bodies). */
  isEnrolled(studentId: number, courseId: number): Promise<boolean> {
    return this.enrollments.hasEnrollmentWithStatus(studentId, courseId, ENROLLED_STATUSES);
  }

  /** The enrollment and how the caller relates to it; 404 for callers with no relation. */
  private async findAccessible(caller: AuthUser, id: number) {
    const found = await this.enrollments.findWithCourseOwner(id);
    const role =
      found &&
      enrollmentRoleOf(found.enrollment, { instructorId: found.courseInstructorId }, caller);
    if (!found || !role) throw enrollmentNotFound(id);
    return { enrollment: found.enrollment, role };
  }
}

export function enrollmentNotFound(id: number): DomainError {
  return new DomainError('not_found', 'ENROLLMENT_NOT_FOUND', `Enrollment ${id} not found`);
}

function busy(): DomainError {
  return new DomainError(
    'conflict',
    'CONCURRENT_UPDATE',
    'The enrollment was changed by another request at the same time; retry',
  );
}
