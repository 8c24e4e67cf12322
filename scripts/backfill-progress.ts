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
import { backfillProgress, pendingBackfillCount } from './lib/progress-backfill';

const USAGE = `usage: migrate:backfill-progress [--dry-run] [--batch-size N] [--limit N] [--report FILE] [--quiet]
  Turns archived legacy completions (enrollment_progress_legacy) into progress rows through the
  legacy_id kept by migrate:objectid. Run after migrate:objectid and migration:up.
  Idempotent and resumable: each batch commits its rows together with backfilled_at.
  --dry-run         map and report, write nothing to PostgreSQL
  --batch-size N    enrollments per transaction (default 500)
  --limit N         stop after N enrollments (a canary run)
  --report FILE     JSON lines of completions not mapped, with the reason (default
                    reports/backfill-<time>.jsonl, kept when there is anything). Opened before
                    anything is written: an unwritable path fails the run up front (exit 1,
                    nothing changed); a batch's lines are written before the batch commits
  exit: 0 every enrollment scanned is backfilled; 1 error (rerun); 2 usage;
        3 some enrollments were deferred (content_not_migrated: their course's content still
          has non-ObjectId ids): run migrate:objectid, then rerun this
  env: DATABASE_URL and MONGODB_URI (required), DB_TIMEOUT_MS`;

const EXIT_DEFERRED = 3;

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
  // Before any database is touched: an unwritable report path fails here, with nothing changed.
  const report = openReport(
    values.report ?? `reports/backfill-${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`,
  );
  try {
    return await run(report, config, { dryRun, batchSize, limit, quiet: values.quiet });
  } finally {
    report.close();
  }
}

async function run(
  report: ReportWriter,
  config: ScriptConfig,
  options: { dryRun: boolean; batchSize: number; limit: number | undefined; quiet?: boolean },
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
      const progress = createProgressReporter('migrate:backfill-progress', pending, {
        quiet: options.quiet,
      });
      const signal = stopSignal('stopping after this batch');
      const summary = await backfillProgress({
        pool,
        contents: client.db().collection(CONTENT_COLLECTION),
        dryRun,
        batchSize,
        limit,
        signal,
        onProgress: (p) => progress.update(p.scanned, { deferred: p.deferred }),
        // Synchronous writes, synced before each batch commits (see backfillProgress).
        onReport: (entry) => report.write(dryRun ? { ...entry, dry_run: true } : entry),
        beforeCommit: () => report.sync(),
      }).finally(() => progress.stop());
      const seconds = summary.elapsedMs / 1000;
      const reasons = Object.entries(summary.unmappedByReason)
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
          `  completed_modules ignored (modules are not items) ${summary.modulesIgnored}`,
          `  report entries ${summary.reportEntries}${reasons ? ` (${reasons})` : ''}` +
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
      return 0;
    } finally {
      await client.close();
    }
  } finally {
    await pool.end();
  }
}

runCli('migrate:backfill-progress', USAGE, main);
