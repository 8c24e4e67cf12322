import {
  addItem,
  addModule,
  emptyContent,
  updateItem,
  updateModule,
} from '../../course-content/domain/content-tree';
import { normalizeContent } from '../../course-content/domain/content-normalize';
import { CourseContent } from '../../course-content/domain/content.types';
import {
  assertItemCounts,
  assertScoreAllowed,
  completionPercentage,
  computeProgress,
  countedItems,
} from './progress-calculator';

const NOW = new Date('2026-01-01T00:00:00Z');

function course() {
  let content: CourseContent = emptyContent(1, NOW);
  const second = addModule(content, { title: 'Second', order: 2 });
  const first = addModule(second.content, { title: 'First', order: 1 });
  const hidden = addModule(first.content, { title: 'Unpublished', order: 0, is_published: false });
  const l1 = addItem(hidden.content, first.id, 'lesson', { title: 'L1', type: 'text', order: 1 });
  const q1 = addItem(l1.content, first.id, 'quiz', { title: 'Q1', order: 1 });
  const s1 = addItem(q1.content, first.id, 'summary', { title: 'S1', order: 0 });
  const l2 = addItem(s1.content, second.id, 'lesson', { title: 'L2', type: 'video' });
  const hiddenLesson = addItem(l2.content, hidden.id, 'lesson', { title: 'H', type: 'text' });
  content = hiddenLesson.content;
  return {
    content,
    ids: { first: first.id, second: second.id, l1: l1.id, q1: q1.id, s1: s1.id, l2: l2.id },
  };
}

describe(countedItems.name, () => {
  it('counts active items of active, published modules in module then item order', () => {
    const { content } = course();
    expect(countedItems(content).map((i) => i.title)).toEqual(['S1', 'L1', 'Q1', 'L2']);
  });

  it('drops soft-deleted items and items of inactive modules', () => {
    const { content, ids } = course();
    const lessonGone = updateItem(content, ids.first, 'lesson', ids.l1, { is_active: false });
    const moduleGone = updateModule(lessonGone, ids.second, { is_active: false });
    expect(countedItems(moduleGone).map((i) => i.title)).toEqual(['S1', 'Q1']);
  });

  it('is empty without content', () => {
    expect(countedItems(null)).toEqual([]);
  });

  it('reads a document as stored by the old service: flags default to true, non-objects skipped', () => {
    const stored = {
      course_id: 1,
      modules: [
        null,
        {
          module_id: 2,
          title: 'Second',
          order: 2,
          lessons: [{ lesson_id: 5, title: 'L5', order: 1 }, 7],
        },
        {
          module_id: 1,
          title: 'First',
          order: 1,
          lessons: [null, { lesson_id: 3, title: 'L3', order: 2, is_active: false }],
          quizzes: [{ quiz_id: 4, title: 'Q4', order: 1 }],
        },
        { module_id: 3, title: 'Draft', is_published: false, lessons: [{ lesson_id: 9 }] },
      ],
    };
    expect(countedItems(normalizeContent(stored, new Date(0)).content)).toEqual([
      { item_type: 'quiz', item_id: '4', title: 'Q4', module_id: '1', module_title: 'First' },
      { item_type: 'lesson', item_id: '5', title: 'L5', module_id: '2', module_title: 'Second' },
    ]);
  });

  it('leaves out items and modules stored without an id, which no completion can name', () => {
    const stored = {
      modules: [
        {
          module_id: 'm1',
          title: 'M',
          lessons: [{ title: 'no id' }, { lesson_id: 'l1', title: 'L' }],
        },
        { title: 'no id', lessons: [{ lesson_id: 'l2', title: 'L2' }] },
      ],
    };
    expect(
      countedItems(normalizeContent(stored, new Date(0)).content).map((i) => i.item_id),
    ).toEqual(['l1']);
  });
});

describe(completionPercentage.name, () => {
  it.each([
    [0, 0, 0],
    [0, 3, 0],
    [1, 3, 33.33],
    [2, 3, 66.67],
    [1, 8, 12.5],
    [3, 3, 100],
    [199, 200, 99.5],
    [19999, 20000, 99.99],
  ])('%i of %i is %d', (completed, total, expected) => {
    expect(completionPercentage(completed, total)).toBe(expected);
  });
});

describe(computeProgress.name, () => {
  it('counts only completions of items that count now, per module, with the next item', () => {
    const { content, ids } = course();
    const items = countedItems(content);
    const figures = computeProgress(items, [
      { itemType: 'summary', itemId: ids.s1 },
      { itemType: 'quiz', itemId: ids.q1 },
      { itemType: 'lesson', itemId: 'ffffffffffffffffffffffff' },
    ]);
    expect(figures).toMatchObject({
      total_items: 4,
      completed_items: 2,
      completion_percentage: 50,
      is_complete: false,
      next_item: { item_type: 'lesson', item_id: ids.l1, title: 'L1', module_id: ids.first },
    });
    expect(figures.modules).toEqual([
      {
        module_id: ids.first,
        title: 'First',
        total_items: 3,
        completed_items: 2,
        completion_percentage: 66.67,
      },
      {
        module_id: ids.second,
        title: 'Second',
        total_items: 1,
        completed_items: 0,
        completion_percentage: 0,
      },
    ]);
  });

  it('is complete only when every counted item is done, and 0 items is 0% and not complete', () => {
    const { content, ids } = course();
    const all = [
      { itemType: 'summary', itemId: ids.s1 },
      { itemType: 'lesson', itemId: ids.l1 },
      { itemType: 'quiz', itemId: ids.q1 },
      { itemType: 'lesson', itemId: ids.l2 },
    ];
    expect(computeProgress(countedItems(content), all)).toMatchObject({
      completion_percentage: 100,
      is_complete: true,
      next_item: null,
    });
    expect(computeProgress([], all)).toMatchObject({
      completion_percentage: 0,
      is_complete: false,
    });
  });

  it('follows content edits: soft-delete raises, restore lowers, a new item lowers', () => {
    const { content, ids } = course();
    const done = [
      { itemType: 'summary', itemId: ids.s1 },
      { itemType: 'quiz', itemId: ids.q1 },
      { itemType: 'lesson', itemId: ids.l2 },
    ];
    expect(computeProgress(countedItems(content), done).completion_percentage).toBe(75);
    const deleted = updateItem(content, ids.first, 'lesson', ids.l1, { is_active: false });
    expect(computeProgress(countedItems(deleted), done)).toMatchObject({
      completion_percentage: 100,
      is_complete: true,
    });
    const restored = updateItem(deleted, ids.first, 'lesson', ids.l1, { is_active: true });
    expect(computeProgress(countedItems(restored), done).completion_percentage).toBe(75);
    const grown = addItem(restored, ids.second, 'lesson', { title: 'New', type: 'text' }).content;
    expect(computeProgress(countedItems(grown), done).completion_percentage).toBe(60);
  });

  it('keeps a completion of an item deleted then restored', () => {
    const { content, ids } = course();
    const done = [{ itemType: 'lesson', itemId: ids.l1 }];
    const deleted = updateItem(content, ids.first, 'lesson', ids.l1, { is_active: false });
    expect(computeProgress(countedItems(deleted), done).completed_items).toBe(0);
    const restored = updateItem(deleted, ids.first, 'lesson', ids.l1, { is_active: true });
    expect(computeProgress(countedItems(restored), done).completed_items).toBe(1);
  });
});

describe(assertItemCounts.name, () => {
  it('accepts a counted item and rejects others as ITEM_NOT_IN_COURSE', () => {
    const { content, ids } = course();
    const items = countedItems(content);
    expect(() => assertItemCounts(items, 'lesson', ids.l1)).not.toThrow();
    expect(() => assertItemCounts(items, 'quiz', ids.l1)).toThrow(
      expect.objectContaining({ code: 'ITEM_NOT_IN_COURSE' }),
    );
  });
});

describe(assertScoreAllowed.name, () => {
  it('allows a score only for quizzes', () => {
    expect(() => assertScoreAllowed('quiz', 80)).not.toThrow();
    expect(() => assertScoreAllowed('lesson', undefined)).not.toThrow();
    expect(() => assertScoreAllowed('lesson', 80)).toThrow(
      expect.objectContaining({ code: 'SCORE_NOT_ALLOWED' }),
    );
  });
});
