import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadOpsConfig } from '../src/config/ops-config';
import { BackfillReportEntry } from '../src/legacy-migration/domain/legacy-completions';
import { parseResolutions, Resolution } from '../src/legacy-migration/domain/legacy-resolutions';
import { withLegacyMigration } from '../src/legacy-migration/legacy-migration.context';
import { LegacyResolutionsService } from '../src/legacy-migration/legacy-resolutions.service';
import {
  backfillDeferredMessage,
  backfillRejectedMessage,
  backfillSummaryLines,
} from '../src/legacy-migration/migration-report';
import { ProgressBackfillService } from '../src/legacy-migration/progress-backfill.service';
import {
  createProgressReporter,
  intOption,
  openReport,
  ReportWriter,
  runCli,
  stopSignal,
  timestamped,
} from './lib/ops-cli';

function readResolutions(path: string): Resolution[] {
  let content: string;
  try {
    content = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(
      `cannot read the resolutions file: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return parseResolutions(content);
}

const USAGE = `usage: migrate:backfill-progress [--dry-run] [--batch-size N] [--limit N] [--report FILE]
                                  [--resolutions FILE] [--quiet]
  Turns archived legacy completions (enrollment_progress_legacy) into progress rows through the
  legacy_id kept by migrate:objectid. Run after migrate:objectid and migration:up.
  Idempotent and resumable: each batch commits its rows together with backfilled_at.
  An id that matches several items maps to all of them when the legacy enrollment was finished,
  else it is reported as ambiguous with its candidates: choose in a resolutions file and rerun.
  --dry-run           map and report, write nothing to PostgreSQL
  --batch-size N      enrollments per transaction (default 500)
  --limit N           stop after N enrollments (a canary run)
  --report FILE       JSON lines of completions not mapped, with the reason and candidates, and
                      of every resolution applied or rejected (default
                      reports/backfill-<time>.jsonl, kept when there is anything). Opened before
                      anything is written: an unwritable path fails the run up front (exit 1,
                      nothing changed); a batch's lines are written before the batch commits
  --resolutions FILE  the operator's choices for reported ids, CSV with the header
                      enrollment_id,item_type,legacy_id,item_id (or JSON lines with those keys);
                      applied after the backfill, idempotently, also to enrollments backfilled
                      by earlier runs. A malformed file fails the run before anything is written
  exit: 0 every enrollment scanned is backfilled and every resolution applied; 1 error (rerun);
        2 usage; 3 some enrollments were deferred (content_not_migrated: their course's content
          still has non-ObjectId ids): run migrate:objectid, then rerun this;
        4 some resolutions were rejected (see resolution_rejected lines in the report)
  env: DATABASE_URL and MONGODB_URI (required), DB_TIMEOUT_MS`;

const EXIT_DEFERRED = 3;
const EXIT_REJECTED = 4;

interface RunOptions {
  dryRun: boolean;
  batchSize: number;
  limit: number | undefined;
  quiet?: boolean;
  resolutions?: Resolution[];
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      help: { type: 'boolean' },
      'dry-run': { type: 'boolean' },
      quiet: { type: 'boolean' },
      'batch-size': { type: 'string' },
      limit: { type: 'string' },
      report: { type: 'string' },
      resolutions: { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const options: RunOptions = {
    batchSize: intOption('batch-size', values['batch-size'], 500),
    limit: intOption('limit', values.limit, undefined),
    dryRun: values['dry-run'] ?? false,
    quiet: values.quiet,
  };
  const config = loadOpsConfig(process.env, ['DATABASE_URL', 'MONGODB_URI']);
  if (values.resolutions !== undefined) options.resolutions = readResolutions(values.resolutions);
  // Before any database is touched: an unwritable report path fails here, with nothing changed.
  const report = openReport(values.report ?? timestamped('backfill'));
  try {
    return await withLegacyMigration(config, { parts: ['postgres', 'mongo'] }, (app) =>
      run(app.get(ProgressBackfillService), app.get(LegacyResolutionsService), report, options),
    );
  } finally {
    report.close();
  }
}

async function run(
  backfill: ProgressBackfillService,
  resolutions: LegacyResolutionsService,
  report: ReportWriter,
  options: RunOptions,
): Promise<number> {
  const { dryRun, limit } = options;
  const pending = await backfill.pendingCount();
  const progress = createProgressReporter(
    'migrate:backfill-progress',
    limit === undefined ? pending : Math.min(pending, limit),
    { quiet: options.quiet, unit: 'enrollments' },
  );
  // Counted here, so the summary covers the backfill's lines and the resolutions' alike.
  const byReason: Record<string, number> = {};
  const write = (entry: BackfillReportEntry) => {
    report.write(dryRun ? { ...entry, dry_run: true } : entry);
    byReason[entry.reason] = (byReason[entry.reason] ?? 0) + 1;
  };
  const summary = await backfill
    .run({
      dryRun,
      batchSize: options.batchSize,
      limit,
      signal: stopSignal('stopping after this batch'),
      onProgress: (p) => progress.update(p.scanned, { deferred: p.deferred }),
      // Synchronous writes, synced before each batch commits (see ProgressBackfillService).
      onReport: write,
      beforeCommit: () => report.sync(),
    })
    .finally(() => progress.stop());
  const resolved =
    options.resolutions && !summary.stoppedEarly
      ? await resolutions.apply({
          resolutions: options.resolutions,
          dryRun,
          onReport: write,
          beforeCommit: () => report.sync(),
        })
      : undefined;
  console.log(
    backfillSummaryLines(
      summary,
      { requested: !!options.resolutions, summary: resolved },
      { path: report.path, lines: report.lines, byReason },
    ).join('\n'),
  );
  if (summary.deferred > 0) {
    console.error(backfillDeferredMessage(summary));
    return EXIT_DEFERRED;
  }
  if (resolved && resolved.rejected > 0) {
    console.error(backfillRejectedMessage(resolved.rejected, report));
    return EXIT_REJECTED;
  }
  return 0;
}

runCli('migrate:backfill-progress', USAGE, main);
