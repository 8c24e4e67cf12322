import { DomainError } from '../../common/errors/domain-error';
import { assertCourseOpenForEnrollment, enrollmentRoleOf } from './enrollment-access';

describe('enrollmentRoleOf', () => {
  const enrollment = { studentId: 5 };
  const course = { instructorId: 7 };

  it('recognises the student, the owner and any admin', () => {
    expect(enrollmentRoleOf(enrollment, course, { id: 5, role: 'student' })).toBe('student');
    expect(enrollmentRoleOf(enrollment, course, { id: 7, role: 'instructor' })).toBe('manager');
    expect(enrollmentRoleOf(enrollment, course, { id: 1, role: 'admin' })).toBe('manager');
  });

  it('gives nobody else a role, whatever the ids', () => {
    expect(enrollmentRoleOf(enrollment, course, { id: 6, role: 'student' })).toBeNull();
    expect(enrollmentRoleOf(enrollment, course, { id: 8, role: 'instructor' })).toBeNull();
    expect(enrollmentRoleOf(enrollment, course, { id: 5, role: 'instructor' })).toBeNull();
    expect(enrollmentRoleOf(enrollment, course, { id: 7, role: 'student' })).toBeNull();
  });
});

describe('assertCourseOpenForEnrollment', () => {
  it('accepts a published course', () => {
    expect(() => assertCourseOpenForEnrollment({ id: 1, status: 'published' })).not.toThrow();
  });

  it.each([
    ['draft', 'not_found', 'COURSE_NOT_FOUND'],
    ['archived', 'conflict', 'COURSE_NOT_OPEN'],
  ] as const)('refuses a %s course as %s', (status, kind, code) => {
    try {
      assertCourseOpenForEnrollment({ id: 1, status });
      throw new Error('expected a DomainError');
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({ kind, code });
    }
  });
});
