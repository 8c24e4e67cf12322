import { ObjectId } from 'bson';
import type { Document } from 'mongodb';
import { isObject, normalizeContent } from '../../course-content/domain/content-normalize';
import { ContentMetadata } from '../../course-content/domain/content.types';

/*
 * `migrate:objectid`: every module/lesson/quiz/summary/resource id that is not a
 * 24-hex ObjectId string becomes one, the old integer is kept as `legacy_id`, missing fields get
 * the defaults of content.types.ts, `metadata` is recomputed and `version` is bumped.
 *
 * Garbage ids (decided here, reported as IdIssue, never a crash):
 * - integer (JS number, safe integer)        -> new ObjectId, legacy_id = the integer
 * - integer-like string ("17")               -> new ObjectId, legacy_id = 17, `integer_string`
 * - 24-hex with upper case                   -> lower-cased (same ObjectId), `uppercase_object_id`
 * - BSON ObjectId value                      -> its hex string (same id), `bson_object_id`
 * - any other string                         -> new ObjectId, no legacy_id, `invalid_string`
 * - float / NaN / Infinity                   -> new ObjectId, no legacy_id, `non_integer_number`
 * - boolean / object / array                 -> new ObjectId, no legacy_id, `invalid_type`
 * - missing                                  -> new ObjectId, no legacy_id (not an issue)
 * - an integer repeated in one array level   -> each gets its own ObjectId and keeps legacy_id,
 *   `duplicate_integer`; the backfill treats a legacy_id that occurs more than once per item type
 *   in a course as ambiguous and maps none of them.
 * - an ObjectId repeated inside a course     -> the first keeps it, later ones get new ObjectIds,
 *   `duplicate_object_id` (ids must be unique inside a course).
 * - an item that is not an object (null, 3)  -> left as is, `invalid_item`; --verify flags it.
 *
 * `created_at` (the document's): a Date is kept; missing gets the `_id` timestamp; text that
 * parseLegacyDate reads becomes that Date, `created_at_string`; anything else is left as is,
 * `invalid_created_at`. `invalid_item` and `invalid_created_at` are the values left as found
 * (LEFT_AS_FOUND): the CLI fails the run on them unless the operator accepts them.
 */

export const LEVELS = ['lessons', 'quizzes', 'summaries'] as const;
type Level = (typeof LEVELS)[number];
const ID_FIELD: Record<Level | 'modules' | 'resources', string> = {
  modules: 'module_id',
  lessons: 'lesson_id',
  quizzes: 'quiz_id',
  summaries: 'summary_id',
  resources: 'resource_id',
};

const OBJECT_ID_HEX = /^[0-9a-f]{24}$/;
const OBJECT_ID_HEX_ANY_CASE = /^[0-9a-fA-F]{24}$/;
const INTEGER_STRING = /^\s*-?\d{1,15}\s*$/;

export type IdIssueKind =
  | 'integer_string'
  | 'uppercase_object_id'
  | 'bson_object_id'
  | 'invalid_string'
  | 'non_integer_number'
  | 'invalid_type'
  | 'duplicate_integer'
  | 'duplicate_object_id'
  | 'invalid_item'
  | 'created_at_string'
  | 'invalid_created_at';

/** Issue kinds (and --verify reasons) of values the migration cannot repair and leaves as is. */
export const LEFT_AS_FOUND: ReadonlySet<string> = new Set(['invalid_item', 'invalid_created_at']);

/** One line of the migration report. */
export interface IdIssue {
  course_id: unknown;
  path: string;
  kind: IdIssueKind;
  value: unknown;
  new_id?: string;
  /** `created_at_string`: the date read from `value`, as ISO 8601. */
  new_value?: string;
}

export interface TransformOptions {
  now?: Date;
  newId?: () => string;
}

export interface TransformResult {
  /** False when the document is already migrated: nothing to write. */
  changed: boolean;
  /** The `$set` to apply (only meaningful when `changed`). */
  set: Document;
  /** Ids assigned or normalised. */
  itemsConverted: number;
  defaultsAdded: number;
  issues: IdIssue[];
}

type Obj = Record<string, unknown>;
const isBsonObjectId = (v: unknown): v is ObjectId =>
  typeof v === 'object' && v !== null && (v as { _bsontype?: unknown })._bsontype === 'ObjectId';

export function isObjectIdString(value: unknown): value is string {
  return typeof value === 'string' && OBJECT_ID_HEX.test(value);
}

type IdDecision =
  | { keep: true }
  | { keep: false; id?: string; legacyId?: number; issue?: IdIssueKind; isNew: boolean };

/** Decides what happens to one id value (see the table at the top of this file). */
export function classifyId(value: unknown): IdDecision {
  if (isObjectIdString(value)) return { keep: true };
  if (value === undefined || value === null) return { keep: false, isNew: true };
  if (typeof value === 'number') {
    return Number.isSafeInteger(value)
      ? { keep: false, isNew: true, legacyId: value }
      : { keep: false, isNew: true, issue: 'non_integer_number' };
  }
  if (typeof value === 'string') {
    if (OBJECT_ID_HEX_ANY_CASE.test(value))
      return { keep: false, isNew: false, id: value.toLowerCase(), issue: 'uppercase_object_id' };
    if (INTEGER_STRING.test(value))
      return { keep: false, isNew: true, legacyId: Number(value), issue: 'integer_string' };
    return { keep: false, isNew: true, issue: 'invalid_string' };
  }
  if (isBsonObjectId(value))
    return { keep: false, isNew: false, id: value.toHexString(), issue: 'bson_object_id' };
  return { keep: false, isNew: true, issue: 'invalid_type' };
}

// ISO 8601 / RFC 3339 date or date-time; a space may stand for `T`, as Python's str(datetime).
const LEGACY_DATE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?\s*(Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * Reads a legacy `created_at` stored as text: an ISO 8601 date or date-time. Without an offset
 * it is UTC, as the legacy service stored naive UTC times. Undefined for anything else, including
 * impossible dates: other formats are ambiguous (05/01/2024), and a guess would be reported as a
 * fact.
 */
export function parseLegacyDate(text: string): Date | undefined {
  const m = LEGACY_DATE.exec(text.trim());
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map((v) => Number(v ?? 0));
  const millis = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
  const zone = m[8] ?? 'Z';
  const offset = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
  const offsetMinutes = offset
    ? (offset[1] === '-' ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3]))
    : 0;
  const local = new Date(Date.UTC(year, month - 1, day, hour, minute, second, millis));
  const valid =
    local.getUTCFullYear() === year &&
    local.getUTCMonth() === month - 1 &&
    local.getUTCDate() === day &&
    hour < 24 &&
    minute < 60 &&
    second < 60 &&
    Math.abs(offsetMinutes) < 24 * 60;
  return valid ? new Date(local.getTime() - offsetMinutes * 60_000) : undefined;
}

/**
 * Metadata of a transformed tree, counted as the app reads it (`normalizeContent`: active items
 * of active modules, hours to 2 decimals), so it is never stale after the migration. Garbage the
 * migration reports instead of repairing (items that are not objects, an `is_active` or
 * `duration_minutes` of another type, a tag that is not a string) is read as the app reads it.
 */
export function migratedMetadata(modules: unknown[], tags: unknown): ContentMetadata {
  return normalizeContent({ modules, metadata: { tags } }, new Date(0)).content.metadata;
}

// Field defaults of content.types.ts; `is_published` defaults to true as in the legacy schema.
const DEFAULTS: Record<'modules' | Level | 'resources', (index: number) => Obj> = {
  modules: (i) => ({
    title: '',
    description: null,
    order: i + 1,
    is_published: true,
    is_active: true,
    lessons: [],
    quizzes: [],
    summaries: [],
  }),
  lessons: (i) => ({
    title: '',
    type: 'text',
    content: null,
    duration_minutes: null,
    order: i + 1,
    is_preview: false,
    is_active: true,
    resources: [],
  }),
  quizzes: (i) => ({ title: '', order: i + 1, passing_score: null, is_active: true }),
  summaries: (i) => ({ title: '', content: null, order: i + 1, is_active: true }),
  resources: () => ({ name: '', url: '', type: 'link', is_active: true }),
};
// Fields that may legitimately be null; for the others null is filled like a missing field.
const NULLABLE = new Set(['description', 'content', 'duration_minutes', 'passing_score']);

type ItemKind = 'modules' | Level | 'resources';

/** What one document's walk collects: the issues, the counts, the ObjectIds already used. */
interface TreeWalk {
  courseId: unknown;
  newId: () => string;
  issues: IdIssue[];
  itemsConverted: number;
  defaultsAdded: number;
  seenObjectIds: Set<string>;
}

/**
 * Pure transformation of one `course_content` document into the target shape (content.types.ts).
 * Returns `changed: false` for a document that is already migrated, so a second run writes nothing.
 */
export function transformContentDocument(
  doc: Document,
  options: TransformOptions = {},
): TransformResult {
  const now = options.now ?? new Date();
  const walk: TreeWalk = {
    courseId: doc.course_id,
    newId: options.newId ?? (() => new ObjectId().toHexString()),
    issues: [],
    itemsConverted: 0,
    defaultsAdded: 0,
    seenObjectIds: new Set(),
  };
  const modules = fixItems(walk, doc.modules, 'modules', '');
  const oldMeta: Obj = isObject(doc.metadata) ? doc.metadata : {};
  const versionMissing = typeof doc.version !== 'number';
  const createdAt = migratedCreatedAt(doc, now);
  if (createdAt.issue)
    walk.issues.push({ course_id: walk.courseId, path: 'created_at', ...createdAt.issue });
  const changed =
    walk.itemsConverted > 0 ||
    walk.defaultsAdded > 0 ||
    !Array.isArray(doc.modules) ||
    metadataIncomplete(doc.metadata) ||
    versionMissing ||
    createdAt.value !== undefined;
  const set: Document = {
    modules,
    metadata: migratedMetadata(modules, oldMeta.tags),
    version: (versionMissing ? 0 : (doc.version as number)) + 1,
    updated_at: now,
  };
  if (createdAt.value) set.created_at = createdAt.value;
  const { itemsConverted, defaultsAdded, issues } = walk;
  return { changed, set, itemsConverted, defaultsAdded, issues };
}

const METADATA_FIELDS = [
  'total_modules',
  'total_lessons',
  'total_quizzes',
  'total_summaries',
  'total_duration_hours',
  'tags',
] as const;

function metadataIncomplete(metadata: unknown): boolean {
  return !isObject(metadata) || METADATA_FIELDS.some((k) => metadata[k] === undefined);
}

/** One array level of the tree, converted; recurses into the levels below. */
function fixItems(walk: TreeWalk, items: unknown, kind: ItemKind, basePath: string): unknown[] {
  if (!Array.isArray(items)) return [];
  const intCounts = legacyIntCounts(items, ID_FIELD[kind]);
  return items.map((raw, index) => {
    const path = `${basePath}${kind}[${index}]`;
    if (!isObject(raw)) {
      walk.issues.push({ course_id: walk.courseId, path, kind: 'invalid_item', value: raw });
      return raw;
    }
    const item: Obj = { ...raw };
    fixId(walk, item, ID_FIELD[kind], `${path}.${ID_FIELD[kind]}`, intCounts);
    addDefaults(walk, item, kind, index);
    if (kind === 'modules') {
      for (const level of LEVELS) item[level] = fixItems(walk, item[level], level, `${path}.`);
    } else if (kind === 'lessons') {
      item.resources = fixItems(walk, item.resources, 'resources', `${path}.`);
    }
    return item;
  });
}

/** How often each legacy integer occurs in one array level (a repeat is `duplicate_integer`). */
function legacyIntCounts(items: unknown[], idField: string): Map<number, number> {
  const counts = new Map<number, number>();
  for (const item of items) {
    if (!isObject(item)) continue;
    const d = classifyId(item[idField]);
    if (!d.keep && d.legacyId !== undefined)
      counts.set(d.legacyId, (counts.get(d.legacyId) ?? 0) + 1);
  }
  return counts;
}

/** Gives the item an ObjectId unique in the course, keeping a legacy integer as `legacy_id`. */
function fixId(
  walk: TreeWalk,
  item: Obj,
  idField: string,
  path: string,
  intCounts: Map<number, number>,
): void {
  const report = (kind: IdIssueKind, newId: string) =>
    walk.issues.push({ course_id: walk.courseId, path, kind, value: item[idField], new_id: newId });
  const decision = classifyId(item[idField]);
  if (decision.keep) {
    if (walk.seenObjectIds.has(item[idField] as string)) {
      const id = walk.newId();
      report('duplicate_object_id', id);
      item[idField] = id;
      walk.itemsConverted++;
    }
  } else {
    let id = decision.id ?? walk.newId();
    if (walk.seenObjectIds.has(id)) id = walk.newId();
    if (decision.legacyId !== undefined && item.legacy_id === undefined)
      item.legacy_id = decision.legacyId;
    const issue =
      decision.legacyId !== undefined && (intCounts.get(decision.legacyId) ?? 0) > 1
        ? 'duplicate_integer'
        : decision.issue;
    if (issue) report(issue, id);
    item[idField] = id;
    walk.itemsConverted++;
  }
  walk.seenObjectIds.add(item[idField] as string);
}

function addDefaults(walk: TreeWalk, item: Obj, kind: ItemKind, index: number): void {
  for (const [field, value] of Object.entries(DEFAULTS[kind](index))) {
    const current = item[field];
    if (current === undefined || (current === null && !NULLABLE.has(field))) {
      item[field] = value;
      walk.defaultsAdded++;
    }
  }
}

/** The `created_at` to write (none: keep what is there) and what to report about it. */
function migratedCreatedAt(
  doc: Document,
  now: Date,
): { value?: Date; issue?: Pick<IdIssue, 'kind' | 'value' | 'new_value'> } {
  const current: unknown = doc.created_at;
  if (current instanceof Date) return {};
  if (current === undefined || current === null) {
    // The legacy `_id` carries the insertion time: closer to the truth than "now".
    return { value: isBsonObjectId(doc._id) ? doc._id.getTimestamp() : now };
  }
  const parsed = typeof current === 'string' ? parseLegacyDate(current) : undefined;
  if (!parsed) return { issue: { kind: 'invalid_created_at', value: current } };
  return {
    value: parsed,
    issue: { kind: 'created_at_string', value: current, new_value: parsed.toISOString() },
  };
}

export interface Offender {
  course_id: unknown;
  path: string;
  reason:
    | 'id_not_object_id'
    | 'is_active_missing'
    | 'invalid_item'
    | 'duplicate_id'
    | 'version_missing'
    | 'created_at_not_date'
    | 'invalid_created_at';
  value?: unknown;
}

/**
 * What `--verify` flags in one document: anything the migration would still have to fix, and
 * the values it leaves as found (LEFT_AS_FOUND).
 */
export function findOffenders(doc: Document): Offender[] {
  const out: Offender[] = [];
  const courseId = doc.course_id;
  const seen = new Set<string>();
  if (typeof doc.version !== 'number')
    out.push({ course_id: courseId, path: 'version', reason: 'version_missing' });
  if (!(doc.created_at instanceof Date)) {
    const { issue } = migratedCreatedAt(doc, new Date());
    out.push({
      course_id: courseId,
      path: 'created_at',
      reason: issue?.kind === 'invalid_created_at' ? 'invalid_created_at' : 'created_at_not_date',
      value: doc.created_at,
    });
  }
  const walk = (items: unknown, kind: 'modules' | Level | 'resources', base: string) => {
    if (!Array.isArray(items)) return;
    items.forEach((item, index) => {
      const path = `${base}${kind}[${index}]`;
      if (!isObject(item)) {
        out.push({ course_id: courseId, path, reason: 'invalid_item', value: item });
        return;
      }
      const idField = ID_FIELD[kind];
      const id = item[idField];
      if (!isObjectIdString(id))
        out.push({
          course_id: courseId,
          path: `${path}.${idField}`,
          reason: 'id_not_object_id',
          value: id,
        });
      else if (seen.has(id))
        out.push({
          course_id: courseId,
          path: `${path}.${idField}`,
          reason: 'duplicate_id',
          value: id,
        });
      else seen.add(id);
      if (typeof item.is_active !== 'boolean')
        out.push({ course_id: courseId, path: `${path}.is_active`, reason: 'is_active_missing' });
      if (kind === 'modules') for (const level of LEVELS) walk(item[level], level, `${path}.`);
      if (kind === 'lessons') walk(item.resources, 'resources', `${path}.`);
    });
  };
  walk(doc.modules, 'modules', '');
  return out;
}

/**
 * The write filter. A document with a `version` is guarded by it (every new writer bumps it).
 * A legacy document has none, and a legacy writer still running during a migration without a
 * maintenance window would not add one: for those the filter also pins `modules` (and
 * `updated_at`) to exactly what was read, so any edit in between makes the write miss.
 */
export function casFilter(doc: Document, mode: CasMode = 'strict'): Document {
  if (typeof doc.version === 'number') return { _id: doc._id, version: doc.version };
  const filter: Document = {
    _id: doc._id,
    version: { $exists: false },
    updated_at: doc.updated_at === undefined ? { $exists: false } : doc.updated_at,
  };
  // The legacy repository sets updated_at on every write, so `updated-at` is enough
  // unless two legacy writes land in one millisecond; `strict` closes that gap too, at the cost
  // of sending every tree twice.
  if (mode === 'strict')
    filter.modules = doc.modules === undefined ? { $exists: false } : doc.modules;
  return filter;
}

export type CasMode = 'strict' | 'updated-at';

/** Course ids of content documents, as the cache keys spell them (integers only). */
export function cacheCourseIds(docs: { course_id?: unknown }[]): number[] {
  const ids = new Set<number>();
  for (const doc of docs) {
    const id = typeof doc.course_id === 'string' ? Number(doc.course_id) : doc.course_id;
    if (typeof id === 'number' && Number.isSafeInteger(id)) ids.add(id);
  }
  return [...ids];
}
