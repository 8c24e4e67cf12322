import { DomainError } from '../../src/common/errors/domain-error';
import { LegacyProgressRow } from '../../src/legacy-migration/domain/legacy-completions';
import { Resolution } from '../../src/legacy-migration/domain/legacy-resolutions';

/** The DomainError `fn` throws; fails the test when it throws nothing or something else. */
export function errorOf(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return error as DomainError;
  }
  throw new Error('expected a DomainError');
}

/** An archived legacy enrollment (enrollment 10 of student 42 in course 3), active, at 20%. */
export function legacyProgressRow(over: Partial<LegacyProgressRow> = {}): LegacyProgressRow {
  return {
    enrollment_id: 10,
    student_id: 42,
    course_id: 3,
    enrollment_status: 'active',
    completion_percentage: '20.00',
    completed_modules: [],
    completed_lessons: [2],
    completed_quizzes: [],
    quiz_scores: null,
    enrollment_completed_at: null,
    enrollment_last_accessed_at: new Date('2025-03-01T00:00:00Z'),
    archived_at: new Date('2026-02-01T00:00:00Z'),
    ...over,
  };
}

/** The operator's resolution of legacy lesson 2 of enrollment 10, read from line 2 of the file. */
export function resolutionOf(itemId: string, over: Partial<Resolution> = {}): Resolution {
  return {
    line: 2,
    enrollment_id: 10,
    item_type: 'lesson',
    legacy_id: 2,
    item_id: itemId,
    ...over,
  };
}
