import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { ProgressRepository } from '../progress/progress.repository';
import { ContentIndexCache } from './content-index.cache';
import {
  BackfillReportEntry,
  EnrollmentPlan,
  LegacyProgressRow,
  planEnrollment,
  ProgressRowInput,
  ReportReason,
} from './domain/legacy-completions';
import { redactUrl } from './domain/redact-url';
import { LegacyArchiveRepository } from './legacy-archive.repository';
import { LegacyContentRepository } from './legacy-content.repository';

export interface BackfillProgress {
  scanned: number;
  backfilled: number;
  deferred: number;
}

export interface BackfillOptions {
  dryRun?: boolean;
  /** Enrollments per transaction. */
  batchSize?: number;
  /** Stop after this many enrollments (a canary run; rerun for the rest). */
  limit?: number;
  signal?: AbortSignal;
  /**
   * Called for each report entry. In a real run a batch's entries are emitted inside its
   * transaction, before the commit (then `beforeCommit` runs): see `run`.
   */
  onReport?: (entry: BackfillReportEntry) => void;
  /** Called after a batch's report entries, just before its commit (the CLI syncs its file). */
  beforeCommit?: () => void | Promise<void>;
  onProgress?: (progress: BackfillProgress) => void;
}

export interface BackfillSummary extends BackfillProgress {
  dryRun: boolean;
  /** Enrollments still waiting in the archive when the run started. */
  pendingAtStart: number;
  progressRowsInserted: number;
  /** Mapped completions that already had a progress row (or would be inserted, in a dry run). */
  progressRowsExisting: number;
  completionsMapped: number;
  completionsUnmapped: number;
  mappedToAllCandidates: number;
  mappedToQuizLessons: number;
  unmappedByReason: Partial<Record<ReportReason, number>>;
  modulesIgnored: number;
  reportEntries: number;
  stoppedEarly: boolean;
  elapsedMs: number;
}

interface BatchOutcome {
  count: number;
  last: number;
}

/** A progress row as the app's repository takes it. */
export const toNewProgress = (r: ProgressRowInput) => ({
  userId: r.user_id,
  courseId: r.course_id,
  itemType: r.item_type,
  itemId: r.item_id,
  score: r.score,
  completedAt: r.completed_at,
});

/**
 * `migrate:backfill-progress`: archived legacy completions become progress rows (the rules are
 * in domain/legacy-completions.ts). Batches of enrollments, each in one transaction that inserts
 * the rows and sets backfilled_at, so a run stopped at any point resumes exactly where it stopped.
 */
@Injectable()
export class ProgressBackfillService {
  constructor(
    private readonly em: EntityManager,
    private readonly archive: LegacyArchiveRepository,
    private readonly progress: ProgressRepository,
    private readonly contents: LegacyContentRepository,
    private readonly config: AppConfig,
  ) {}

  /**
   * Enrollments waiting for the backfill; fails naming the cause when PostgreSQL is down or the
   * archive does not exist yet.
   */
  async pendingCount(): Promise<number> {
    try {
      return await this.archive.pendingCount();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(
        /enrollment_progress_legacy/.test(message)
          ? `${message}: run "npm run migration:up" first`
          : `PostgreSQL unreachable at ${redactUrl(this.config.DATABASE_URL)}: ${message}`,
      );
    }
  }

  async run(options: BackfillOptions = {}): Promise<BackfillSummary> {
    const started = Date.now();
    const batchSize = Math.max(1, options.batchSize ?? 500);
    const summary = emptySummary(options.dryRun ?? false, await this.archive.pendingCount());
    const cache = new ContentIndexCache(this.contents.collection());
    let after = 0;
    for (;;) {
      if (options.signal?.aborted) {
        summary.stoppedEarly = true;
        break;
      }
      const room = options.limit === undefined ? batchSize : options.limit - summary.scanned;
      if (room <= 0) {
        summary.stoppedEarly = summary.scanned < summary.pendingAtStart;
        break;
      }
      const take = Math.min(batchSize, room);
      const done = summary.dryRun
        ? await this.dryBatch(options, cache, after, take, summary)
        : await this.writeBatch(options, cache, after, take, summary);
      if (done.count === 0) break;
      after = done.last;
      options.onProgress?.({
        scanned: summary.scanned,
        backfilled: summary.backfilled,
        deferred: summary.deferred,
      });
    }
    summary.elapsedMs = Date.now() - started;
    return summary;
  }

  private async dryBatch(
    options: BackfillOptions,
    cache: ContentIndexCache,
    after: number,
    take: number,
    summary: BackfillSummary,
  ): Promise<BatchOutcome> {
    const rows = await this.archive.nextPending(after, take, false);
    const plans = await planBatch(rows, cache, summary, options.onReport);
    summary.progressRowsExisting += await this.archive.countExistingProgress(
      plans.flatMap((p) => p.rows),
    );
    summary.backfilled += plans.filter((p) => !p.deferred).length;
    return { count: rows.length, last: rows.at(-1)?.enrollment_id ?? after };
  }

  /** Plans, applies and reports one batch in one transaction; only a committed batch counts. */
  private async writeBatch(
    options: BackfillOptions,
    cache: ContentIndexCache,
    after: number,
    take: number,
    summary: BackfillSummary,
  ): Promise<BatchOutcome> {
    const draft = { ...summary, unmappedByReason: { ...summary.unmappedByReason } };
    const outcome = await this.em.transactional(async () => {
      const rows = await this.archive.nextPending(after, take, true);
      const reports: BackfillReportEntry[] = [];
      const plans = await planBatch(rows, cache, draft, (e) => reports.push(e));
      await this.apply(rows, plans, draft);
      // Report first, commit second. The commit sets backfilled_at and no later run looks at
      // these enrollments again, so a report line not written by then would be lost for good;
      // written before, a failure in between only repeats the lines when the batch is redone.
      // A report that cannot be written rolls the batch back.
      for (const entry of reports) options.onReport?.(entry);
      await options.beforeCommit?.();
      return { count: rows.length, last: rows.at(-1)?.enrollment_id ?? after };
    });
    // A failed batch is redone by the next run.
    Object.assign(summary, draft);
    return outcome;
  }

  /** Inserts the planned rows (existing ones win) and marks the enrollments not deferred. */
  private async apply(
    rows: LegacyProgressRow[],
    plans: EnrollmentPlan[],
    draft: BackfillSummary,
  ): Promise<void> {
    const all = plans.flatMap((p) => p.rows);
    const inserted = (await this.progress.insertMissing(all.map(toNewProgress))).length;
    const finished = rows.filter((_, i) => !plans[i].deferred).map((r) => r.enrollment_id);
    await this.archive.markBackfilled(finished);
    draft.progressRowsInserted += inserted;
    draft.progressRowsExisting += all.length - inserted;
    draft.backfilled += finished.length;
  }
}

function emptySummary(dryRun: boolean, pendingAtStart: number): BackfillSummary {
  return {
    dryRun,
    pendingAtStart,
    scanned: 0,
    backfilled: 0,
    deferred: 0,
    progressRowsInserted: 0,
    progressRowsExisting: 0,
    completionsMapped: 0,
    completionsUnmapped: 0,
    mappedToAllCandidates: 0,
    mappedToQuizLessons: 0,
    unmappedByReason: {},
    modulesIgnored: 0,
    reportEntries: 0,
    stoppedEarly: false,
    elapsedMs: 0,
  };
}

/** The plan of every enrollment of a batch, counted into `summary`, its entries reported. */
async function planBatch(
  rows: LegacyProgressRow[],
  cache: ContentIndexCache,
  summary: BackfillSummary,
  onReport: ((entry: BackfillReportEntry) => void) | undefined,
): Promise<EnrollmentPlan[]> {
  const indexes = await cache.get([...new Set(rows.map((r) => r.course_id))]);
  return rows.map((row) => {
    const plan = planEnrollment(row, indexes.get(row.course_id));
    summary.scanned++;
    if (plan.deferred) summary.deferred++;
    summary.completionsMapped += plan.mapped;
    summary.completionsUnmapped += plan.unmapped;
    summary.mappedToAllCandidates += plan.mappedToAllCandidates;
    summary.mappedToQuizLessons += plan.mappedToQuizLessons;
    summary.modulesIgnored += plan.modulesIgnored;
    for (const entry of plan.report) {
      summary.reportEntries++;
      summary.unmappedByReason[entry.reason] = (summary.unmappedByReason[entry.reason] ?? 0) + 1;
      onReport?.(entry);
    }
    return plan;
  });
}
