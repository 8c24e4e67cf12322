import { DomainError } from '../../common/errors/domain-error';

export const COURSE_STATUSES = ['draft', 'published', 'archived'] as const;
export type CourseStatus = (typeof COURSE_STATUSES)[number];

const TRANSITIONS: Record<CourseStatus, readonly CourseStatus[]> = {
  draft: ['published'],
  published: ['archived'],
  archived: [],
};

/**
 * Checks a course status change. Setting the current status again is a no-op, so a retried
 * PATCH succeeds; any other move outside draft -> published -> archived is a conflict.
 */
export function assertCourseTransition(from: CourseStatus, to: CourseStatus): void {
  if (from === to || TRANSITIONS[from].includes(to)) return;
  throw new DomainError(
    'conflict',
    'INVALID_STATUS_TRANSITION',
    `A ${from} course cannot become ${to}` +
      (TRANSITIONS[from].length ? ` (allowed: ${TRANSITIONS[from].join(', ')})` : ''),
    { from, to },
  );
}

/** Who may see a course at all: published/archived ones are public, drafts only to owner/admin. */
export function isCourseVisible(
  course: { status: CourseStatus; instructorId: number },
  caller: { id: number; role: string } | undefined,
): boolean {
  if (course.status !== 'draft') return true;
  return caller !== undefined && canManageCourse(course, caller);
}

/** Owner instructor or any admin may change a course and its content. */
export function canManageCourse(
  course: { instructorId: number },
  caller: { id: number; role: string } | undefined,
): boolean {
  if (!caller) return false;
  return (
    caller.role === 'admin' || (caller.role === 'instructor' && caller.id === course.instructorId)
  );
}
