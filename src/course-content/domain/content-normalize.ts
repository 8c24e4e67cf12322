import { computeMetadata } from './content-tree';
import {
  CourseContent,
  Lesson,
  LessonType,
  Module,
  Quiz,
  Resource,
  ResourceType,
  Summary,
} from './content.types';

type Raw = Record<string, unknown>;

/** Something a stored document held that is not part of the tree, so a write will not keep it. */
export interface DroppedValue {
  path: string;
  value: unknown;
}

export interface NormalizedContent {
  content: CourseContent;
  /** Non-null values skipped because they are not items (a `3` in `lessons`, a `lessons: "x"`). */
  dropped: DroppedValue[];
}

export function isObject(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * An item id as clients see it: an ObjectId string as it is, an id the old service wrote as its
 * string form (`1` -> "1"), and null for an item stored without one.
 */
export function shownId(id: unknown): string | null {
  if (typeof id === 'string') return id;
  if (typeof id === 'number' || typeof id === 'bigint') return String(id);
  if (isObject(id) && typeof id.toHexString === 'function') {
    return (id.toHexString as () => string).call(id);
  }
  return null;
}

const flag = (value: unknown, fallback: boolean) => (typeof value === 'boolean' ? value : fallback);
const text = (value: unknown) =>
  typeof value === 'string' ? value : typeof value === 'number' ? String(value) : null;
const finite = (value: unknown) =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;
// The position the old service listed the item at, 1-based as `migrate:objectid` fills it, so a
// document sorts the same before and after the migration.
const orderOf = (value: unknown, index: number) => finite(value) ?? index + 1;

function date(value: unknown): Date | undefined {
  if (!(value instanceof Date) && typeof value !== 'string' && typeof value !== 'number') {
    return undefined;
  }
  const parsed = new Date(value);
  return Number.isNaN(parsed.getTime()) ? undefined : parsed;
}

/** The stored fields first, so whatever the schema does not know survives the next write. */
const keep = <T>(raw: Raw, fields: Partial<T>): T => ({ ...raw, ...fields }) as unknown as T;

/**
 * Reads a stored document as the current shape, whatever an older writer left in it: missing
 * flags take the legacy service's defaults (`is_active` and `is_published` true, `is_preview` false),
 * missing lists are empty, a missing `version` is 0, and an item that is not an object is
 * skipped. Ids and unknown fields are kept as stored, and metadata totals are recounted, so
 * writing the result back changes the shape and loses nothing but what `dropped` lists.
 * `fallbackDate` stands in for timestamps the document lacks.
 */
export function normalizeContent(doc: Raw, fallbackDate: Date): NormalizedContent {
  const dropped: DroppedValue[] = [];
  const list = <T>(
    value: unknown,
    path: string,
    read: (item: Raw, index: number, at: string) => T,
  ) => {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) {
      dropped.push({ path, value });
      return [];
    }
    const items: T[] = [];
    value.forEach((item: unknown, index) => {
      const at = `${path}[${index}]`;
      if (isObject(item)) items.push(read(item, index, at));
      else if (item !== null && item !== undefined) dropped.push({ path: at, value: item });
    });
    return items;
  };

  const resource = (r: Raw): Resource =>
    keep<Resource>(r, {
      name: text(r.name) ?? '',
      url: text(r.url) ?? '',
      type: (typeof r.type === 'string' ? r.type : 'link') as ResourceType,
      is_active: flag(r.is_active, true),
    });
  const lesson = (l: Raw, index: number, at: string): Lesson =>
    keep<Lesson>(l, {
      title: text(l.title) ?? '',
      type: (typeof l.type === 'string' ? l.type : 'text') as LessonType,
      content: text(l.content),
      duration_minutes: finite(l.duration_minutes),
      order: orderOf(l.order, index),
      is_preview: flag(l.is_preview, false),
      is_active: flag(l.is_active, true),
      resources: list(l.resources, `${at}.resources`, resource),
    });
  const quiz = (q: Raw, index: number): Quiz =>
    keep<Quiz>(q, {
      title: text(q.title) ?? '',
      order: orderOf(q.order, index),
      passing_score: finite(q.passing_score),
      is_active: flag(q.is_active, true),
    });
  const summary = (s: Raw, index: number): Summary =>
    keep<Summary>(s, {
      title: text(s.title) ?? '',
      content: text(s.content),
      order: orderOf(s.order, index),
      is_active: flag(s.is_active, true),
    });
  const module = (m: Raw, index: number, at: string): Module =>
    keep<Module>(m, {
      title: text(m.title) ?? '',
      description: text(m.description),
      order: orderOf(m.order, index),
      is_published: flag(m.is_published, true),
      is_active: flag(m.is_active, true),
      lessons: list(m.lessons, `${at}.lessons`, lesson),
      quizzes: list(m.quizzes, `${at}.quizzes`, quiz),
      summaries: list(m.summaries, `${at}.summaries`, summary),
    });

  const modules = list(doc.modules, 'modules', module);
  const metadata = isObject(doc.metadata) ? doc.metadata : {};
  const tags = Array.isArray(metadata.tags)
    ? metadata.tags.filter((t): t is string => typeof t === 'string')
    : [];
  const createdAt = date(doc.created_at) ?? date(doc.updated_at) ?? fallbackDate;
  const version = finite(doc.version);
  const content: CourseContent = {
    course_id: doc.course_id as number,
    version: version !== null && version >= 0 ? version : 0,
    modules,
    metadata: { ...metadata, ...computeMetadata(modules, tags) },
    created_at: createdAt,
    updated_at: date(doc.updated_at) ?? createdAt,
  };
  return { content, dropped };
}
