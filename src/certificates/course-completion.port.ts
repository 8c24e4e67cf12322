/**
 * What certificates need from the progress code: the student's current completion of a course,
 * 0..100 with 2 decimals. The progress module provides it under COURSE_COMPLETION;
 * CertificatesService looks it up lazily (ModuleRef, strict: false), so neither module imports
 * the other and progress may depend on certificates (auto-complete issues certificates).
 */
export interface CourseCompletionPort {
  completionPercentage(studentId: number, courseId: number): Promise<number>;
}

export const COURSE_COMPLETION = Symbol('COURSE_COMPLETION');
