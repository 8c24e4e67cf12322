import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { loadOpsConfig } from '../src/config/ops-config';
import { withLegacyMigration } from '../src/legacy-migration/legacy-migration.context';
import { LegacyMigrationPart } from '../src/legacy-migration/legacy-migration.module';
import { ObjectIdMigrationService } from '../src/legacy-migration/objectid-migration.service';
import {
  objectIdLeftAsFoundMessage,
  objectIdSummaryLines,
  verifyLines,
} from '../src/legacy-migration/migration-report';
import {
  createProgressReporter,
  intOption,
  openReport,
  ReportWriter,
  runCli,
  stopSignal,
  timestamped,
  UsageError,
} from './lib/ops-cli';

const USAGE = `usage: migrate:objectid [--dry-run] [--batch-size N] [--concurrency N] [--limit N]
                        [--cas strict|updated-at] [--report FILE] [--no-cache-invalidation]
                        [--allow-invalid] [--quiet] | --verify [--allow-invalid]
  Converts every integer or missing content id in MongoDB's course_content to an ObjectId string
  (old integer kept as legacy_id), adds is_active and defaults, recomputes metadata, bumps version.
  A created_at stored as text in ISO 8601 ("2024-01-05", "2024-01-05T10:00:00Z",
  "2024-01-05 10:00:00"; no offset means UTC) becomes that date; a missing one the time in _id.
  Idempotent and resumable: run it again at any time.
  --dry-run         count what would change, write nothing (MongoDB and Redis untouched)
  --batch-size N    documents per ordered bulk write (default 200)
  --concurrency N   bulk writes in flight (default 2)
  --limit N         stop after N documents that needed a change (a canary run)
  --cas MODE        guard for documents without version: strict (default) pins updated_at and
                    the whole modules array; updated-at pins updated_at only (enough when the
                    legacy service is stopped, i.e. in a maintenance window; sends half the bytes)
  --report FILE     JSON lines of garbage ids, created_at read from text and values left as
                    found (default reports/objectid-<time>.jsonl; kept only when there is
                    something to report). Opened before anything is written: an unwritable path
                    fails the run up front (exit 1, nothing changed)
  --no-cache-invalidation
                    do not connect to Redis nor invalidate (e.g. Redis is down and will be
                    flushed); cached content trees of migrated courses then stay stale until
                    they expire (CONTENT_CACHE_TTL_SECONDS)
  --allow-invalid   exit 0 although values are left as found: list entries that are not objects
                    (invalid_item) and a created_at that is not a date nor ISO 8601 text
                    (invalid_created_at). They stay as they are and are reported either way;
                    without this flag the run (also a dry run) exits 3 while any is left
  --verify          change nothing; exit 3 if any id is not an ObjectId, an is_active or version
                    is missing, an id repeats, a list entry is not an object or created_at is not
                    a date (first 100 shown); with --allow-invalid a document whose only
                    offenders are values left as found passes
  After each written batch the app's content cache entries of the changed courses are
  invalidated (generation bumped, entry deleted) when REDIS_URL is set; if Redis is set but
  unreachable the run fails before writing anything.
  exit: 0 done, 1 error or some document failed (rerun), 2 usage, 3 work remains: values left
        as found (without --allow-invalid), or --verify found offenders
  env: MONGODB_URI (required), DB_TIMEOUT_MS, REDIS_URL, CACHE_KEY_PREFIX, REDIS_TIMEOUT_MS`;

const EXIT_WORK_REMAINS = 3;

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      help: { type: 'boolean' },
      'dry-run': { type: 'boolean' },
      verify: { type: 'boolean' },
      quiet: { type: 'boolean' },
      'batch-size': { type: 'string' },
      concurrency: { type: 'string' },
      limit: { type: 'string' },
      report: { type: 'string' },
      cas: { type: 'string' },
      'no-cache-invalidation': { type: 'boolean' },
      'allow-invalid': { type: 'boolean' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const cas = values.cas ?? 'strict';
  if (cas !== 'strict' && cas !== 'updated-at')
    throw new UsageError(`--cas must be strict or updated-at (got "${cas}")`);
  const options = {
    batchSize: intOption('batch-size', values['batch-size'], 200),
    concurrency: intOption('concurrency', values.concurrency, 2),
    limit: intOption('limit', values.limit, undefined),
    cas,
    dryRun: values['dry-run'] ?? false,
    allowInvalid: values['allow-invalid'] ?? false,
    quiet: values.quiet,
  } as const;
  const config = loadOpsConfig(process.env, ['MONGODB_URI']);
  const verify = values.verify ?? false;
  // Everything that can fail before the first write is checked before the first write: the
  // report file, Redis, MongoDB.
  const report = verify ? undefined : openReport(values.report ?? timestamped('objectid'));
  try {
    const parts: LegacyMigrationPart[] = ['mongo'];
    if (!verify && !options.dryRun && invalidatesCache(config, values['no-cache-invalidation']))
      parts.push('cache');
    return await withLegacyMigration(config, { parts }, async (app) => {
      const migration = app.get(ObjectIdMigrationService);
      if (verify) return runVerify(migration, options.allowInvalid);
      await migration.connectCache();
      return runMigration(migration, report!, options);
    });
  } finally {
    report?.close();
  }
}

/** Whether the app's content cache is to be kept in step; says why not when it is not. */
function invalidatesCache(
  config: ReturnType<typeof loadOpsConfig>,
  off: boolean | undefined,
): boolean {
  if (off) {
    console.error(
      'content cache invalidation off (--no-cache-invalidation): cached content trees of ' +
        `migrated courses stay stale for up to ${config.CONTENT_CACHE_TTL_SECONDS} s`,
    );
    return false;
  }
  if (!config.REDIS_URL) {
    console.log('REDIS_URL is not set: no content cache to invalidate');
    return false;
  }
  return true;
}

async function runVerify(migration: ObjectIdMigrationService, allowInvalid: boolean) {
  const result = await migration.verify();
  console.log(verifyLines(result, allowInvalid).join('\n'));
  const failing = result.badDocuments - (allowInvalid ? result.leftAsFoundOnly : 0);
  return failing > 0 ? EXIT_WORK_REMAINS : 0;
}

async function runMigration(
  migration: ObjectIdMigrationService,
  report: ReportWriter,
  options: {
    dryRun: boolean;
    allowInvalid: boolean;
    batchSize: number;
    concurrency: number;
    limit: number | undefined;
    cas: 'strict' | 'updated-at';
    quiet: boolean | undefined;
  },
): Promise<number> {
  const { dryRun, allowInvalid, quiet, ...run } = options;
  const progress = createProgressReporter('migrate:objectid', await migration.estimatedCount(), {
    quiet,
  });
  const summary = await migration
    .migrate({
      ...run,
      dryRun,
      signal: stopSignal('stopping after the batches in flight'),
      onProgress: (p) => progress.update(p.scanned, { changed: p.changed, failed: p.failed }),
      // Written (synchronously) before the batch's bulk write, and synced in beforeWrite: a crash
      // after the write cannot lose them, as the rerun would skip those documents.
      onIssue: (issue) => report.write({ ...issue, dry_run: dryRun || undefined }),
      beforeWrite: () => Promise.resolve(report.sync()),
    })
    .finally(() => progress.stop());
  console.log(objectIdSummaryLines(summary, report).join('\n'));
  for (const f of summary.failures.slice(0, 20))
    console.error(`failed course_id=${String(f.course_id)} _id=${String(f._id)}: ${f.error}`);
  if (summary.failed > 0) return 1;
  if (summary.leftAsFound > 0 && !allowInvalid) {
    console.error(objectIdLeftAsFoundMessage(summary, report.path));
    return EXIT_WORK_REMAINS;
  }
  return 0;
}

runCli('migrate:objectid', USAGE, main);
