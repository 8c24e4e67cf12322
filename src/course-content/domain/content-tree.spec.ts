import { Decimal128, ObjectId } from 'bson';
import { DomainError } from '../../common/errors/domain-error';
import {
  addItem,
  addModule,
  addResource,
  addUnder,
  CONTENT_LIMITS,
  computeMetadata,
  deactivate,
  emptyContent,
  finalizeContent,
  newObjectIdString,
  replaceContent,
  updateAt,
  updateItem,
  updateModule,
  updateResource,
} from './content-tree';
import { CourseContent, Module } from './content.types';

const OBJECT_ID = /^[0-9a-f]{24}$/;
const NOW = new Date('2026-01-01T00:00:00Z');

function domainError(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

function modules(count: number, inactive = 0): Module[] {
  return Array.from({ length: count + inactive }, (_, i) => ({
    module_id: newObjectIdString(),
    title: `m${i}`,
    description: null,
    order: i,
    is_published: true,
    is_active: i < count,
    lessons: [],
    quizzes: [],
    summaries: [],
  }));
}

/** A module holding `count` active lessons and `inactive` soft-deleted ones. */
function fullModule(count: number, inactive = 0) {
  let content = addModule(emptyContent(1, NOW), { title: 'M' }).content;
  const moduleId = content.modules[0].module_id;
  content.modules[0].lessons = Array.from({ length: count + inactive }, (_, i) => ({
    lesson_id: newObjectIdString(),
    title: `l${i}`,
    type: 'text' as const,
    content: null,
    duration_minutes: null,
    order: i,
    is_preview: false,
    is_active: i < count,
    resources: [],
  }));
  content = finalizeContent(content, NOW);
  return { content, moduleId, deletedId: content.modules[0].lessons[count]?.lesson_id };
}

function courseWithLesson(): { content: CourseContent; moduleId: string; lessonId: string } {
  const withModule = addModule(emptyContent(1, NOW), { title: 'M' });
  const withLesson = addItem(withModule.content, withModule.id, 'lesson', {
    title: 'L',
    type: 'text',
  });
  return { content: withLesson.content, moduleId: withModule.id, lessonId: withLesson.id };
}

describe('content-tree', () => {
  describe(addModule.name, () => {
    it('generates ObjectId strings for the module and everything inside it', () => {
      const { content, id } = addModule(emptyContent(1, NOW), {
        title: 'M',
        lessons: [
          {
            title: 'L',
            type: 'video',
            resources: [{ name: 'r', url: 'https://x.io', type: 'link' }],
          },
        ],
        quizzes: [{ title: 'Q' }],
        summaries: [{ title: 'S' }],
      });
      const module = content.modules[0];
      expect(id).toMatch(OBJECT_ID);
      expect(module.module_id).toBe(id);
      for (const itemId of [
        module.lessons[0].lesson_id,
        module.lessons[0].resources[0].resource_id,
        module.quizzes[0].quiz_id,
        module.summaries[0].summary_id,
      ]) {
        expect(itemId).toMatch(OBJECT_ID);
      }
      expect(module).toMatchObject({ is_active: true, is_published: true, order: 0 });
      expect(module.lessons[0]).toMatchObject({
        is_active: true,
        is_preview: false,
        content: null,
      });
    });

    it('places a module without order after the last one', () => {
      const first = addModule(emptyContent(1, NOW), { title: 'A', order: 7 });
      const second = addModule(first.content, { title: 'B' });
      expect(second.content.modules[1].order).toBe(8);
    });

    it('keeps a given id (lower-cased), rejects a malformed one and one already used', () => {
      const given = 'ABCDEFABCDEFABCDEFABCDEF';
      const { content } = addModule(emptyContent(1, NOW), { title: 'A', module_id: given });
      expect(content.modules[0].module_id).toBe(given.toLowerCase());
      expect(domainError(() => addModule(content, { title: 'B', module_id: 'xyz' })).code).toBe(
        'INVALID_ID',
      );
      const dup = domainError(() =>
        addItem(content, given.toLowerCase(), 'quiz', { title: 'Q', quiz_id: given }),
      );
      expect(dup.kind).toBe('conflict');
      expect(dup.code).toBe('DUPLICATE_ID');
    });

    it('does not mutate the document it was given', () => {
      const start = emptyContent(1, NOW);
      addModule(start, { title: 'A' });
      expect(start.modules).toHaveLength(0);
    });

    it('refuses a module past the limit', () => {
      const content = emptyContent(1, NOW);
      content.modules = modules(CONTENT_LIMITS.modules);
      expect(domainError(() => addModule(content, { title: 'one more' })).code).toBe(
        'CONTENT_LIMIT_REACHED',
      );
    });

    it('counts only active modules against the limit, also when one is restored', () => {
      const content = emptyContent(1, NOW);
      content.modules = modules(CONTENT_LIMITS.modules - 1, 1);
      const added = addModule(content, { title: 'fits' });
      expect(added.content.modules).toHaveLength(CONTENT_LIMITS.modules + 1);
      const last = CONTENT_LIMITS.modules - 1;
      const deleted = content.modules[last].module_id;
      expect(
        domainError(() => updateModule(added.content, deleted, { is_active: true })).code,
      ).toBe('CONTENT_LIMIT_REACHED');
      expect(updateModule(content, deleted, { is_active: true }).modules[last].is_active).toBe(
        true,
      );
    });

    it('refuses a module whose own lessons are past the limit', () => {
      const lessons = Array.from({ length: CONTENT_LIMITS.lessonsPerModule + 1 }, (_, i) => ({
        title: `l${i}`,
        type: 'text' as const,
      }));
      expect(domainError(() => addModule(emptyContent(1, NOW), { title: 'M', lessons })).code).toBe(
        'CONTENT_LIMIT_REACHED',
      );
      lessons[0] = { ...lessons[0], is_active: false } as (typeof lessons)[number];
      expect(addModule(emptyContent(1, NOW), { title: 'M', lessons }).content.modules).toHaveLength(
        1,
      );
    });
  });

  describe('limits on items', () => {
    it('lets a lesson in after one of a full module was soft-deleted', () => {
      const { content, moduleId, deletedId } = fullModule(CONTENT_LIMITS.lessonsPerModule - 1, 1);
      const added = addItem(content, moduleId, 'lesson', { title: 'fits', type: 'text' });
      expect(
        domainError(() => addItem(added.content, moduleId, 'lesson', { title: 'x', type: 'text' }))
          .code,
      ).toBe('CONTENT_LIMIT_REACHED');
      expect(
        domainError(() =>
          updateItem(added.content, moduleId, 'lesson', deletedId as string, { is_active: true }),
        ).code,
      ).toBe('CONTENT_LIMIT_REACHED');
      const inactive = addItem(added.content, moduleId, 'lesson', {
        title: 'kept hidden',
        type: 'text',
        is_active: false,
      });
      expect(inactive.content.modules[0].lessons).toHaveLength(CONTENT_LIMITS.lessonsPerModule + 2);
    });

    it('counts only active resources of a lesson', () => {
      const start = courseWithLesson();
      const { moduleId, lessonId } = start;
      let content = start.content;
      const resource = { name: 'r', url: 'https://x.io', type: 'pdf' as const };
      const ids: string[] = [];
      for (let i = 0; i < CONTENT_LIMITS.resourcesPerLesson; i++) {
        const added = addResource(content, moduleId, lessonId, resource);
        content = added.content;
        ids.push(added.id);
      }
      expect(domainError(() => addResource(content, moduleId, lessonId, resource)).code).toBe(
        'CONTENT_LIMIT_REACHED',
      );
      content = updateResource(content, moduleId, lessonId, ids[0], { is_active: false });
      content = addResource(content, moduleId, lessonId, resource).content;
      expect(
        domainError(() => updateResource(content, moduleId, lessonId, ids[0], { is_active: true }))
          .code,
      ).toBe('CONTENT_LIMIT_REACHED');
    });
  });

  describe('item edits', () => {
    it('updates only the fields a patch names', () => {
      const { content, moduleId, lessonId } = courseWithLesson();
      const next = updateItem(content, moduleId, 'lesson', lessonId, {
        title: 'New',
        content: undefined,
      });
      expect(next.modules[0].lessons[0]).toMatchObject({
        title: 'New',
        type: 'text',
        content: null,
      });
    });

    it('soft-deletes and restores through is_active without removing anything', () => {
      const { content, moduleId, lessonId } = courseWithLesson();
      const deleted = updateItem(content, moduleId, 'lesson', lessonId, { is_active: false });
      expect(deleted.modules[0].lessons).toHaveLength(1);
      expect(deleted.modules[0].lessons[0].is_active).toBe(false);
      const restored = updateItem(deleted, moduleId, 'lesson', lessonId, { is_active: true });
      expect(restored.modules[0].lessons[0].is_active).toBe(true);
    });

    it('answers not_found for an unknown module, item or resource', () => {
      const { content, moduleId, lessonId } = courseWithLesson();
      const unknown = '0123456789abcdef01234567';
      expect(domainError(() => updateModule(content, unknown, { title: 'x' })).code).toBe(
        'MODULE_NOT_FOUND',
      );
      expect(domainError(() => updateItem(content, moduleId, 'quiz', unknown, {})).code).toBe(
        'QUIZ_NOT_FOUND',
      );
      expect(
        domainError(() =>
          addResource(content, moduleId, unknown, { name: 'r', url: 'https://x', type: 'pdf' }),
        ).kind,
      ).toBe('not_found');
      expect(domainError(() => updateResource(content, moduleId, lessonId, unknown, {})).code).toBe(
        'RESOURCE_NOT_FOUND',
      );
    });

    it('adds and soft-deletes resources of a lesson', () => {
      const { content, moduleId, lessonId } = courseWithLesson();
      const added = addResource(content, moduleId, lessonId, {
        name: 'r',
        url: 'https://x.io',
        type: 'pdf',
      });
      const hidden = updateResource(added.content, moduleId, lessonId, added.id, {
        is_active: false,
      });
      expect(hidden.modules[0].lessons[0].resources[0]).toMatchObject({
        resource_id: added.id,
        is_active: false,
      });
    });
  });

  /** A module holding one of every kind of child, and the ids of all of them. */
  function courseWithEverything() {
    const { content: withLesson, moduleId, lessonId } = courseWithLesson();
    const quiz = addUnder(withLesson, 'quiz', { moduleId }, { title: 'Q' });
    const summary = addUnder(quiz.content, 'summary', { moduleId }, { title: 'S' });
    const resource = addUnder(
      summary.content,
      'resource',
      { moduleId, lessonId },
      { name: 'r', url: 'https://x.io', type: 'pdf' },
    );
    const ids = { moduleId, lessonId, quizId: quiz.id, summaryId: summary.id };
    return { content: resource.content, ...ids, resourceId: resource.id };
  }

  describe(addUnder.name, () => {
    it('adds every kind of thing where its parent ids say, as its own add does', () => {
      const { content, moduleId, lessonId, quizId, summaryId, resourceId } = courseWithEverything();
      const module = content.modules[0];
      expect(module.quizzes[0]).toMatchObject({ quiz_id: quizId, title: 'Q', is_active: true });
      expect(module.summaries[0]).toMatchObject({ summary_id: summaryId, content: null });
      expect(module.lessons[0]).toMatchObject({
        lesson_id: lessonId,
        resources: [expect.objectContaining({ resource_id: resourceId, type: 'pdf' })],
      });
      const second = addUnder(content, 'module', {}, { title: 'M2' });
      expect(second.content.modules.map((m) => m.module_id)).toEqual([moduleId, second.id]);
      expect(second.content.modules[1].order).toBe(1);
      expect(
        domainError(() =>
          addUnder(
            content,
            'resource',
            { moduleId, lessonId: quizId },
            {
              name: 'r',
              url: 'https://x.io',
              type: 'pdf',
            },
          ),
        ).code,
      ).toBe('LESSON_NOT_FOUND');
    });
  });

  describe(updateAt.name, () => {
    it('edits only the thing the address names, and only the fields the patch names', () => {
      const { content, moduleId, lessonId, quizId, resourceId } = courseWithEverything();
      const renamed = updateAt(content, 'quiz', { moduleId, id: quizId }, { passing_score: 80 });
      expect(renamed.modules[0].quizzes[0]).toMatchObject({ title: 'Q', passing_score: 80 });
      const moved = updateAt(
        renamed,
        'resource',
        { moduleId, lessonId, id: resourceId },
        {
          url: 'https://y.io',
        },
      );
      expect(moved.modules[0].lessons[0].resources[0]).toMatchObject({
        name: 'r',
        url: 'https://y.io',
      });
      expect(content.modules[0].quizzes[0].passing_score).toBeNull();
    });
  });

  describe(deactivate.name, () => {
    it('marks every kind of thing inactive and removes nothing', () => {
      const { content, moduleId, lessonId, quizId, summaryId, resourceId } = courseWithEverything();
      let next = deactivate(content, 'resource', { moduleId, lessonId, id: resourceId });
      next = deactivate(next, 'lesson', { moduleId, id: lessonId });
      next = deactivate(next, 'quiz', { moduleId, id: quizId });
      next = deactivate(next, 'summary', { moduleId, id: summaryId });
      next = deactivate(next, 'module', { id: moduleId });
      const module = next.modules[0];
      const [lesson] = module.lessons;
      const everything = [
        module,
        lesson,
        lesson.resources[0],
        module.quizzes[0],
        module.summaries[0],
      ];
      expect(everything.every((thing) => thing.is_active === false)).toBe(true);
    });

    it('leaves the children of a deactivated module as they were, for a later restore', () => {
      const { content, moduleId } = courseWithEverything();
      const hidden = deactivate(content, 'module', { id: moduleId });
      expect(hidden.modules[0].is_active).toBe(false);
      expect(hidden.modules[0].lessons[0].is_active).toBe(true);
      const restored = updateAt(hidden, 'module', { id: moduleId }, { is_active: true });
      expect(restored.modules[0]).toEqual(content.modules[0]);
    });

    it('is idempotent and does not mutate the document it was given', () => {
      const { content, moduleId, quizId } = courseWithEverything();
      const before = structuredClone(content);
      const once = deactivate(content, 'quiz', { moduleId, id: quizId });
      expect(deactivate(once, 'quiz', { moduleId, id: quizId })).toEqual(once);
      expect(content).toEqual(before);
    });

    it('frees room under the limit for a new active item', () => {
      const { content, moduleId } = fullModule(CONTENT_LIMITS.lessonsPerModule);
      const lesson = { title: 'One more', type: 'text' as const };
      const full = () => addUnder(content, 'lesson', { moduleId }, lesson);
      expect(domainError(full).code).toBe('CONTENT_LIMIT_REACHED');
      const firstId = content.modules[0].lessons[0].lesson_id;
      const freed = deactivate(content, 'lesson', { moduleId, id: firstId });
      expect(
        addUnder(freed, 'lesson', { moduleId }, lesson).content.modules[0].lessons,
      ).toHaveLength(CONTENT_LIMITS.lessonsPerModule + 1);
    });

    it('answers not_found, with the kind in the code, for an address that names nothing', () => {
      const { content, moduleId, lessonId } = courseWithEverything();
      const unknown = '0123456789abcdef01234567';
      const codes = [
        () => deactivate(content, 'module', { id: unknown }),
        () => deactivate(content, 'summary', { moduleId, id: unknown }),
        () => deactivate(content, 'resource', { moduleId, lessonId, id: unknown }),
        () => deactivate(content, 'lesson', { moduleId: unknown, id: lessonId }),
      ].map((attempt) => domainError(attempt).code);
      expect(codes).toEqual([
        'MODULE_NOT_FOUND',
        'SUMMARY_NOT_FOUND',
        'RESOURCE_NOT_FOUND',
        'MODULE_NOT_FOUND',
      ]);
    });
  });

  describe(replaceContent.name, () => {
    it('keeps items the input omits, marked inactive, and keeps new ones', () => {
      const { content, moduleId, lessonId } = courseWithLesson();
      const other = addItem(content, moduleId, 'lesson', { title: 'Other', type: 'text' });
      const next = replaceContent(other.content, {
        modules: [
          {
            module_id: moduleId,
            title: 'M2',
            lessons: [{ lesson_id: lessonId, title: 'L', type: 'text' }],
          },
        ],
      });
      const lessons = next.modules[0].lessons;
      expect(lessons.map((l) => [l.lesson_id, l.is_active])).toEqual([
        [lessonId, true],
        [other.id, false],
      ]);
    });

    it('keeps an omitted module inactive with its children untouched', () => {
      const { content, moduleId } = courseWithLesson();
      const next = replaceContent(content, { modules: [{ title: 'Fresh' }] });
      const old = next.modules.find((m) => m.module_id === moduleId);
      expect(old).toMatchObject({ is_active: false });
      expect(old?.lessons[0].is_active).toBe(true);
      expect(next.modules).toHaveLength(2);
    });

    it('moves a lesson to another module instead of copying it', () => {
      const { content, lessonId } = courseWithLesson();
      const next = replaceContent(content, {
        modules: [
          { title: 'Target', lessons: [{ lesson_id: lessonId, title: 'Moved', type: 'text' }] },
        ],
      });
      const all = next.modules.flatMap((m) => m.lessons.map((l) => l.lesson_id));
      expect(all.filter((id) => id === lessonId)).toHaveLength(1);
      expect(next.modules.find((m) => m.title === 'Target')?.lessons[0].title).toBe('Moved');
    });

    it('keeps omitted resources of a kept lesson inactive', () => {
      const { content, moduleId, lessonId } = courseWithLesson();
      const added = addResource(content, moduleId, lessonId, {
        name: 'r',
        url: 'https://x.io',
        type: 'pdf',
      });
      const next = replaceContent(added.content, {
        modules: [
          {
            module_id: moduleId,
            title: 'M',
            lessons: [{ lesson_id: lessonId, title: 'L', type: 'text' }],
          },
        ],
      });
      expect(next.modules[0].lessons[0].resources).toEqual([
        expect.objectContaining({ resource_id: added.id, is_active: false }),
      ]);
    });

    it('counts only the active items the input states against the limits', () => {
      const lessons = (active: number, inactive: number) =>
        Array.from({ length: active + inactive }, (_, i) => ({
          title: `l${i}`,
          type: 'text' as const,
          is_active: i < active,
        }));
      const fits = replaceContent(emptyContent(1, NOW), {
        modules: [{ title: 'M', lessons: lessons(CONTENT_LIMITS.lessonsPerModule, 5) }],
      });
      expect(fits.modules[0].lessons).toHaveLength(CONTENT_LIMITS.lessonsPerModule + 5);
      expect(
        domainError(() =>
          replaceContent(emptyContent(1, NOW), {
            modules: [{ title: 'M', lessons: lessons(CONTENT_LIMITS.lessonsPerModule + 1, 0) }],
          }),
        ).code,
      ).toBe('CONTENT_LIMIT_REACHED');
      const manyModules = Array.from({ length: CONTENT_LIMITS.modules + 3 }, (_, i) => ({
        title: `m${i}`,
        is_active: i < CONTENT_LIMITS.modules,
      }));
      expect(replaceContent(emptyContent(1, NOW), { modules: manyModules }).modules).toHaveLength(
        CONTENT_LIMITS.modules + 3,
      );
    });

    it('is not refused for old content over a limit that it omits', () => {
      const { content } = fullModule(CONTENT_LIMITS.lessonsPerModule + 20);
      const next = replaceContent(content, { modules: [{ title: 'New' }] });
      expect(next.modules.map((m) => [m.title, m.is_active])).toEqual([
        ['New', true],
        ['M', false],
      ]);
    });

    it('keeps items with ids the old service wrote, inactive, when the input omits them', () => {
      const { content } = courseWithLesson();
      (content.modules[0] as unknown as Record<string, unknown>).module_id = 1;
      (content.modules[0].lessons[0] as unknown as Record<string, unknown>).lesson_id = 3;
      const next = replaceContent(content, { modules: [{ title: 'New' }] });
      expect(next.modules[1]).toMatchObject({ module_id: 1, is_active: false });
      expect(next.modules[1].lessons[0]).toMatchObject({ lesson_id: 3, is_active: true });
    });

    it('keeps the legacy_id of every item the input keeps', () => {
      const { content, moduleId, lessonId } = courseWithLesson();
      content.modules[0].legacy_id = 1;
      content.modules[0].lessons[0].legacy_id = 7;
      const next = replaceContent(content, {
        modules: [
          {
            module_id: moduleId,
            title: 'M',
            lessons: [{ lesson_id: lessonId, title: 'L', type: 'text' }],
          },
        ],
      });
      expect(next.modules[0].legacy_id).toBe(1);
      expect(next.modules[0].lessons[0].legacy_id).toBe(7);
    });

    it('rejects an id used twice in the input or for another kind of item', () => {
      const { content, moduleId } = courseWithLesson();
      const id = '0123456789abcdef01234567';
      expect(
        domainError(() =>
          replaceContent(content, {
            modules: [
              { title: 'a', module_id: id },
              { title: 'b', module_id: id },
            ],
          }),
        ).code,
      ).toBe('DUPLICATE_ID');
      expect(
        domainError(() =>
          replaceContent(content, {
            modules: [{ title: 'a', lessons: [{ lesson_id: moduleId, title: 'x', type: 'text' }] }],
          }),
        ).code,
      ).toBe('DUPLICATE_ID');
    });
  });

  describe(finalizeContent.name, () => {
    it('sorts every list by order, stably, and recounts metadata from active items', () => {
      let content = emptyContent(1, NOW);
      content = addModule(content, { title: 'second', order: 2 }).content;
      const first = addModule(content, { title: 'first', order: 1 });
      content = addItem(first.content, first.id, 'lesson', {
        title: 'b',
        type: 'text',
        order: 5,
        duration_minutes: 30,
      }).content;
      content = addItem(content, first.id, 'lesson', {
        title: 'a',
        type: 'text',
        order: 5,
        duration_minutes: 45,
      }).content;
      content = addItem(content, first.id, 'lesson', {
        title: 'z',
        type: 'text',
        order: 1,
        is_active: false,
        duration_minutes: 600,
      }).content;
      const done = finalizeContent(content, NOW);
      expect(done.modules.map((m) => m.title)).toEqual(['first', 'second']);
      expect(done.modules[0].lessons.map((l) => l.title)).toEqual(['z', 'b', 'a']);
      expect(done.metadata).toEqual({
        total_modules: 2,
        total_lessons: 2,
        total_quizzes: 0,
        total_summaries: 0,
        total_duration_hours: 1.25,
        tags: [],
      });
    });

    it('counts active quizzes and summaries of active modules', () => {
      const { content, moduleId } = courseWithLesson();
      let next = addItem(content, moduleId, 'quiz', { title: 'q' }).content;
      next = addItem(next, moduleId, 'quiz', { title: 'gone', is_active: false }).content;
      next = addItem(next, moduleId, 'summary', { title: 's' }).content;
      const hidden = addModule(next, {
        title: 'hidden',
        is_active: false,
        quizzes: [{ title: 'h' }],
      });
      expect(finalizeContent(hidden.content, NOW).metadata).toMatchObject({
        total_modules: 1,
        total_quizzes: 1,
        total_summaries: 1,
      });
    });

    it('gives an id to an item stored without one and keeps ids the old service wrote', () => {
      const { content } = courseWithLesson();
      const legacy = content.modules[0] as unknown as Record<string, unknown>;
      legacy.module_id = 7;
      delete (content.modules[0].lessons[0] as unknown as Partial<Record<string, unknown>>)
        .lesson_id;
      const done = finalizeContent(content, NOW);
      expect(done.modules[0].module_id).toBe(7);
      expect(done.modules[0].lessons[0].lesson_id).toMatch(OBJECT_ID);
    });

    it('keeps fields it does not know, and BSON values in them, through an edit', () => {
      const { content, moduleId } = courseWithLesson();
      const fileId = new ObjectId();
      Object.assign(content.modules[0].lessons[0], {
        file_id: fileId,
        price: new Decimal128('1.5'),
      });
      const edited = updateModule(content, moduleId, { title: 'renamed' });
      const lesson = edited.modules[0].lessons[0] as unknown as Record<string, unknown>;
      expect(lesson.file_id).toBeInstanceOf(ObjectId);
      expect((lesson.file_id as ObjectId).equals(fileId)).toBe(true);
      expect(lesson.price).toBeInstanceOf(Decimal128);
    });
  });

  describe(computeMetadata.name, () => {
    it('does not count lessons of inactive modules', () => {
      const { content, moduleId } = courseWithLesson();
      const hidden = updateModule(content, moduleId, { is_active: false });
      expect(computeMetadata(hidden.modules, ['t'])).toEqual({
        total_modules: 0,
        total_lessons: 0,
        total_quizzes: 0,
        total_summaries: 0,
        total_duration_hours: 0,
        tags: ['t'],
      });
    });
  });
});
