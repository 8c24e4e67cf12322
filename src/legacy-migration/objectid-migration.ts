import { Collection, Document, MongoBulkWriteError } from 'mongodb';
import {
  CasMode,
  casFilter,
  findOffenders,
  IdIssue,
  LEFT_AS_FOUND,
  Offender,
  transformContentDocument,
  TransformResult,
} from './domain/objectid-transform';

/*
 * The apply step of `migrate:objectid` over a collection: scan in `_id` order, plan each
 * document (transformContentDocument), write batches with a compare-and-set filter, re-plan what
 * a concurrent edit changed. Plain `mongodb` collections, so benchmarks and tests can run it on
 * any database; ObjectIdMigrationService runs it on the app's.
 */

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

/** What a bulk write matched, and the document whose write failed (not a race), if any. */
interface BulkOutcome {
  matched: number;
  failedIndex: number;
  failedMessage: string;
}

/** Runs the migration over the whole collection in `_id` order; safe to rerun at any point. */
export async function migrateToObjectId(
  options: ObjectIdMigrationOptions,
): Promise<ObjectIdMigrationSummary> {
  return new MigrationRun(options).run();
}

function emptySummary(dryRun: boolean): ObjectIdMigrationSummary {
  return {
    scanned: 0,
    changed: 0,
    skipped: 0,
    failed: 0,
    itemsConverted: 0,
    defaultsAdded: 0,
    issues: 0,
    leftAsFound: 0,
    retries: 0,
    dryRun,
    stoppedEarly: false,
    elapsedMs: 0,
    failures: [],
  };
}

class MigrationRun {
  private readonly started = Date.now();
  private readonly batchSize: number;
  private readonly concurrency: number;
  private readonly maxAttempts: number;
  private readonly now: () => Date;
  private readonly summary: ObjectIdMigrationSummary;
  private readonly inFlight = new Set<Promise<void>>();
  private writeError: unknown;
  private candidates = 0;

  constructor(private readonly options: ObjectIdMigrationOptions) {
    this.batchSize = Math.max(1, options.batchSize ?? 200);
    this.concurrency = Math.max(1, options.concurrency ?? 2);
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 5);
    this.now = options.now ?? (() => new Date());
    this.summary = emptySummary(options.dryRun ?? false);
  }

  async run(): Promise<ObjectIdMigrationSummary> {
    // `_id` order uses the primary index, so a document rewritten mid-scan is not met twice.
    const cursor = this.options.collection.find({}).sort({ _id: 1 }).batchSize(this.batchSize);
    let batch: Pending[] = [];
    try {
      for await (const doc of cursor) {
        if (this.shouldStop()) {
          this.summary.stoppedEarly = true;
          break;
        }
        const pending = this.plan(doc);
        if (pending) batch.push(pending);
        if (batch.length >= this.batchSize) {
          await this.dispatch(batch);
          batch = [];
        }
        if (this.summary.scanned % this.batchSize === 0) this.progress();
      }
      await this.dispatch(batch);
      await Promise.all(this.inFlight);
      if (this.writeError !== undefined) throw this.writeError;
    } finally {
      await Promise.all(this.inFlight);
      await cursor.close();
    }
    this.summary.elapsedMs = Date.now() - this.started;
    this.progress();
    return this.summary;
  }

  private shouldStop(): boolean {
    const { signal, limit } = this.options;
    return !!signal?.aborted || (limit !== undefined && this.candidates >= limit);
  }

  /** Plans one scanned document; returns it when it must be written. */
  private plan(doc: Document): Pending | undefined {
    const summary = this.summary;
    summary.scanned++;
    let result: TransformResult;
    try {
      result = transformContentDocument(doc, { now: this.now() });
    } catch (error) {
      summary.failed++;
      summary.failures.push({ _id: doc._id, course_id: doc.course_id, error: String(error) });
      return undefined;
    }
    if (!result.changed) {
      summary.skipped++;
      // Only values left as found can be reported on a migrated document.
      this.account({ doc, result });
      this.emitIssues({ doc, result });
      return undefined;
    }
    this.candidates++;
    if (!summary.dryRun) return { doc, result };
    summary.changed++;
    this.account({ doc, result });
    this.emitIssues({ doc, result });
    return undefined;
  }

  private progress(): void {
    this.options.onProgress?.({ ...this.summary });
  }

  private account(p: Pending): void {
    const summary = this.summary;
    summary.itemsConverted += p.result.itemsConverted;
    summary.defaultsAdded += p.result.defaultsAdded;
    summary.issues += p.result.issues.length;
    summary.leftAsFound += p.result.issues.filter((i) => LEFT_AS_FOUND.has(i.kind)).length;
  }

  private emitIssues(p: Pending): void {
    for (const issue of p.result.issues) this.options.onIssue?.(issue);
  }

  /** Starts a batch's write, keeping at most `concurrency` in flight. */
  private async dispatch(batch: Pending[]): Promise<void> {
    if (batch.length > 0) {
      const p: Promise<void> = this.writeBatch(batch)
        .catch((error: unknown) => {
          this.writeError ??= error;
        })
        .finally(() => this.inFlight.delete(p));
      this.inFlight.add(p);
      if (this.inFlight.size >= this.concurrency) await Promise.race(this.inFlight);
    }
    // A lost connection ends the run (it is resumable); the summary is not worth a wrong picture.
    if (this.writeError !== undefined) throw this.writeError;
  }

  private async writeBatch(batch: Pending[]): Promise<void> {
    let pending = batch;
    for (let attempt = 1; pending.length > 0; attempt++) {
      // Report first, write second: a crash in between repeats report lines on the rerun; the
      // other order would lose them, as the rerun skips documents already written.
      pending.forEach((p) => this.emitIssues(p));
      await this.options.beforeWrite?.(
        pending.map((p) => p.doc),
        attempt,
      );
      const outcome = await this.bulkWrite(pending);
      this.summary.changed += outcome.matched;
      if (outcome.matched === pending.length) {
        pending.forEach((p) => this.account(p));
        await this.options.afterWrite?.(pending.map((p) => p.doc));
        break;
      }
      pending = await this.replanMissed(pending, outcome, attempt);
    }
    this.progress();
  }

  private async bulkWrite(pending: Pending[]): Promise<BulkOutcome> {
    try {
      const result = await this.options.collection.bulkWrite(
        pending.map((p) => ({
          updateOne: {
            filter: casFilter(p.doc, this.options.cas),
            update: { $set: p.result.set },
          },
        })),
        { ordered: true },
      );
      return { matched: result.matchedCount, failedIndex: -1, failedMessage: '' };
    } catch (error) {
      // A document-level failure stops an ordered bulk write; the rest is retried.
      if (!(error instanceof MongoBulkWriteError)) throw error;
      const writeError = error.writeErrors;
      const first = Array.isArray(writeError) ? writeError[0] : writeError;
      return {
        matched: error.result.matchedCount,
        failedIndex: first?.index ?? -1,
        failedMessage: first?.errmsg ?? error.message,
      };
    }
  }

  /**
   * Which writes missed is not reported by a bulk write: re-read, and whatever still needs
   * converting (a concurrent edit won the compare-and-set, or the write failed) goes again.
   */
  private async replanMissed(
    pending: Pending[],
    outcome: BulkOutcome,
    attempt: number,
  ): Promise<Pending[]> {
    const summary = this.summary;
    const byId = new Map(pending.map((p) => [String(p.doc._id), p]));
    const fresh = await this.options.collection
      .find({ _id: { $in: pending.map((p) => p.doc._id) } })
      .toArray();
    const next: Pending[] = [];
    const written: Document[] = [];
    for (const doc of fresh) {
      const before = byId.get(String(doc._id));
      byId.delete(String(doc._id));
      const result = transformContentDocument(doc, { now: this.now() });
      if (!result.changed) {
        if (before) {
          this.account(before);
          written.push(doc);
        }
        continue;
      }
      // A write error (document too large, validation) is not a race: retrying cannot help.
      const writeFailed =
        before !== undefined && outcome.failedIndex >= 0 && pending[outcome.failedIndex] === before;
      if (writeFailed || attempt >= this.maxAttempts) {
        summary.failed++;
        summary.failures.push({
          _id: doc._id,
          course_id: doc.course_id,
          error: writeFailed ? outcome.failedMessage : `compare-and-set missed ${attempt} times`,
        });
        continue;
      }
      summary.retries++;
      next.push({ doc, result });
    }
    // Documents deleted meanwhile: nothing left to migrate.
    summary.skipped += byId.size;
    if (written.length > 0) await this.options.afterWrite?.(written);
    return next;
  }
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
