import { DomainError } from '../../common/errors/domain-error';
import { canManageCourse } from '../../courses/domain/course-status';
import type { CourseStatus } from '../../courses/domain/course-status';

interface Caller {
  id: number;
  role: string;
}

/**
 * How the caller relates to an enrollment: the enrolled student himself, a manager (the course
 * owner or an admin), or nobody (null): such callers are told the enrollment does not exist.
 */
export function enrollmentRoleOf(
  enrollment: { studentId: number },
  course: { instructorId: number },
  caller: Caller,
): 'student' | 'manager' | null {
  if (canManageCourse(course, caller)) return 'manager';
  if (caller.role === 'student' && caller.id === enrollment.studentId) return 'student';
  return null;
}

/**
 * Only published courses take new enrollments (or re-enrollments).
 *
 * @throws DomainError not_found COURSE_NOT_FOUND for a draft (hidden from students), conflict
 *   COURSE_NOT_OPEN for an archived course.
 */
export function assertCourseOpenForEnrollment(course: { id: number; status: CourseStatus }): void {
  if (course.status === 'published') return;
  if (course.status === 'draft') {
    throw new DomainError('not_found', 'COURSE_NOT_FOUND', `Course ${course.id} not found`);
  }
  throw new DomainError(
    'conflict',
    'COURSE_NOT_OPEN',
    `Course ${course.id} is ${course.status} and does not take enrollments`,
    { course_id: course.id, status: course.status },
  );
}
