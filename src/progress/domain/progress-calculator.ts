import { DomainError } from '../../common/errors/domain-error';
import { shownId } from '../../course-content/domain/content-normalize';
import { CourseContent, ItemType } from '../../course-content/domain/content.types';

/** An item that counts towards progress, in the order a student meets it. */
export interface CountedItem {
  item_type: ItemType;
  item_id: string;
  title: string;
  module_id: string;
  module_title: string;
}

/** A completed item, as a progress record names it. */
export interface Completion {
  itemType: string;
  itemId: string;
}

export interface ModuleProgress {
  module_id: string;
  title: string;
  total_items: number;
  completed_items: number;
  completion_percentage: number;
}

export interface ProgressFigures {
  total_items: number;
  completed_items: number;
  completion_percentage: number;
  is_complete: boolean;
  modules: ModuleProgress[];
  next_item: CountedItem | null;
}

const KIND_RANK: Record<ItemType, number> = { lesson: 0, quiz: 1, summary: 2 };
/**
 * Items that count, in a normalized tree (`normalizeContent`): active lessons, quizzes and
 * summaries inside modules that are active and published, ordered by module `order`, then item
 * `order` (lessons before quizzes before summaries on a tie). An item or module stored without an
 * id is left out until a write gives it one: no completion can name it. Ids the old service wrote
 * count in their string form.
 */
export function countedItems(content: CourseContent | null): CountedItem[] {
  if (!content) return [];
  const modules = content.modules
    .filter((m) => m.is_active && m.is_published)
    .sort((a, b) => a.order - b.order);
  return modules.flatMap((m) => {
    const moduleId = shownId(m.module_id);
    if (moduleId === null) return [];
    const items = [
      ...m.lessons.map((i) => ({ ...i, type: 'lesson' as const, id: i.lesson_id })),
      ...m.quizzes.map((i) => ({ ...i, type: 'quiz' as const, id: i.quiz_id })),
      ...m.summaries.map((i) => ({ ...i, type: 'summary' as const, id: i.summary_id })),
    ]
      .filter((i) => i.is_active)
      .map((i) => ({ ...i, id: shownId(i.id) }))
      .filter((i): i is typeof i & { id: string } => i.id !== null);
    items.sort((a, b) => a.order - b.order || KIND_RANK[a.type] - KIND_RANK[b.type]);
    return items.map((i) => ({
      item_type: i.type,
      item_id: i.id,
      title: i.title,
      module_id: moduleId,
      module_title: m.title,
    }));
  });
}

/**
 * completed / total as a percentage with 2 decimals; 0 items is 0%. An unfinished course never
 * shows 100 (19,999 of 20,000 is 99.99), so 100 always means complete.
 */
export function completionPercentage(completed: number, total: number): number {
  if (total <= 0) return 0;
  // Integer arithmetic before the division keeps 2/3 at 66.67, not 66.66999….
  const rounded = Math.round((completed * 10_000) / total) / 100;
  return completed < total && rounded >= 100 ? 99.99 : rounded;
}

const keyOf = (type: string, id: string) => `${type}:${id}`;

/**
 * A student's figures against the content as it is now: completions of items that no longer
 * count are ignored, items added later lower the percentage. Complete means every counted item
 * is done (never "rounds to 100").
 */
export function computeProgress(items: CountedItem[], completions: Completion[]): ProgressFigures {
  const done = new Set(completions.map((c) => keyOf(c.itemType, c.itemId)));
  const isDone = (i: CountedItem) => done.has(keyOf(i.item_type, i.item_id));
  const modules = new Map<string, ModuleProgress>();
  let completed = 0;
  let next: CountedItem | null = null;
  for (const item of items) {
    const module =
      modules.get(item.module_id) ??
      modules
        .set(item.module_id, {
          module_id: item.module_id,
          title: item.module_title,
          total_items: 0,
          completed_items: 0,
          completion_percentage: 0,
        })
        .get(item.module_id)!;
    module.total_items++;
    if (isDone(item)) {
      module.completed_items++;
      completed++;
    } else if (!next) {
      next = item;
    }
  }
  for (const m of modules.values()) {
    m.completion_percentage = completionPercentage(m.completed_items, m.total_items);
  }
  return {
    total_items: items.length,
    completed_items: completed,
    completion_percentage: completionPercentage(completed, items.length),
    is_complete: items.length > 0 && completed === items.length,
    modules: [...modules.values()],
    next_item: next,
  };
}

/** POST /progress only accepts items that count now. */
export function assertItemCounts(items: CountedItem[], itemType: string, itemId: string): void {
  if (!items.some((i) => i.item_type === itemType && i.item_id === itemId)) {
    throw new DomainError(
      'not_found',
      'ITEM_NOT_IN_COURSE',
      `No active ${itemType} ${itemId} in a published module of this course`,
    );
  }
}

/** A score belongs to a quiz attempt only. */
export function assertScoreAllowed(itemType: string, score: number | undefined): void {
  if (score !== undefined && itemType !== 'quiz') {
    throw new DomainError('invalid', 'SCORE_NOT_ALLOWED', 'score is only accepted for quizzes');
  }
}
