import { Collection } from 'mongodb';
import { parseArgs } from 'node:util';
import {
  cacheCourseIds,
  ContentCacheInvalidator,
  connectContentCacheInvalidator,
} from './lib/content-cache-invalidation';
import { migrateToObjectId, verifyContent } from './lib/objectid-migration';
import {
  CONTENT_COLLECTION,
  connectMongo,
  createProgressReporter,
  intOption,
  loadScriptConfig,
  openReport,
  ReportWriter,
  runCli,
  UsageError,
  stopSignal,
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
  const batchSize = intOption('batch-size', values['batch-size'], 200);
  const concurrency = intOption('concurrency', values.concurrency, 2);
  const limit = intOption('limit', values.limit, undefined);
  const config = loadScriptConfig(process.env, ['MONGODB_URI']);
  const dryRun = values['dry-run'] ?? false;
  const verify = values.verify ?? false;
  const allowInvalid = values['allow-invalid'] ?? false;
  // Everything that can fail before the first write is checked before the first write: the
  // report file, Redis, MongoDB.
  const report: ReportWriter | undefined = verify
    ? undefined
    : openReport(
        values.report ?? `reports/objectid-${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`,
      );
  let cache: ContentCacheInvalidator | undefined;
  try {
    if (!verify && !dryRun) cache = await cacheInvalidator(config, values);
    const client = await connectMongo(config.mongodbUri, config.timeoutMs);
    try {
      const collection = client.db().collection(CONTENT_COLLECTION);
      if (verify) return await runVerify(collection, allowInvalid);
      return await runMigration(collection, report!, cache, {
        dryRun,
        allowInvalid,
        batchSize,
        concurrency,
        limit,
        cas,
        quiet: values.quiet,
      });
    } finally {
      await client.close();
    }
  } finally {
    report?.close();
    await cache?.close();
  }
}

/** The content cache to keep in step, or undefined when there is none (or the operator said so). */
async function cacheInvalidator(
  config: ReturnType<typeof loadScriptConfig>,
  values: { 'no-cache-invalidation'?: boolean },
): Promise<ContentCacheInvalidator | undefined> {
  if (values['no-cache-invalidation']) {
    console.error(
      'content cache invalidation off (--no-cache-invalidation): cached content trees of ' +
        `migrated courses stay stale for up to ${config.contentCacheTtlSeconds} s`,
    );
    return undefined;
  }
  if (!config.redisUrl) {
    console.log('REDIS_URL is not set: no content cache to invalidate');
    return undefined;
  }
  try {
    return await connectContentCacheInvalidator({
      url: config.redisUrl,
      keyPrefix: config.cacheKeyPrefix,
      timeoutMs: config.redisTimeoutMs,
    });
  } catch (error) {
    // Without invalidation the app would keep serving pre-migration trees from its cache.
    throw new Error(
      `${error instanceof Error ? error.message : String(error)}. Nothing was written: the ` +
        `app's cached content trees would stay stale for up to ${config.contentCacheTtlSeconds} s ` +
        '(CONTENT_CACHE_TTL_SECONDS). Fix REDIS_URL, or pass --no-cache-invalidation to migrate ' +
        'anyway',
    );
  }
}

async function runVerify(collection: Collection, allowInvalid: boolean): Promise<number> {
  const result = await verifyContent(collection);
  for (const o of result.offenders.slice(0, 100))
    console.log(
      `offender course_id=${String(o.course_id)} ${o.path} ${o.reason}` +
        (o.value !== undefined ? ` value=${JSON.stringify(o.value)}` : ''),
    );
  if (result.offenders.length > 100) console.log(`... and ${result.offenders.length - 100} more`);
  console.log(
    `verify: ${result.documents} documents, ${result.badDocuments} with offenders ` +
      `(${result.offenders.length} offenders listed)` +
      (allowInvalid ? `, ${result.leftAsFoundOnly} with only values left as found (allowed)` : ''),
  );
  const failing = result.badDocuments - (allowInvalid ? result.leftAsFoundOnly : 0);
  return failing > 0 ? EXIT_WORK_REMAINS : 0;
}

async function runMigration(
  collection: Collection,
  report: ReportWriter,
  cache: ContentCacheInvalidator | undefined,
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
  const { dryRun } = options;
  const total = await collection.estimatedDocumentCount().catch(() => undefined);
  const progress = createProgressReporter('migrate:objectid', total, { quiet: options.quiet });
  const signal = stopSignal('stopping after the batches in flight');
  const summary = await migrateToObjectId({
    collection,
    dryRun,
    batchSize: options.batchSize,
    concurrency: options.concurrency,
    limit: options.limit,
    cas: options.cas,
    signal,
    onProgress: (p) => progress.update(p.scanned, { changed: p.changed, failed: p.failed }),
    // Written (synchronously) before the batch's bulk write, and synced in beforeWrite: a crash
    // after the write cannot lose them, as the rerun would skip those documents.
    onIssue: (issue) => report.write({ ...issue, dry_run: dryRun || undefined }),
    beforeWrite: () => Promise.resolve(report.sync()),
    afterWrite: async (docs) => {
      if (!cache) return;
      try {
        await cache.invalidate(cacheCourseIds(docs));
      } catch (error) {
        throw new Error(
          `${error instanceof Error ? error.message : String(error)}. Those documents are ` +
            'migrated but their cached trees may be stale until they expire: delete their ' +
            '"course:content:<id>" keys (with CACHE_KEY_PREFIX), then rerun for the rest',
        );
      }
    },
  }).finally(() => progress.stop());
  const reportPath = report.path;
  const seconds = summary.elapsedMs / 1000;
  console.log(
    [
      `migrate:objectid${dryRun ? ' (dry run: nothing written)' : ''}${summary.stoppedEarly ? ' (stopped early: rerun to finish)' : ''}`,
      `  documents scanned ${summary.scanned}, ${dryRun ? 'would change' : 'changed'} ${summary.changed}, ` +
        `skipped (already migrated) ${summary.skipped}, failed ${summary.failed}`,
      `  items converted ${summary.itemsConverted}, defaults added ${summary.defaultsAdded}, ` +
        `compare-and-set retries ${summary.retries}`,
      `  issues reported ${summary.issues} (left as found: ${summary.leftAsFound})` +
        (report.lines ? ` -> ${reportPath}` : ''),
      `  elapsed ${seconds.toFixed(1)} s, ${(summary.scanned / Math.max(seconds, 0.001)).toFixed(0)} docs/s`,
    ].join('\n'),
  );
  for (const f of summary.failures.slice(0, 20))
    console.error(`failed course_id=${String(f.course_id)} _id=${String(f._id)}: ${f.error}`);
  if (summary.failed > 0) return 1;
  if (summary.leftAsFound > 0 && !options.allowInvalid) {
    console.error(
      `${summary.leftAsFound} value(s) left as found (list entries that are not objects, ` +
        `created_at that is not a date), listed in ${reportPath}: repair them and rerun, or ` +
        'pass --allow-invalid to accept them',
    );
    return EXIT_WORK_REMAINS;
  }
  return 0;
}

runCli('migrate:objectid', USAGE, main);
