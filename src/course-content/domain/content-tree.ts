import { ObjectId } from 'bson';
import { DomainError } from '../../common/errors/domain-error';
import {
  ContentMetadata,
  CourseContent,
  ItemType,
  Lesson,
  Module,
  Quiz,
  Resource,
  Summary,
} from './content.types';

/**
 * Bounds on active items, so soft-deleting frees room. What is stored, deleted items included, is
 * bounded by `documentBytes`, which keeps one course document far below MongoDB's 16 MB.
 */
export const CONTENT_LIMITS = {
  modules: 200,
  lessonsPerModule: 300,
  quizzesPerModule: 100,
  summariesPerModule: 100,
  resourcesPerLesson: 50,
  documentBytes: 4 * 1024 * 1024,
} as const;

const OBJECT_ID = /^[0-9a-f]{24}$/;

/**
 * What creates an item: its `Given` fields, any other field optional (defaulted by the builders),
 * never `legacy_id` (only the migration writes it), and its `Children` as inputs of their own.
 */
type InputOf<T, Given extends keyof T, Children extends keyof T = never> = Pick<T, Given> &
  Partial<Omit<T, Given | Children | 'legacy_id'>>;

export type ResourceInput = InputOf<Resource, 'name' | 'url' | 'type'>;
export type LessonInput = InputOf<Lesson, 'title' | 'type', 'resources'> & {
  resources?: ResourceInput[];
};
export type QuizInput = InputOf<Quiz, 'title'>;
export type SummaryInput = InputOf<Summary, 'title'>;
export type ModuleInput = InputOf<Module, 'title', 'lessons' | 'quizzes' | 'summaries'> & {
  lessons?: LessonInput[];
  quizzes?: QuizInput[];
  summaries?: SummaryInput[];
};

/** A PUT of the whole tree; of the metadata only the tags are taken, totals are computed. */
export interface ContentInput {
  modules: ModuleInput[];
  metadata?: Partial<Pick<ContentMetadata, 'tags'>>;
}

export type ModulePatch = Partial<
  Omit<ModuleInput, 'module_id' | 'lessons' | 'quizzes' | 'summaries'>
>;
export type LessonPatch = Partial<Omit<LessonInput, 'lesson_id' | 'resources'>>;
export type QuizPatch = Partial<Omit<QuizInput, 'quiz_id'>>;
export type SummaryPatch = Partial<Omit<SummaryInput, 'summary_id'>>;
export type ResourcePatch = Partial<Omit<ResourceInput, 'resource_id'>>;

/** Every kind of thing the tree holds, each with an id of its own. */
export type ContentKind = 'module' | ItemType | 'resource';

interface InModule {
  moduleId: string;
}
interface InLesson {
  moduleId: string;
  lessonId: string;
}

/** Per kind: the ids of the things it sits in, what creates one and what edits one. */
export interface ContentKinds {
  module: { parent: Record<never, never>; input: ModuleInput; patch: ModulePatch };
  lesson: { parent: InModule; input: LessonInput; patch: LessonPatch };
  quiz: { parent: InModule; input: QuizInput; patch: QuizPatch };
  summary: { parent: InModule; input: SummaryInput; patch: SummaryPatch };
  resource: { parent: InLesson; input: ResourceInput; patch: ResourcePatch };
}

export type ParentOf<K extends ContentKind> = ContentKinds[K]['parent'];
/** A thing in the tree: the ids of what it sits in, and its own `id`. */
export type AddressOf<K extends ContentKind> = ParentOf<K> & { id: string };

interface ItemShapes {
  lesson: { item: Lesson; input: LessonInput; patch: LessonPatch };
  quiz: { item: Quiz; input: QuizInput; patch: QuizPatch };
  summary: { item: Summary; input: SummaryInput; patch: SummaryPatch };
}

const COLLECTION = { lesson: 'lessons', quiz: 'quizzes', summary: 'summaries' } as const;
const ID_FIELD = { lesson: 'lesson_id', quiz: 'quiz_id', summary: 'summary_id' } as const;
const LIMIT = {
  lesson: CONTENT_LIMITS.lessonsPerModule,
  quiz: CONTENT_LIMITS.quizzesPerModule,
  summary: CONTENT_LIMITS.summariesPerModule,
} as const;

/** A new content document for a course that has none yet (version 0: not stored). */
export function emptyContent(courseId: number, now: Date): CourseContent {
  return {
    course_id: courseId,
    version: 0,
    modules: [],
    metadata: computeMetadata([], []),
    created_at: now,
    updated_at: now,
  };
}

export function newObjectIdString(): string {
  return new ObjectId().toHexString();
}

/** Every id in the course with the kind of item it names. */
function idIndex(content: CourseContent): Map<string, ContentKind> {
  const ids = new Map<string, ContentKind>();
  for (const m of content.modules) {
    ids.set(m.module_id, 'module');
    for (const l of m.lessons) {
      ids.set(l.lesson_id, 'lesson');
      for (const r of l.resources) ids.set(r.resource_id, 'resource');
    }
    for (const q of m.quizzes) ids.set(q.quiz_id, 'quiz');
    for (const s of m.summaries) ids.set(s.summary_id, 'summary');
  }
  return ids;
}

function normaliseGivenId(id: string, kind: ContentKind): string {
  const normalised = id.toLowerCase();
  if (!OBJECT_ID.test(normalised)) {
    throw new DomainError(
      'invalid',
      'INVALID_ID',
      `${kind}_id must be a 24-character hex ObjectId`,
    );
  }
  return normalised;
}

function duplicateId(id: string): DomainError {
  return new DomainError('conflict', 'DUPLICATE_ID', `Id ${id} is already used in this course`, {
    id,
  });
}

/** Hands out ids: a given one must be well-formed and not used elsewhere in the course. */
class IdAllocator {
  private readonly claimed = new Set<string>();
  constructor(private readonly taken: Map<string, ContentKind>) {}

  claim(given: string | undefined, kind: ContentKind): string {
    if (given === undefined) return newObjectIdString();
    const id = normaliseGivenId(given, kind);
    if (this.taken.has(id) || this.claimed.has(id)) throw duplicateId(id);
    this.claimed.add(id);
    return id;
  }
}

function nextOrder(items: { order: number }[]): number {
  return items.reduce((max, i) => Math.max(max, i.order + 1), 0);
}

function buildResource(input: ResourceInput, ids: IdAllocator): Resource {
  return {
    resource_id: ids.claim(input.resource_id, 'resource'),
    name: input.name,
    url: input.url,
    type: input.type,
    is_active: input.is_active ?? true,
  };
}

function buildLesson(input: LessonInput, ids: IdAllocator, order: number): Lesson {
  return {
    lesson_id: ids.claim(input.lesson_id, 'lesson'),
    title: input.title,
    type: input.type,
    content: input.content ?? null,
    duration_minutes: input.duration_minutes ?? null,
    order: input.order ?? order,
    is_preview: input.is_preview ?? false,
    is_active: input.is_active ?? true,
    resources: (input.resources ?? []).map((r) => buildResource(r, ids)),
  };
}

function buildQuiz(input: QuizInput, ids: IdAllocator, order: number): Quiz {
  return {
    quiz_id: ids.claim(input.quiz_id, 'quiz'),
    title: input.title,
    order: input.order ?? order,
    passing_score: input.passing_score ?? null,
    is_active: input.is_active ?? true,
  };
}

function buildSummary(input: SummaryInput, ids: IdAllocator, order: number): Summary {
  return {
    summary_id: ids.claim(input.summary_id, 'summary'),
    title: input.title,
    content: input.content ?? null,
    order: input.order ?? order,
    is_active: input.is_active ?? true,
  };
}

const BUILDERS = { lesson: buildLesson, quiz: buildQuiz, summary: buildSummary } as const;

function buildModule(input: ModuleInput, ids: IdAllocator, order: number): Module {
  return {
    module_id: ids.claim(input.module_id, 'module'),
    title: input.title,
    description: input.description ?? null,
    order: input.order ?? order,
    is_published: input.is_published ?? true,
    is_active: input.is_active ?? true,
    lessons: (input.lessons ?? []).map((l, i) => buildLesson(l, ids, i)),
    quizzes: (input.quizzes ?? []).map((q, i) => buildQuiz(q, ids, i)),
    summaries: (input.summaries ?? []).map((s, i) => buildSummary(s, ids, i)),
  };
}

function notFound(kind: ContentKind, id: string): DomainError {
  const code = `${kind.toUpperCase()}_NOT_FOUND`;
  return new DomainError('not_found', code, `No ${kind} ${id} in this course`);
}

function findModule(content: CourseContent, moduleId: string): Module {
  const module = content.modules.find((m) => m.module_id === moduleId);
  if (!module) throw notFound('module', moduleId);
  return module;
}

function itemsOf<K extends ItemType>(module: Module, kind: K): ItemShapes[K]['item'][] {
  return module[COLLECTION[kind]] as ItemShapes[K]['item'][];
}

function findItem<K extends ItemType>(
  module: Module,
  kind: K,
  itemId: string,
): ItemShapes[K]['item'] {
  const idField = ID_FIELD[kind];
  const item = itemsOf(module, kind).find(
    (i) => (i as unknown as Record<string, string>)[idField] === itemId,
  );
  if (!item) throw notFound(kind, itemId);
  return item;
}

function limitReached(what: string, limit: number): DomainError {
  return new DomainError(
    'conflict',
    'CONTENT_LIMIT_REACHED',
    `At most ${limit} active ${what} are allowed`,
    {
      limit,
    },
  );
}

const activeCount = (items: { is_active: boolean }[]) =>
  items.reduce((n, i) => (i.is_active ? n + 1 : n), 0);

/** Before one more active item joins `items`. */
function assertRoom(items: { is_active: boolean }[], limit: number, what: string): void {
  if (activeCount(items) >= limit) throw limitReached(what, limit);
}

function assertWithin(items: { is_active: boolean }[], limit: number, what: string): void {
  if (activeCount(items) > limit) throw limitReached(what, limit);
}

function assertLessonLimits(lesson: Lesson): void {
  assertWithin(lesson.resources, CONTENT_LIMITS.resourcesPerLesson, 'resources per lesson');
}

function assertModuleLimits(module: Module): void {
  for (const kind of ['lesson', 'quiz', 'summary'] as const) {
    assertWithin(itemsOf(module, kind), LIMIT[kind], COLLECTION[kind]);
  }
  module.lessons.forEach(assertLessonLimits);
}

/** A PATCH that sets `is_active: true` on an inactive item brings it back into the count. */
function restores(item: { is_active: boolean }, patch: { is_active?: boolean }): boolean {
  return patch.is_active === true && !item.is_active;
}

/** Copies the tree so edits never mutate the caller's (possibly cached) document. */
export function cloneContent(content: CourseContent): CourseContent {
  return cloneTree(content);
}

/**
 * Copies arrays and plain objects; any other value is shared, as edits replace values but never
 * change them in place. Unlike structuredClone this keeps BSON values an older writer stored (an
 * ObjectId, a Decimal128) as they are, instead of writing them back as plain objects.
 */
function cloneTree<T>(value: T): T {
  if (Array.isArray(value)) return value.map(cloneTree) as T;
  if (
    typeof value === 'object' &&
    value !== null &&
    Object.getPrototypeOf(value) === Object.prototype
  ) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, cloneTree(v)])) as T;
  }
  return value;
}

export function addModule(
  content: CourseContent,
  input: ModuleInput,
): { content: CourseContent; id: string } {
  const next = cloneContent(content);
  const module = buildModule(input, new IdAllocator(idIndex(next)), nextOrder(next.modules));
  if (module.is_active) assertRoom(next.modules, CONTENT_LIMITS.modules, 'modules');
  assertModuleLimits(module);
  next.modules.push(module);
  return { content: next, id: module.module_id };
}

export function updateModule(
  content: CourseContent,
  moduleId: string,
  patch: ModulePatch,
): CourseContent {
  const next = cloneContent(content);
  const module = findModule(next, moduleId);
  if (restores(module, patch)) assertRoom(next.modules, CONTENT_LIMITS.modules, 'modules');
  Object.assign(module, definedOnly(patch));
  return next;
}

export function addItem<K extends ItemType>(
  content: CourseContent,
  moduleId: string,
  kind: K,
  input: ItemShapes[K]['input'],
): { content: CourseContent; id: string } {
  const next = cloneContent(content);
  const module = findModule(next, moduleId);
  const items = itemsOf(module, kind);
  const build = BUILDERS[kind] as (
    i: ItemShapes[K]['input'],
    ids: IdAllocator,
    o: number,
  ) => ItemShapes[K]['item'];
  const item = build(input, new IdAllocator(idIndex(next)), nextOrder(items));
  if (item.is_active) assertRoom(items, LIMIT[kind], COLLECTION[kind]);
  if (kind === 'lesson') assertLessonLimits(item as Lesson);
  items.push(item);
  return { content: next, id: (item as unknown as Record<string, string>)[ID_FIELD[kind]] };
}

export function updateItem<K extends ItemType>(
  content: CourseContent,
  moduleId: string,
  kind: K,
  itemId: string,
  patch: ItemShapes[K]['patch'],
): CourseContent {
  const next = cloneContent(content);
  const module = findModule(next, moduleId);
  const item = findItem(module, kind, itemId);
  if (restores(item, patch)) assertRoom(itemsOf(module, kind), LIMIT[kind], COLLECTION[kind]);
  Object.assign(item, definedOnly(patch));
  return next;
}

export function addResource(
  content: CourseContent,
  moduleId: string,
  lessonId: string,
  input: ResourceInput,
): { content: CourseContent; id: string } {
  const next = cloneContent(content);
  const lesson = findItem(findModule(next, moduleId), 'lesson', lessonId);
  const resource = buildResource(input, new IdAllocator(idIndex(next)));
  if (resource.is_active) {
    assertRoom(lesson.resources, CONTENT_LIMITS.resourcesPerLesson, 'resources per lesson');
  }
  lesson.resources.push(resource);
  return { content: next, id: resource.resource_id };
}

export function updateResource(
  content: CourseContent,
  moduleId: string,
  lessonId: string,
  resourceId: string,
  patch: ResourcePatch,
): CourseContent {
  const next = cloneContent(content);
  const lesson = findItem(findModule(next, moduleId), 'lesson', lessonId);
  const resource = lesson.resources.find((r) => r.resource_id === resourceId);
  if (!resource) throw notFound('resource', resourceId);
  if (restores(resource, patch)) {
    assertRoom(lesson.resources, CONTENT_LIMITS.resourcesPerLesson, 'resources per lesson');
  }
  Object.assign(resource, definedOnly(patch));
  return next;
}

type Adders = {
  [K in ContentKind]: (
    content: CourseContent,
    parent: ParentOf<K>,
    input: ContentKinds[K]['input'],
  ) => { content: CourseContent; id: string };
};
type Updaters = {
  [K in ContentKind]: (
    content: CourseContent,
    at: AddressOf<K>,
    patch: ContentKinds[K]['patch'],
  ) => CourseContent;
};

const ADD: Adders = {
  module: (content, _parent, input) => addModule(content, input),
  lesson: (content, { moduleId }, input) => addItem(content, moduleId, 'lesson', input),
  quiz: (content, { moduleId }, input) => addItem(content, moduleId, 'quiz', input),
  summary: (content, { moduleId }, input) => addItem(content, moduleId, 'summary', input),
  resource: (content, { moduleId, lessonId }, input) =>
    addResource(content, moduleId, lessonId, input),
};

const UPDATE: Updaters = {
  module: (content, { id }, patch) => updateModule(content, id, patch),
  lesson: (content, { moduleId, id }, patch) => updateItem(content, moduleId, 'lesson', id, patch),
  quiz: (content, { moduleId, id }, patch) => updateItem(content, moduleId, 'quiz', id, patch),
  summary: (content, { moduleId, id }, patch) =>
    updateItem(content, moduleId, 'summary', id, patch),
  resource: (content, { moduleId, lessonId, id }, patch) =>
    updateResource(content, moduleId, lessonId, id, patch),
};

/** Adds a thing of any kind inside `parent`, under the same rules as the kind's own add. */
export function addUnder<K extends ContentKind>(
  content: CourseContent,
  kind: K,
  parent: ParentOf<K>,
  input: ContentKinds[K]['input'],
): { content: CourseContent; id: string } {
  return ADD[kind](content, parent, input);
}

/** Sets the fields `patch` names on a thing of any kind, under the same rules as its own update. */
export function updateAt<K extends ContentKind>(
  content: CourseContent,
  kind: K,
  at: AddressOf<K>,
  patch: ContentKinds[K]['patch'],
): CourseContent {
  return UPDATE[kind](content, at, patch);
}

/**
 * The only delete there is: the thing stays where it was, marked inactive, so it stops counting
 * against the limits and towards progress, yet keeps its id (progress rows point at it) and can
 * be restored by setting `is_active` again. Its children keep their own flags.
 */
export function deactivate<K extends ContentKind>(
  content: CourseContent,
  kind: K,
  at: AddressOf<K>,
): CourseContent {
  return updateAt(content, kind, at, { is_active: false });
}

/**
 * PUT of the whole tree. Items are matched by id; an existing item the input does not mention
 * anywhere is kept, marked inactive, where it was — nothing is ever removed, and an item moved
 * to another module is moved, not copied. Limits apply to what the input states: what it omits
 * is inactive, or inside a module it made inactive, and is only bounded by the document size.
 */
export function replaceContent(content: CourseContent, input: ContentInput): CourseContent {
  const existing = idIndex(content);
  const given = new Map<string, ContentKind>();
  const ids = {
    claim(id: string | undefined, kind: ContentKind): string {
      if (id === undefined) return newObjectIdString();
      const normalised = normaliseGivenId(id, kind);
      const previous = existing.get(normalised);
      if (given.has(normalised) || (previous !== undefined && previous !== kind)) {
        throw duplicateId(normalised);
      }
      given.set(normalised, kind);
      return normalised;
    },
  } as IdAllocator;

  const modules = input.modules.map((m, i) => buildModule(m, ids, i));
  assertWithin(modules, CONTENT_LIMITS.modules, 'modules');
  modules.forEach(assertModuleLimits);
  keepLegacyIds(content, modules);
  const byId = new Map(modules.map((m) => [m.module_id, m]));
  const omitted = <T>(items: T[], idOf: (i: T) => string): T[] =>
    items.filter((i) => !given.has(idOf(i)));

  // Resources of a lesson the input keeps (even in another module) that it no longer lists.
  const keptLessonsById = new Map(modules.flatMap((m) => m.lessons.map((l) => [l.lesson_id, l])));
  for (const old of content.modules) {
    for (const lesson of old.lessons) {
      keptLessonsById
        .get(lesson.lesson_id)
        ?.resources.push(...inactive(omitted(lesson.resources, (r) => r.resource_id)));
    }
  }

  for (const old of content.modules) {
    const target = byId.get(old.module_id);
    const lessons = omitted(old.lessons, (l) => l.lesson_id).map((l) => ({
      ...l,
      resources: omitted(l.resources, (r) => r.resource_id),
    }));
    const quizzes = omitted(old.quizzes, (q) => q.quiz_id);
    const summaries = omitted(old.summaries, (s) => s.summary_id);
    if (!target) {
      // The whole module goes inactive; its children keep their own flags for a later restore.
      modules.push({ ...old, is_active: false, lessons, quizzes, summaries });
      continue;
    }
    target.lessons.push(...inactive(lessons));
    target.quizzes.push(...inactive(quizzes));
    target.summaries.push(...inactive(summaries));
  }
  const next: CourseContent = { ...cloneContent(content), modules };
  if (input.metadata?.tags) next.metadata = { ...next.metadata, tags: [...input.metadata.tags] };
  return next;
}

/**
 * Clients never see `legacy_id`, so a PUT cannot send it back; an item the PUT keeps (same id)
 * keeps it, or the progress backfill could no longer map the old integer ids to it.
 */
function keepLegacyIds(content: CourseContent, modules: Module[]): void {
  const legacy = new Map<string, number>();
  const note = (id: string, item: { legacy_id?: number }) => {
    if (item.legacy_id !== undefined) legacy.set(id, item.legacy_id);
  };
  const restore = (id: string, item: { legacy_id?: number }) => {
    const legacyId = legacy.get(id);
    if (legacyId !== undefined) item.legacy_id = legacyId;
  };
  const walk = (tree: Module[], visit: (id: string, item: { legacy_id?: number }) => void) => {
    for (const m of tree) {
      visit(m.module_id, m);
      for (const l of m.lessons) {
        visit(l.lesson_id, l);
        for (const r of l.resources) visit(r.resource_id, r);
      }
      for (const q of m.quizzes) visit(q.quiz_id, q);
      for (const x of m.summaries) visit(x.summary_id, x);
    }
  };
  walk(content.modules, note);
  walk(modules, restore);
}

function inactive<T extends { is_active: boolean }>(items: T[]): T[] {
  return items.map((i) => ({ ...i, is_active: false }));
}

const byOrder = (a: { order: number }, b: { order: number }) => a.order - b.order;

/**
 * Brings an edited tree into its stored form: every list sorted by `order` (stable, so equal
 * orders keep insertion order), metadata recounted from active items, timestamps set. An item
 * the old service stored without an id gets one now: there was nothing to keep, and from now on
 * it can be addressed. Other ids stay as stored (see content.types.ts).
 */
export function finalizeContent(content: CourseContent, now: Date): CourseContent {
  const modules = [...content.modules].sort(byOrder).map((m) => ({
    ...withId(m, 'module_id'),
    lessons: [...m.lessons].sort(byOrder).map((l) => ({
      ...withId(l, 'lesson_id'),
      resources: l.resources.map((r) => withId(r, 'resource_id')),
    })),
    quizzes: [...m.quizzes].sort(byOrder).map((q) => withId(q, 'quiz_id')),
    summaries: [...m.summaries].sort(byOrder).map((s) => withId(s, 'summary_id')),
  }));
  return {
    ...content,
    modules,
    metadata: { ...content.metadata, ...computeMetadata(modules, content.metadata?.tags ?? []) },
    updated_at: now,
  };
}

function withId<T extends object>(item: T, field: keyof T): T {
  const id: unknown = item[field];
  return id === undefined || id === null ? { ...item, [field]: newObjectIdString() } : item;
}

/** Totals over active items of active modules, so they never count what students cannot see. */
export function computeMetadata(modules: Module[], tags: string[]): Required<ContentMetadata> {
  const active = modules.filter((m) => m.is_active);
  const count = (kind: 'lessons' | 'quizzes' | 'summaries') =>
    active.reduce((n, m) => n + activeCount(m[kind]), 0);
  const minutes = active
    .flatMap((m) => m.lessons.filter((l) => l.is_active))
    .reduce((sum, l) => sum + (l.duration_minutes ?? 0), 0);
  return {
    total_modules: active.length,
    total_lessons: count('lessons'),
    total_quizzes: count('quizzes'),
    total_summaries: count('summaries'),
    total_duration_hours: Math.round((minutes / 60) * 100) / 100,
    tags,
  };
}

/** Drops keys whose value is `undefined` so a PATCH only touches the fields it names. */
function definedOnly<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<T>;
}
