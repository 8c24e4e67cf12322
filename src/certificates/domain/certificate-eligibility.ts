import { DomainError } from '../../common/errors/domain-error';

/** Enrollment statuses that may ask for a certificate. */
const CERTIFIABLE_STATUSES: readonly string[] = ['active', 'completed'];

/**
 * A certificate needs an enrollment that is active or completed.
 *
 * @throws DomainError forbidden ENROLLMENT_REQUIRED otherwise (none, dropped or suspended).
 */
export function assertEnrolledForCertificate<T extends { status: string }>(
  enrollment: T | null,
  courseId: number,
): asserts enrollment is T {
  if (enrollment && CERTIFIABLE_STATUSES.includes(enrollment.status)) return;
  throw new DomainError(
    'forbidden',
    'ENROLLMENT_REQUIRED',
    enrollment
      ? `Your enrollment in course ${courseId} is ${enrollment.status}; a certificate needs an active or completed enrollment`
      : `You are not enrolled in course ${courseId}`,
    { course_id: courseId, enrollment_status: enrollment?.status ?? null },
  );
}

/**
 * A certificate is earned at 100% completion.
 *
 * @throws DomainError conflict COMPLETION_REQUIRED with the current percentage when below 100.
 */
export function assertEligible(percentage: number): void {
  if (percentage >= 100) return;
  const shown = Math.round(percentage * 100) / 100;
  throw new DomainError(
    'conflict',
    'COMPLETION_REQUIRED',
    `The course is ${shown}% complete; a certificate needs 100%`,
    { completion_percentage: shown },
  );
}
