import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { ProgressKey, ProgressRepository } from '../progress/progress.repository';
import { ContentIndexCache } from './content-index.cache';
import { BackfillReportEntry, ProgressRowInput } from './domain/legacy-completions';
import { planResolution, Resolution } from './domain/legacy-resolutions';
import { LegacyArchiveRepository } from './legacy-archive.repository';
import { LegacyContentRepository } from './legacy-content.repository';
import { toNewProgress } from './progress-backfill.service';

export interface ResolutionSummary {
  applied: number;
  inserted: number;
  rejected: number;
}

export interface ApplyResolutionsOptions {
  resolutions: Resolution[];
  dryRun?: boolean;
  onReport?: (entry: BackfillReportEntry) => void;
  beforeCommit?: () => void | Promise<void>;
}

interface Planned {
  resolution: Resolution;
  row: ProgressRowInput;
}

const rowKey = (r: ProgressKey) => `${r.userId}:${r.courseId}:${r.itemType}:${r.itemId}`;

/** The operator's answers to reported ids (rules in domain/legacy-resolutions.ts). */
@Injectable()
export class LegacyResolutionsService {
  constructor(
    private readonly em: EntityManager,
    private readonly archive: LegacyArchiveRepository,
    private readonly progress: ProgressRepository,
    private readonly contents: LegacyContentRepository,
  ) {}

  /**
   * Applies resolutions in one transaction; the report lines are written before it commits (then
   * `beforeCommit` runs), as the backfill's are.
   */
  async apply(options: ApplyResolutionsOptions): Promise<ResolutionSummary> {
    const entries: BackfillReportEntry[] = [];
    const planned = await this.plan(options.resolutions, entries);
    const summary: ResolutionSummary = {
      applied: planned.length,
      inserted: 0,
      rejected: options.resolutions.length - planned.length,
    };
    const report = async (inserted: Set<string>) => {
      entries.push(...resolvedEntries(planned, inserted));
      for (const entry of entries) options.onReport?.(entry);
      await options.beforeCommit?.();
    };
    if (options.dryRun) {
      await report(new Set());
      return summary;
    }
    await this.em.transactional(async () => {
      const inserted = await this.progress.insertMissing(planned.map((p) => toNewProgress(p.row)));
      summary.inserted = inserted.length;
      await report(new Set(inserted.map(rowKey)));
    });
    return summary;
  }

  /** The row of every valid resolution; a rejected one leaves its line in `entries`. */
  private async plan(
    resolutions: Resolution[],
    entries: BackfillReportEntry[],
  ): Promise<Planned[]> {
    const archived = await this.archive.findByEnrollmentIds([
      ...new Set(resolutions.map((r) => r.enrollment_id)),
    ]);
    const rows = new Map(archived.map((r) => [r.enrollment_id, r]));
    const indexes = await new ContentIndexCache(this.contents.collection()).get([
      ...new Set(archived.map((r) => r.course_id)),
    ]);
    const planned: Planned[] = [];
    for (const resolution of resolutions) {
      const legacy = rows.get(resolution.enrollment_id);
      const row = planResolution(resolution, legacy, legacy && indexes.get(legacy.course_id), (e) =>
        entries.push({ ...e, line: resolution.line }),
      );
      if (typeof row !== 'string') {
        planned.push({ resolution, row });
        continue;
      }
      entries.push({
        enrollment_id: resolution.enrollment_id,
        ...(legacy ? { student_id: legacy.student_id, course_id: legacy.course_id } : {}),
        item_type: resolution.item_type,
        legacy_id: resolution.legacy_id,
        item_id: resolution.item_id,
        line: resolution.line,
        reason: 'resolution_rejected',
        why: row,
      });
    }
    return planned;
  }
}

/** A `resolved` line per applied resolution; two lines may name one item: only the first inserted it. */
function resolvedEntries(planned: Planned[], inserted: Set<string>): BackfillReportEntry[] {
  return planned.map(({ resolution, row }) => {
    const key = rowKey(toNewProgress(row));
    const entry: BackfillReportEntry = {
      enrollment_id: resolution.enrollment_id,
      student_id: row.user_id,
      course_id: row.course_id,
      item_type: resolution.item_type,
      legacy_id: resolution.legacy_id,
      item_id: resolution.item_id,
      line: resolution.line,
      reason: 'resolved',
      inserted: inserted.has(key),
    };
    inserted.delete(key);
    return entry;
  });
}
