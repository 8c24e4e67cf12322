import {
  assertEnrolled,
  ENROLLED_STATUSES,
  ENROLLMENT_STATUSES,
  EnrollmentStatus,
  isEnrolled,
} from './enrollment-status';
import { errorOf } from '../../../test/support/unit-fixtures';

describe(isEnrolled.name, () => {
  it('holds exactly for the enrolled statuses', () => {
    const enrolled = ENROLLMENT_STATUSES.filter((status) => isEnrolled({ status }));
    expect(enrolled).toEqual(['active', 'completed']);
    expect(enrolled).toEqual([...ENROLLED_STATUSES]);
    expect(isEnrolled(null)).toBe(false);
  });
});

describe(assertEnrolled.name, () => {
  it.each(['active', 'completed'] as EnrollmentStatus[])('accepts a %s enrollment', (status) => {
    expect(() => assertEnrolled({ status }, 4, 'progress')).not.toThrow();
    expect(() => assertEnrolled({ status }, 4, 'a certificate')).not.toThrow();
  });

  it('refuses a missing enrollment with ENROLLMENT_REQUIRED for every use', () => {
    for (const use of ['progress', 'a certificate'] as const) {
      const error = errorOf(() => assertEnrolled(null, 4, use));
      expect(error).toMatchObject({ kind: 'forbidden', code: 'ENROLLMENT_REQUIRED' });
      expect(error.message).toBe('You are not enrolled in course 4');
      expect(error.details).toEqual({ course_id: 4, enrollment_status: null });
    }
  });

  it.each(['dropped', 'suspended'] as EnrollmentStatus[])(
    'refuses a %s enrollment: ENROLLMENT_NOT_ACTIVE for progress, ENROLLMENT_REQUIRED for a certificate',
    (status) => {
      const progress = errorOf(() => assertEnrolled({ status }, 4, 'progress'));
      expect(progress).toMatchObject({ kind: 'forbidden', code: 'ENROLLMENT_NOT_ACTIVE' });
      expect(progress.message).toContain(`is ${status}; progress needs`);
      const certificate = errorOf(() => assertEnrolled({ status }, 4, 'a certificate'));
      expect(certificate).toMatchObject({ kind: 'forbidden', code: 'ENROLLMENT_REQUIRED' });
      expect(certificate.message).toContain(`is ${status}; a certificate needs`);
      expect(certificate.details).toEqual({ course_id: 4, enrollment_status: status });
    },
  );
});
