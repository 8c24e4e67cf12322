import { DomainError } from '../../common/errors/domain-error';

export const ENROLLMENT_STATUSES = ['active', 'completed', 'dropped', 'suspended'] as const;
export type EnrollmentStatus = (typeof ENROLLMENT_STATUSES)[number];

/**
 * Statuses that give a student the course: lesson bodies, progress and certificates. A completed
 * enrollment keeps them (content added later can still be done); dropped and suspended lose them.
 */
export const ENROLLED_STATUSES: readonly EnrollmentStatus[] = ['active', 'completed'];

/** True for an enrollment that gives its student the course (see ENROLLED_STATUSES). */
export function isEnrolled(enrollment: { status: EnrollmentStatus } | null): boolean {
  return enrollment !== null && ENROLLED_STATUSES.includes(enrollment.status);
}

/** What the student asked for that needs an enrollment, as the error message names it. */
export type EnrolledUse = 'progress' | 'a certificate';

/**
 * The caller must hold an active or completed enrollment in the course.
 *
 * @throws DomainError forbidden ENROLLMENT_REQUIRED without an enrollment; for a dropped or
 *   suspended one, ENROLLMENT_NOT_ACTIVE when recording progress and ENROLLMENT_REQUIRED for a
 *   certificate (the codes clients have always seen). Details carry the course id and status.
 */
export function assertEnrolled<T extends { status: EnrollmentStatus }>(
  enrollment: T | null,
  courseId: number,
  use: EnrolledUse,
): asserts enrollment is T {
  if (!enrollment) throw enrollmentRequired(courseId);
  if (isEnrolled(enrollment)) return;
  throw new DomainError(
    'forbidden',
    use === 'progress' ? 'ENROLLMENT_NOT_ACTIVE' : 'ENROLLMENT_REQUIRED',
    `Your enrollment in course ${courseId} is ${enrollment.status}; ${use} needs an active or completed enrollment`,
    { course_id: courseId, enrollment_status: enrollment.status },
  );
}

/** The caller has no enrollment in the course: 403 ENROLLMENT_REQUIRED. */
export function enrollmentRequired(courseId: number): DomainError {
  return new DomainError(
    'forbidden',
    'ENROLLMENT_REQUIRED',
    `You are not enrolled in course ${courseId}`,
    { course_id: courseId, enrollment_status: null },
  );
}
