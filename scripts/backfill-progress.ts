import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Pool } from 'pg';
import {
  CONTENT_COLLECTION,
  connectMongo,
  createProgressReporter,
  intOption,
  loadScriptConfig,
  openReport,
  redactUrl,
  ReportWriter,
  runCli,
  ScriptConfig,
  stopSignal,
} from './lib/ops-cli';
import { applyResolutions, parseResolutions, Resolution } from './lib/legacy-resolutions';
import {
  BackfillReportEntry,
  backfillProgress,
  pendingBackfillCount,
} from './lib/progress-backfill';

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
  const batchSize = intOption('batch-size', values['batch-size'], 500);
  const limit = intOption('limit', values.limit, undefined);
  const dryRun = values['dry-run'] ?? false;
  const config = loadScriptConfig(process.env, ['DATABASE_URL', 'MONGODB_URI']);
  const resolutions =
    values.resolutions === undefined ? undefined : readResolutions(values.resolutions);
  // Before any database is touched: an unwritable report path fails here, with nothing changed.
  const report = openReport(
    values.report ?? `reports/backfill-${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`,
  );
  try {
    return await run(report, config, {
      dryRun,
      batchSize,
      limit,
      quiet: values.quiet,
      resolutions,
    });
  } finally {
    report.close();
  }
}

async function run(
  report: ReportWriter,
  config: ScriptConfig,
  options: {
    dryRun: boolean;
    batchSize: number;
    limit: number | undefined;
    quiet?: boolean;
    resolutions?: Resolution[];
  },
): Promise<number> {
  const { dryRun, batchSize, limit } = options;
  const pool = new Pool({
    connectionString: config.databaseUrl,
    max: 2,
    connectionTimeoutMillis: config.timeoutMs,
    // A batch inserts thousands of rows: longer than an API statement, still bounded.
    statement_timeout: Math.max(60_000, config.timeoutMs * 20),
    application_name: 'course-service-backfill',
  });
  try {
    let pending: number;
    try {
      pending = await pendingBackfillCount(pool);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(
        /enrollment_progress_legacy/.test(message)
          ? `${message}: run "npm run migration:up" first`
          : `PostgreSQL unreachable at ${redactUrl(config.databaseUrl)}: ${message}`,
      );
    }
    const client = await connectMongo(config.mongodbUri, config.timeoutMs);
    try {
      const reportPath = report.path;
      const progress = createProgressReporter(
        'migrate:backfill-progress',
        limit === undefined ? pending : Math.min(pending, limit),
        { quiet: options.quiet, unit: 'enrollments' },
      );
      const signal = stopSignal('stopping after this batch');
      const contents = client.db().collection(CONTENT_COLLECTION);
      // Counted here, so the summary covers the backfill's lines and the resolutions' alike.
      const byReason: Record<string, number> = {};
      const write = (entry: BackfillReportEntry) => {
        report.write(dryRun ? { ...entry, dry_run: true } : entry);
        byReason[entry.reason] = (byReason[entry.reason] ?? 0) + 1;
      };
      const summary = await backfillProgress({
        pool,
        contents,
        dryRun,
        batchSize,
        limit,
        signal,
        onProgress: (p) => progress.update(p.scanned, { deferred: p.deferred }),
        // Synchronous writes, synced before each batch commits (see backfillProgress).
        onReport: write,
        beforeCommit: () => report.sync(),
      }).finally(() => progress.stop());
      const resolved =
        options.resolutions && !summary.stoppedEarly
          ? await applyResolutions({
              pool,
              contents,
              resolutions: options.resolutions,
              dryRun,
              onReport: write,
              beforeCommit: () => report.sync(),
            })
          : undefined;
      const seconds = summary.elapsedMs / 1000;
      const reasons = Object.entries(byReason)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ');
      console.log(
        [
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
            : options.resolutions
              ? ['  resolutions not applied: the run stopped early, rerun to finish first']
              : []),
          `  report entries ${report.lines}${reasons ? ` (${reasons})` : ''}` +
            `${report.lines ? ` -> ${reportPath}` : ''}`,
          `  elapsed ${seconds.toFixed(1)} s, ${(summary.scanned / Math.max(seconds, 0.001)).toFixed(0)} enrollments/s`,
        ].join('\n'),
      );
      if (summary.deferred > 0) {
        console.error(
          `migrate:backfill-progress: ${summary.deferred} enrollment(s) ${dryRun ? 'would be' : 'were'} ` +
            'deferred (content_not_migrated): their course content still has ids that are not ' +
            `ObjectIds, so their completions cannot be mapped yet${dryRun ? '' : ' (backfilled_at stays null)'}. ` +
            'Run "npm run migrate:objectid", then rerun this backfill.',
        );
        return EXIT_DEFERRED;
      }
      if (resolved && resolved.rejected > 0) {
        console.error(
          `migrate:backfill-progress: ${resolved.rejected} resolution(s) rejected; ` +
            `the report's resolution_rejected lines say why${report.lines ? ` (${report.path})` : ''}.`,
        );
        return EXIT_REJECTED;
      }
      return 0;
    } finally {
      await client.close();
    }
  } finally {
    await pool.end();
  }
}

runCli('migrate:backfill-progress', USAGE, main);
