import { Offender } from './domain/objectid-transform';
import { ResolutionSummary } from './legacy-resolutions.service';
import { ObjectIdMigrationSummary } from './objectid-migration';
import { BackfillSummary } from './progress-backfill.service';

/*
 * The report step: what the ops scripts print after a run, built from the run's summary. Kept
 * apart from the scripts so the wording operators grep for is tested.
 */

/** The report file as far as the summary mentions it. */
export interface ReportFile {
  path: string;
  lines: number;
}

const perSecond = (count: number, elapsedMs: number) =>
  (count / Math.max(elapsedMs / 1000, 0.001)).toFixed(0);

export function objectIdSummaryLines(summary: ObjectIdMigrationSummary, report: ReportFile) {
  const { dryRun } = summary;
  return [
    `migrate:objectid${dryRun ? ' (dry run: nothing written)' : ''}${summary.stoppedEarly ? ' (stopped early: rerun to finish)' : ''}`,
    `  documents scanned ${summary.scanned}, ${dryRun ? 'would change' : 'changed'} ${summary.changed}, ` +
      `skipped (already migrated) ${summary.skipped}, failed ${summary.failed}`,
    `  items converted ${summary.itemsConverted}, defaults added ${summary.defaultsAdded}, ` +
      `compare-and-set retries ${summary.retries}`,
    `  issues reported ${summary.issues} (left as found: ${summary.leftAsFound})` +
      (report.lines ? ` -> ${report.path}` : ''),
    `  elapsed ${(summary.elapsedMs / 1000).toFixed(1)} s, ${perSecond(summary.scanned, summary.elapsedMs)} docs/s`,
  ];
}

export function objectIdLeftAsFoundMessage(
  summary: ObjectIdMigrationSummary,
  reportPath: string,
): string {
  return (
    `${summary.leftAsFound} value(s) left as found (list entries that are not objects, ` +
    `created_at that is not a date), listed in ${reportPath}: repair them and rerun, or ` +
    'pass --allow-invalid to accept them'
  );
}

/** `--verify`: the first 100 offenders, then the counts. */
export function verifyLines(
  result: {
    documents: number;
    badDocuments: number;
    leftAsFoundOnly: number;
    offenders: Offender[];
  },
  allowInvalid: boolean,
): string[] {
  const lines = result.offenders
    .slice(0, 100)
    .map(
      (o) =>
        `offender course_id=${String(o.course_id)} ${o.path} ${o.reason}` +
        (o.value !== undefined ? ` value=${JSON.stringify(o.value)}` : ''),
    );
  if (result.offenders.length > 100) lines.push(`... and ${result.offenders.length - 100} more`);
  lines.push(
    `verify: ${result.documents} documents, ${result.badDocuments} with offenders ` +
      `(${result.offenders.length} offenders listed)` +
      (allowInvalid ? `, ${result.leftAsFoundOnly} with only values left as found (allowed)` : ''),
  );
  return lines;
}

export function backfillSummaryLines(
  summary: BackfillSummary,
  resolutions: { requested: boolean; summary?: ResolutionSummary },
  report: ReportFile & { byReason: Record<string, number> },
): string[] {
  const { dryRun } = summary;
  const reasons = Object.entries(report.byReason)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  const resolved = resolutions.summary;
  return [
    `migrate:backfill-progress${dryRun ? ' (dry run: nothing written)' : ''}${summary.stoppedEarly ? ' (stopped early: rerun to finish)' : ''}`,
    `  enrollments pending ${summary.pendingAtStart}, scanned ${summary.scanned}, ` +
      `${dryRun ? 'would backfill' : 'backfilled'} ${summary.backfilled}, ` +
      `deferred (content not migrated yet) ${summary.deferred}`,
    `  completions mapped ${summary.completionsMapped}, unmapped ${summary.completionsUnmapped}; ` +
      `progress rows ${dryRun ? 'already present' : 'inserted'} ` +
      `${dryRun ? summary.progressRowsExisting : summary.progressRowsInserted}` +
      (dryRun ? '' : `, already present ${summary.progressRowsExisting}`),
    `  ambiguous ids mapped to every candidate (course finished) ${summary.mappedToAllCandidates}, ` +
      `quiz ids mapped to quiz-type lessons ${summary.mappedToQuizLessons}`,
    `  completed_modules ignored (modules are not items) ${summary.modulesIgnored}`,
    ...(resolved
      ? [
          `  resolutions applied ${resolved.applied} (${dryRun ? 'would insert' : 'rows inserted'} ` +
            `${dryRun ? resolved.applied : resolved.inserted}), rejected ${resolved.rejected}`,
        ]
      : resolutions.requested
        ? ['  resolutions not applied: the run stopped early, rerun to finish first']
        : []),
    `  report entries ${report.lines}${reasons ? ` (${reasons})` : ''}` +
      `${report.lines ? ` -> ${report.path}` : ''}`,
    `  elapsed ${(summary.elapsedMs / 1000).toFixed(1)} s, ${perSecond(summary.scanned, summary.elapsedMs)} enrollments/s`,
  ];
}

export function backfillDeferredMessage(summary: BackfillSummary): string {
  const { dryRun } = summary;
  return (
    `migrate:backfill-progress: ${summary.deferred} enrollment(s) ${dryRun ? 'would be' : 'were'} ` +
    'deferred (content_not_migrated): their course content still has ids that are not ' +
    `ObjectIds, so their completions cannot be mapped yet${dryRun ? '' : ' (backfilled_at stays null)'}. ` +
    'Run "npm run migrate:objectid", then rerun this backfill.'
  );
}

export function backfillRejectedMessage(rejected: number, report: ReportFile): string {
  return (
    `migrate:backfill-progress: ${rejected} resolution(s) rejected; ` +
    `the report's resolution_rejected lines say why${report.lines ? ` (${report.path})` : ''}.`
  );
}
