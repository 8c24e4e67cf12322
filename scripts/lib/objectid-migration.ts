import { ObjectId } from 'bson';
import { Collection, Document, MongoBulkWriteError } from 'mongodb';
import { isObject, normalizeContent } from '../../src/course-content/domain/content-normalize';
import { ContentMetadata } from '../../src/course-content/domain/content.types';

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

/**
 * Pure transformation of one `course_content` document into the target shape (content.types.ts).
 * Returns `changed: false` for a document that is already migrated, so a second run writes nothing.
 */
export function transformContentDocument(
  doc: Document,
  options: TransformOptions = {},
): TransformResult {
  const newId = options.newId ?? (() => new ObjectId().toHexString());
  const now = options.now ?? new Date();
  const issues: IdIssue[] = [];
  let itemsConverted = 0;
  let defaultsAdded = 0;
  const courseId = doc.course_id;
  const seenObjectIds = new Set<string>();

  const fixItems = (
    items: unknown,
    kind: 'modules' | Level | 'resources',
    basePath: string,
  ): unknown[] => {
    if (!Array.isArray(items)) return [];
    const idField = ID_FIELD[kind];
    const intCounts = new Map<number, number>();
    for (const item of items) {
      if (!isObject(item)) continue;
      const d = classifyId(item[idField]);
      if (!d.keep && d.legacyId !== undefined)
        intCounts.set(d.legacyId, (intCounts.get(d.legacyId) ?? 0) + 1);
    }
    return items.map((raw, index) => {
      const path = `${basePath}${kind}[${index}]`;
      if (!isObject(raw)) {
        issues.push({ course_id: courseId, path, kind: 'invalid_item', value: raw });
        return raw;
      }
      const item: Obj = { ...raw };
      const decision = classifyId(item[idField]);
      if (decision.keep) {
        if (seenObjectIds.has(item[idField] as string)) {
          const id = newId();
          issues.push({
            course_id: courseId,
            path: `${path}.${idField}`,
            kind: 'duplicate_object_id',
            value: item[idField],
            new_id: id,
          });
          item[idField] = id;
          itemsConverted++;
        }
      } else {
        let id = decision.id ?? newId();
        if (seenObjectIds.has(id)) id = newId();
        if (decision.legacyId !== undefined && item.legacy_id === undefined)
          item.legacy_id = decision.legacyId;
        const issue =
          decision.legacyId !== undefined && (intCounts.get(decision.legacyId) ?? 0) > 1
            ? 'duplicate_integer'
            : decision.issue;
        if (issue)
          issues.push({
            course_id: courseId,
            path: `${path}.${idField}`,
            kind: issue,
            value: item[idField],
            new_id: id,
          });
        item[idField] = id;
        itemsConverted++;
      }
      seenObjectIds.add(item[idField] as string);
      for (const [field, value] of Object.entries(DEFAULTS[kind](index))) {
        const current = item[field];
        if (current === undefined || (current === null && !NULLABLE.has(field))) {
          item[field] = value;
          defaultsAdded++;
        }
      }
      if (kind === 'modules') {
        for (const level of LEVELS) item[level] = fixItems(item[level], level, `${path}.`);
      } else if (kind === 'lessons') {
        item.resources = fixItems(item.resources, 'resources', `${path}.`);
      }
      return item;
    });
  };

  const modulesMissing = !Array.isArray(doc.modules);
  const modules = fixItems(doc.modules, 'modules', '');
  const oldMeta: Obj = isObject(doc.metadata) ? doc.metadata : {};
  const metadata = migratedMetadata(modules, oldMeta.tags);
  const metadataIncomplete =
    !isObject(doc.metadata) ||
    (
      [
        'total_modules',
        'total_lessons',
        'total_quizzes',
        'total_summaries',
        'total_duration_hours',
        'tags',
      ] as const
    ).some((k) => oldMeta[k] === undefined);
  const versionMissing = typeof doc.version !== 'number';
  const createdAt = migratedCreatedAt(doc, now);
  if (createdAt.issue) issues.push({ course_id: courseId, path: 'created_at', ...createdAt.issue });
  const changed =
    itemsConverted > 0 ||
    defaultsAdded > 0 ||
    modulesMissing ||
    metadataIncomplete ||
    versionMissing ||
    createdAt.value !== undefined;
  const set: Document = {
    modules,
    metadata,
    version: (versionMissing ? 0 : (doc.version as number)) + 1,
    updated_at: now,
  };
  if (createdAt.value) set.created_at = createdAt.value;
  return { changed, set, itemsConverted, defaultsAdded, issues };
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

export interface MigrationProgress {
  scanned: number;
  changed: number;
  skipped: number;
  failed: number;
}

export interface ObjectIdMigrationOptions {
  collection: Collection;
  dryRun?: boolean;
  batchSize?: number;
  /** Bulk writes in flight at once; each touches different documents. */
  concurrency?: number;
  /** Stop after this many documents that needed a change (a canary run; rerun for the rest). */
  limit?: number;
  /** Attempts per document when its compare-and-set misses. */
  maxAttempts?: number;
  /** How a document without `version` is guarded (see casFilter); default strict. */
  cas?: CasMode;
  signal?: AbortSignal;
  now?: () => Date;
  /**
   * Called for each garbage id. In a real run a batch's issues are emitted before its write is
   * sent (then `beforeWrite` runs, where the CLI syncs its report): an issue is never lost to a
   * crash after the write. A document whose compare-and-set missed is transformed again and its
   * issues are emitted again with the retry's new ids: the last line for a path is what was
   * written.
   */
  onIssue?: (issue: IdIssue) => void;
  onProgress?: (progress: MigrationProgress) => void;
  /**
   * Called between reading a batch and writing it, after its issues were emitted (the CLI
   * syncs its report here; tests use it to race a concurrent edit).
   */
  beforeWrite?: (docs: Document[], attempt: number) => Promise<void>;
  /**
   * Called after each write of a batch with the documents it changed (the CLI invalidates their
   * cached trees here); an error ends the run like a failed write.
   */
  afterWrite?: (docs: Document[]) => Promise<void>;
}

export interface ObjectIdMigrationSummary extends MigrationProgress {
  itemsConverted: number;
  defaultsAdded: number;
  issues: number;
  /**
   * Values left as found (LEFT_AS_FOUND) in the documents scanned, also in those already
   * migrated, which a rerun skips: they stay until someone repairs them.
   */
  leftAsFound: number;
  retries: number;
  dryRun: boolean;
  stoppedEarly: boolean;
  elapsedMs: number;
  failures: { _id: unknown; course_id: unknown; error: string }[];
}

interface Pending {
  doc: Document;
  result: TransformResult;
}

/** Runs the migration over the whole collection in `_id` order; safe to rerun at any point. */
export async function migrateToObjectId(
  options: ObjectIdMigrationOptions,
): Promise<ObjectIdMigrationSummary> {
  const started = Date.now();
  const batchSize = Math.max(1, options.batchSize ?? 200);
  const concurrency = Math.max(1, options.concurrency ?? 2);
  const maxAttempts = Math.max(1, options.maxAttempts ?? 5);
  const now = options.now ?? (() => new Date());
  const summary: ObjectIdMigrationSummary = {
    scanned: 0,
    changed: 0,
    skipped: 0,
    failed: 0,
    itemsConverted: 0,
    defaultsAdded: 0,
    issues: 0,
    leftAsFound: 0,
    retries: 0,
    dryRun: options.dryRun ?? false,
    stoppedEarly: false,
    elapsedMs: 0,
    failures: [],
  };
  const col = options.collection;
  const report = () => options.onProgress?.({ ...summary });
  const account = (p: Pending) => {
    summary.itemsConverted += p.result.itemsConverted;
    summary.defaultsAdded += p.result.defaultsAdded;
    summary.issues += p.result.issues.length;
    summary.leftAsFound += p.result.issues.filter((i) => LEFT_AS_FOUND.has(i.kind)).length;
  };
  const emitIssues = (p: Pending) => {
    for (const issue of p.result.issues) options.onIssue?.(issue);
  };

  const writeBatch = async (batch: Pending[]) => {
    let pending = batch;
    for (let attempt = 1; pending.length > 0; attempt++) {
      // Report first, write second: a crash in between repeats report lines on the rerun; the
      // other order would lose them, as the rerun skips documents already written.
      pending.forEach(emitIssues);
      await options.beforeWrite?.(
        pending.map((p) => p.doc),
        attempt,
      );
      let matched: number;
      let failedIndex = -1;
      let failedMessage = '';
      try {
        const result = await col.bulkWrite(
          pending.map((p) => ({
            updateOne: { filter: casFilter(p.doc, options.cas), update: { $set: p.result.set } },
          })),
          { ordered: true },
        );
        matched = result.matchedCount;
      } catch (error) {
        // A document-level failure stops an ordered bulk write; the rest is retried below.
        if (!(error instanceof MongoBulkWriteError)) throw error;
        matched = error.result.matchedCount;
        const writeError = error.writeErrors;
        const first = Array.isArray(writeError) ? writeError[0] : writeError;
        failedIndex = first?.index ?? -1;
        failedMessage = first?.errmsg ?? error.message;
      }
      summary.changed += matched;
      if (matched === pending.length) {
        pending.forEach(account);
        await options.afterWrite?.(pending.map((p) => p.doc));
        break;
      }
      // Which writes missed is not reported by a bulk write: re-read, and whatever still needs
      // converting (a concurrent edit won the compare-and-set, or the write failed) goes again.
      const byId = new Map(pending.map((p) => [String(p.doc._id), p]));
      const fresh = await col.find({ _id: { $in: pending.map((p) => p.doc._id) } }).toArray();
      const next: Pending[] = [];
      const written: Document[] = [];
      for (const doc of fresh) {
        const before = byId.get(String(doc._id));
        byId.delete(String(doc._id));
        const result = transformContentDocument(doc, { now: now() });
        if (!result.changed) {
          if (before) {
            account(before);
            written.push(doc);
          }
          continue;
        }
        // A write error (document too large, validation) is not a race: retrying cannot help.
        const writeFailed =
          before !== undefined && failedIndex >= 0 && pending[failedIndex] === before;
        if (writeFailed || attempt >= maxAttempts) {
          summary.failed++;
          summary.failures.push({
            _id: doc._id,
            course_id: doc.course_id,
            error: writeFailed ? failedMessage : `compare-and-set missed ${attempt} times`,
          });
          continue;
        }
        summary.retries++;
        next.push({ doc, result });
      }
      // Documents deleted meanwhile: nothing left to migrate.
      summary.skipped += byId.size;
      if (written.length > 0) await options.afterWrite?.(written);
      pending = next;
    }
    report();
  };

  const inFlight = new Set<Promise<void>>();
  let writeError: unknown;
  const dispatch = async (batch: Pending[]) => {
    if (batch.length > 0) {
      const p: Promise<void> = writeBatch(batch)
        .catch((error: unknown) => {
          writeError ??= error;
        })
        .finally(() => inFlight.delete(p));
      inFlight.add(p);
      if (inFlight.size >= concurrency) await Promise.race(inFlight);
    }
    // A lost connection ends the run (it is resumable); the summary is not worth a wrong picture.
    if (writeError !== undefined) throw writeError;
  };

  // `_id` order uses the primary index, so a document rewritten mid-scan is not met twice.
  const cursor = col.find({}).sort({ _id: 1 }).batchSize(batchSize);
  let batch: Pending[] = [];
  let candidates = 0;
  try {
    for await (const doc of cursor) {
      if (options.signal?.aborted || (options.limit !== undefined && candidates >= options.limit)) {
        summary.stoppedEarly = true;
        break;
      }
      summary.scanned++;
      let result: TransformResult;
      try {
        result = transformContentDocument(doc, { now: now() });
      } catch (error) {
        summary.failed++;
        summary.failures.push({ _id: doc._id, course_id: doc.course_id, error: String(error) });
        continue;
      }
      if (!result.changed) {
        summary.skipped++;
        // Only values left as found can be reported on a migrated document.
        account({ doc, result });
        emitIssues({ doc, result });
        continue;
      }
      candidates++;
      if (summary.dryRun) {
        summary.changed++;
        account({ doc, result });
        emitIssues({ doc, result });
        if (summary.scanned % batchSize === 0) report();
        continue;
      }
      batch.push({ doc, result });
      if (batch.length >= batchSize) {
        await dispatch(batch);
        batch = [];
      }
      if (summary.scanned % batchSize === 0) report();
    }
    await dispatch(batch);
    await Promise.all(inFlight);
    if (writeError !== undefined) throw writeError;
  } finally {
    await Promise.all(inFlight);
    await cursor.close();
  }
  summary.elapsedMs = Date.now() - started;
  report();
  return summary;
}

/**
 * `--verify`: every offender in the collection (capped), how many documents have any, and how
 * many of those have nothing but values the migration leaves as found.
 */
export async function verifyContent(
  collection: Collection,
  maxOffenders = 1000,
): Promise<{
  documents: number;
  badDocuments: number;
  leftAsFoundOnly: number;
  offenders: Offender[];
}> {
  let documents = 0;
  let badDocuments = 0;
  let leftAsFoundOnly = 0;
  const offenders: Offender[] = [];
  for await (const doc of collection.find({}).sort({ _id: 1 })) {
    documents++;
    const found = findOffenders(doc);
    if (found.length) badDocuments++;
    if (found.length && found.every((o) => LEFT_AS_FOUND.has(o.reason))) leftAsFoundOnly++;
    for (const o of found) if (offenders.length < maxOffenders) offenders.push(o);
  }
  return { documents, badDocuments, leftAsFoundOnly, offenders };
}
