import { ENROLLMENT_STATUSES, EnrollmentStatus } from './enrollment-status';
import {
  applyEnrollmentTransition,
  EnrollmentActor,
  EnrollmentState,
  reEnroll,
} from './enrollment-transitions';
import { errorOf } from '../../../test/support/unit-fixtures';

const now = new Date('2026-03-01T10:00:00.000Z');
const earlier = new Date('2026-02-01T10:00:00.000Z');
const state = (
  status: EnrollmentStatus,
  extra: Partial<EnrollmentState> = {},
): EnrollmentState => ({
  status,
  droppedAt: status === 'dropped' ? earlier : null,
  completedAt: status === 'completed' ? earlier : null,
  ...extra,
});

describe('applyEnrollmentTransition', () => {
  const allowed: [EnrollmentStatus, EnrollmentStatus, EnrollmentActor][] = [
    ['active', 'dropped', 'student'],
    ['active', 'dropped', 'manager'],
    ['active', 'suspended', 'manager'],
    ['active', 'completed', 'completion'],
    ['suspended', 'active', 'manager'],
    ['suspended', 'dropped', 'manager'],
    ['dropped', 'active', 'manager'],
    ['dropped', 'active', 're-enroll'],
  ];

  it.each(allowed)('allows %s -> %s by %s', (from, to, actor) => {
    expect(applyEnrollmentTransition(state(from), to, actor, now).status).toBe(to);
  });

  it.each([
    ['active', 'suspended', 'student'],
    ['suspended', 'dropped', 'student'],
    ['suspended', 'active', 'student'],
    ['dropped', 'active', 'student'],
    ['suspended', 'active', 're-enroll'],
  ] as const)('refuses %s -> %s by %s as forbidden', (from, to, actor) => {
    const error = errorOf(() => applyEnrollmentTransition(state(from), to, actor, now));
    expect(error.kind).toBe('forbidden');
    expect(error.code).toBe('STATUS_CHANGE_NOT_ALLOWED');
  });

  it('refuses every move outside the table as a conflict, whoever asks', () => {
    const actors: EnrollmentActor[] = ['student', 'manager', 're-enroll', 'completion'];
    for (const from of ENROLLMENT_STATUSES) {
      for (const to of ENROLLMENT_STATUSES) {
        for (const actor of actors) {
          if (allowed.some(([f, t]) => f === from && t === to)) continue;
          const error = errorOf(() => applyEnrollmentTransition(state(from), to, actor, now));
          expect(error.kind).toBe('conflict');
          expect(error.code).toBe('INVALID_STATUS_TRANSITION');
          expect(error.details).toEqual({ from, to });
        }
      }
    }
  });

  it('treats a PATCH to completed as a conflict, not a permission problem', () => {
    for (const actor of ['student', 'manager'] as const) {
      const error = errorOf(() =>
        applyEnrollmentTransition(state('active'), 'completed', actor, now),
      );
      expect(error.kind).toBe('conflict');
      expect(error.message).toMatch(/100%/);
    }
  });

  it('keeps completed final', () => {
    const error = errorOf(() =>
      applyEnrollmentTransition(state('completed'), 'active', 'manager', now),
    );
    expect(error.message).toMatch(/final/);
  });

  it('stamps dropped_at on drop and clears it on re-activation', () => {
    const dropped = applyEnrollmentTransition(state('active'), 'dropped', 'student', now);
    expect(dropped).toEqual({ status: 'dropped', droppedAt: now, completedAt: null });
    const back = applyEnrollmentTransition(dropped, 'active', 'manager', now);
    expect(back).toEqual({ status: 'active', droppedAt: null, completedAt: null });
  });

  it('stamps completed_at on completion', () => {
    expect(applyEnrollmentTransition(state('active'), 'completed', 'completion', now)).toEqual({
      status: 'completed',
      droppedAt: null,
      completedAt: now,
    });
  });

  it('leaves the other timestamps alone on suspension', () => {
    expect(applyEnrollmentTransition(state('active'), 'suspended', 'manager', now)).toEqual({
      status: 'suspended',
      droppedAt: null,
      completedAt: null,
    });
  });
});

describe('reEnroll', () => {
  it('re-activates a dropped enrollment and clears dropped_at', () => {
    expect(reEnroll({ id: 3, ...state('dropped') }, now)).toEqual({
      status: 'active',
      droppedAt: null,
      completedAt: null,
    });
  });

  it.each(['active', 'suspended', 'completed'] as const)(
    'refuses a %s enrollment with ALREADY_ENROLLED',
    (status) => {
      const error = errorOf(() => reEnroll({ id: 3, ...state(status) }, now));
      expect(error.kind).toBe('conflict');
      expect(error.code).toBe('ALREADY_ENROLLED');
      expect(error.details).toEqual({ enrollment_id: 3, status });
    },
  );
});
