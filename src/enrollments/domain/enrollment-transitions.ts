import { DomainError } from '../../common/errors/domain-error';
import { EnrollmentStatus } from './enrollment-status';

/**
 * Who asks for a status change:
 * - `student`: the enrolled student, through PATCH /enrollments/:id;
 * - `manager`: the course owner or an admin, through PATCH /enrollments/:id;
 * - `re-enroll`: the student, by calling POST /enrollments again;
 * - `completion`: the progress code, when the student reaches 100%.
 */
export type EnrollmentActor = 'student' | 'manager' | 're-enroll' | 'completion';

/** The whole rule set of enrollment statuses: from -> to -> who may make the move. */
export const ENROLLMENT_TRANSITIONS: Readonly<
  Record<EnrollmentStatus, Partial<Record<EnrollmentStatus, readonly EnrollmentActor[]>>>
> = {
  active: {
    dropped: ['student', 'manager'],
    suspended: ['manager'],
    completed: ['completion'],
  },
  suspended: {
    active: ['manager'],
    dropped: ['manager'],
  },
  dropped: {
    active: ['manager', 're-enroll'],
  },
  completed: {},
};

export interface EnrollmentState {
  status: EnrollmentStatus;
  droppedAt: Date | null;
  completedAt: Date | null;
}

/**
 * Decides a status change and returns the new state.
 *
 * Timestamps: moving to `dropped` stamps `droppedAt`, to `completed` stamps `completedAt`.
 * Moving back to `active` clears `droppedAt`, so `droppedAt` is set exactly while the enrollment
 * is dropped (clients can trust it without also reading `status`); `enrolledAt` keeps the first
 * enrollment date and progress is untouched.
 *
 * @throws DomainError conflict INVALID_STATUS_TRANSITION when the move is not in the table (also
 *   for a move to the current status, and for PATCH to `completed`, which only progress can do);
 *   forbidden STATUS_CHANGE_NOT_ALLOWED when the move exists but not for this actor.
 */
export function applyEnrollmentTransition(
  current: EnrollmentState,
  to: EnrollmentStatus,
  actor: EnrollmentActor,
  now: Date,
): EnrollmentState {
  const from = current.status;
  const allowed = ENROLLMENT_TRANSITIONS[from][to];
  const onlyByCompletion = allowed?.length === 1 && allowed[0] === 'completion';
  if (!allowed || (onlyByCompletion && actor !== 'completion')) {
    throw invalidTransition(from, to);
  }
  if (!allowed.includes(actor)) {
    throw new DomainError(
      'forbidden',
      'STATUS_CHANGE_NOT_ALLOWED',
      forbiddenMessage(from, to, actor),
      { from, to },
    );
  }
  return {
    status: to,
    droppedAt: to === 'dropped' ? now : to === 'active' ? null : current.droppedAt,
    completedAt: to === 'completed' ? now : current.completedAt,
  };
}

/**
 * A student enrolls in a course where he already has an enrollment: only a dropped one comes
 * back to life (same row, progress kept); any other status is a conflict that changes nothing.
 *
 * @throws DomainError conflict ALREADY_ENROLLED with the existing enrollment's id and status.
 */
export function reEnroll(current: EnrollmentState & { id: number }, now: Date): EnrollmentState {
  if (current.status !== 'dropped') {
    throw new DomainError('conflict', 'ALREADY_ENROLLED', alreadyEnrolledMessage(current.status), {
      enrollment_id: current.id,
      status: current.status,
    });
  }
  return applyEnrollmentTransition(current, 'active', 're-enroll', now);
}

function invalidTransition(from: EnrollmentStatus, to: EnrollmentStatus): DomainError {
  const targets = Object.entries(ENROLLMENT_TRANSITIONS[from])
    .filter(([, actors]) => actors.some((a) => a === 'student' || a === 'manager'))
    .map(([status]) => status);
  const reason =
    from === to
      ? `The enrollment is already ${from}`
      : to === 'completed' && from === 'active'
        ? 'An enrollment becomes completed only by reaching 100% progress'
        : `A ${from} enrollment cannot become ${to}`;
  return new DomainError(
    'conflict',
    'INVALID_STATUS_TRANSITION',
    reason + (targets.length ? ` (allowed: ${targets.join(', ')})` : ` (${from} is final)`),
    { from, to },
  );
}

function forbiddenMessage(
  from: EnrollmentStatus,
  to: EnrollmentStatus,
  actor: EnrollmentActor,
): string {
  if (actor === 'student' && from === 'dropped' && to === 'active') {
    return 'To come back to a dropped course, enroll again with POST /enrollments';
  }
  if (actor === 'student' || actor === 're-enroll') {
    return `Only the course instructor or an admin may change a ${from} enrollment to ${to}`;
  }
  return `A ${from} enrollment cannot be changed to ${to} this way`;
}

function alreadyEnrolledMessage(status: EnrollmentStatus): string {
  switch (status) {
    case 'active':
      return 'You are already enrolled in this course';
    case 'completed':
      return 'You have already completed this course';
    case 'suspended':
      return 'Your enrollment in this course is suspended; only the instructor or an admin can lift it';
    default:
      return `You already have a ${status} enrollment in this course`;
  }
}
