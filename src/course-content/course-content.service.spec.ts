import { BadRequestException } from '@nestjs/common';
import { ContentCacheService } from '../cache/content-cache.service';
import { AuthUser } from '../common/auth/auth-user';
import { DomainError } from '../common/errors/domain-error';
import { CoursesService } from '../courses/courses.service';
import { EnrollmentsService } from '../enrollments/enrollments.service';
import { CourseContentReader } from './course-content.reader';
import { CourseContentRepository } from './course-content.repository';
import { CourseContentService } from './course-content.service';
import { CourseContent } from './domain/content.types';

const OWNER: AuthUser = { id: 1, role: 'instructor' };
const COURSE = 7;

/** The service over an in-memory document store with MongoDB's compare-and-set semantics. */
function serviceWithStore() {
  const store: { doc: CourseContent | null } = { doc: null };
  const repository = {
    findNormalized: jest.fn(async () =>
      store.doc ? { content: structuredClone(store.doc), dropped: [] } : null,
    ),
    insert: jest.fn(async (content: CourseContent) => {
      store.doc = structuredClone(content);
      return true;
    }),
    replaceIfVersion: jest.fn(async (content: CourseContent, expected: number) => {
      if (store.doc?.version !== expected) return false;
      store.doc = structuredClone(content);
      return true;
    }),
  };
  const courses = { findManageable: jest.fn(async () => ({ id: COURSE })) };
  const cache = { invalidate: jest.fn(async () => undefined) };
  const service = new CourseContentService(
    courses as unknown as CoursesService,
    {} as EnrollmentsService,
    repository as unknown as CourseContentRepository,
    {} as CourseContentReader,
    cache as unknown as ContentCacheService,
  );
  return { service, store, courses, repository, cache };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe(CourseContentService.name, () => {
  it('adds every kind of thing under its parent and says where each went', async () => {
    const { service, store, cache } = serviceWithStore();
    const module = await service.add(OWNER, COURSE, 'module', {}, { title: 'M' }, undefined);
    const moduleId = module.created?.id as string;
    expect(module.created).toEqual({ courseId: COURSE, kind: 'module', id: moduleId });
    const lesson = await service.add(
      OWNER,
      COURSE,
      'lesson',
      { moduleId },
      { title: 'L', type: 'text' },
      undefined,
    );
    const lessonId = lesson.created?.id as string;
    expect(lesson.created).toEqual({ courseId: COURSE, kind: 'lesson', moduleId, id: lessonId });
    const resource = await service.add(
      OWNER,
      COURSE,
      'resource',
      { moduleId, lessonId },
      { name: 'r', url: 'https://x.io', type: 'pdf' },
      '"2"',
    );
    expect(resource.created).toMatchObject({ kind: 'resource', moduleId, lessonId });
    expect(resource.view.version).toBe(3);
    expect(resource.view.modules[0].lessons[0].resources[0].resource_id).toBe(resource.created?.id);
    expect(store.doc?.version).toBe(3);
    expect(cache.invalidate).toHaveBeenCalledTimes(3);
  });

  it('soft-deletes with deactivate: the thing stays, inactive, and the answer shows it', async () => {
    const { service, store } = serviceWithStore();
    const { created } = await service.add(OWNER, COURSE, 'module', {}, { title: 'M' }, undefined);
    const moduleId = created?.id as string;
    const quiz = await service.add(OWNER, COURSE, 'quiz', { moduleId }, { title: 'Q' }, undefined);
    const at = { moduleId, id: quiz.created?.id as string };
    const deleted = await service.deactivate(OWNER, COURSE, 'quiz', at, undefined);
    expect(deleted.created).toBeUndefined();
    expect(deleted.view.modules[0].quizzes).toEqual([
      expect.objectContaining({ quiz_id: at.id, is_active: false }),
    ]);
    expect(store.doc?.modules[0].quizzes[0].is_active).toBe(false);
    expect(store.doc?.metadata.total_quizzes).toBe(0);
    const restored = await service.update(OWNER, COURSE, 'quiz', at, { is_active: true }, '"3"');
    expect(restored.view.modules[0].quizzes[0].is_active).toBe(true);
  });

  it('refuses a malformed If-Match before it loads anything', async () => {
    const { service, courses, repository } = serviceWithStore();
    const error = await rejection(service.replace(OWNER, COURSE, { modules: [] }, 'yesterday'));
    expect(error).toBeInstanceOf(BadRequestException);
    expect(courses.findManageable).not.toHaveBeenCalled();
    expect(repository.findNormalized).not.toHaveBeenCalled();
  });

  it('answers 412 VERSION_MISMATCH for a stale If-Match and writes nothing', async () => {
    const { service, store } = serviceWithStore();
    await service.add(OWNER, COURSE, 'module', {}, { title: 'M' }, undefined);
    const before = structuredClone(store.doc);
    const error = await rejection(
      service.add(OWNER, COURSE, 'module', {}, { title: 'Late' }, '"0"'),
    );
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({
      kind: 'precondition_failed',
      code: 'VERSION_MISMATCH',
      details: { current_version: 1 },
    });
    expect(store.doc).toEqual(before);
  });
});
