import { DomainError } from '../../common/errors/domain-error';
import { assertCourseTransition, canManageCourse, isCourseVisible } from './course-status';

describe('assertCourseTransition', () => {
  it.each([
    ['draft', 'published'],
    ['published', 'archived'],
    ['draft', 'draft'],
    ['archived', 'archived'],
  ] as const)('allows %s -> %s', (from, to) => {
    expect(() => assertCourseTransition(from, to)).not.toThrow();
  });

  it.each([
    ['draft', 'archived'],
    ['published', 'draft'],
    ['archived', 'published'],
    ['archived', 'draft'],
  ] as const)('rejects %s -> %s as a conflict', (from, to) => {
    try {
      assertCourseTransition(from, to);
      throw new Error('expected a DomainError');
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).kind).toBe('conflict');
      expect((error as DomainError).code).toBe('INVALID_STATUS_TRANSITION');
    }
  });
});

describe('canManageCourse', () => {
  const course = { instructorId: 7 };
  it('lets the owner instructor and any admin manage', () => {
    expect(canManageCourse(course, { id: 7, role: 'instructor' })).toBe(true);
    expect(canManageCourse(course, { id: 1, role: 'admin' })).toBe(true);
  });
  it('refuses other instructors, students with the same id and anonymous callers', () => {
    expect(canManageCourse(course, { id: 8, role: 'instructor' })).toBe(false);
    expect(canManageCourse(course, { id: 7, role: 'student' })).toBe(false);
    expect(canManageCourse(course, undefined)).toBe(false);
  });
});

describe('isCourseVisible', () => {
  it('hides drafts from everybody but owner and admin', () => {
    const draft = { status: 'draft' as const, instructorId: 7 };
    expect(isCourseVisible(draft, undefined)).toBe(false);
    expect(isCourseVisible(draft, { id: 3, role: 'student' })).toBe(false);
    expect(isCourseVisible(draft, { id: 7, role: 'instructor' })).toBe(true);
    expect(isCourseVisible(draft, { id: 1, role: 'admin' })).toBe(true);
  });
  it('shows published and archived courses to anybody', () => {
    expect(isCourseVisible({ status: 'published', instructorId: 7 }, undefined)).toBe(true);
    expect(isCourseVisible({ status: 'archived', instructorId: 7 }, undefined)).toBe(true);
  });
});
