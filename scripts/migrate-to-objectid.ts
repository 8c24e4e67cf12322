import { createWriteStream, mkdirSync, WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { migrateToObjectId, verifyContent } from './lib/objectid-migration';
import {
  CONTENT_COLLECTION,
  connectMongo,
  createProgressReporter,
  intOption,
  loadScriptConfig,
  runCli,
  UsageError,
} from './lib/ops-cli';

const USAGE = `usage: migrate:objectid [--dry-run] [--batch-size N] [--concurrency N] [--limit N]
                        [--cas strict|updated-at] [--report FILE] [--quiet] | --verify
  Converts every integer or missing content id in MongoDB's course_content to an ObjectId string
  (old integer kept as legacy_id), adds is_active and defaults, recomputes metadata, bumps version.
  Idempotent and resumable: run it again at any time.
  --dry-run         count what would change, write nothing
  --batch-size N    documents per ordered bulk write (default 200)
  --concurrency N   bulk writes in flight (default 2)
  --limit N         stop after N documents that needed a change (a canary run)
  --cas MODE        guard for documents without version: strict (default) pins updated_at and
                    the whole modules array; updated-at pins updated_at only (enough when the
                    legacy service is stopped, i.e. in a maintenance window; sends half the bytes)
  --report FILE     JSON lines of garbage ids found (default reports/objectid-<time>.jsonl,
                    written only when there is something to report)
  --verify          change nothing; exit 3 if any id is not an ObjectId or is_active is missing
  env: MONGODB_URI (required), DB_TIMEOUT_MS`;

const EXIT_VERIFY_FAILED = 3;

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
  const client = await connectMongo(config.mongodbUri, config.timeoutMs);
  try {
    const collection = client.db().collection(CONTENT_COLLECTION);
    if (values.verify) {
      const result = await verifyContent(collection);
      for (const o of result.offenders.slice(0, 100))
        console.log(
          `offender course_id=${String(o.course_id)} ${o.path} ${o.reason}` +
            (o.value !== undefined ? ` value=${JSON.stringify(o.value)}` : ''),
        );
      if (result.offenders.length > 100)
        console.log(`... and ${result.offenders.length - 100} more`);
      console.log(
        `verify: ${result.documents} documents, ${result.badDocuments} with offenders ` +
          `(${result.offenders.length} offenders listed)`,
      );
      return result.badDocuments > 0 ? EXIT_VERIFY_FAILED : 0;
    }

    const total = await collection.estimatedDocumentCount().catch(() => undefined);
    const progress = createProgressReporter('migrate:objectid', total, {
      quiet: values.quiet,
    });
    const reportPath =
      values.report ?? `reports/objectid-${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`;
    let report: WriteStream | undefined;
    const controller = new AbortController();
    const onSignal = () => {
      if (controller.signal.aborted) process.exit(130);
      process.stderr.write('\nstopping after the batches in flight (Ctrl-C again to quit now)\n');
      controller.abort();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    const dryRun = values['dry-run'] ?? false;
    const summary = await migrateToObjectId({
      collection,
      dryRun,
      batchSize,
      concurrency,
      limit,
      cas,
      signal: controller.signal,
      onProgress: (p) => progress.update(p.scanned, { changed: p.changed, failed: p.failed }),
      onIssue: (issue) => {
        if (!report) {
          mkdirSync(dirname(reportPath), { recursive: true });
          report = createWriteStream(reportPath, { flags: 'a' });
        }
        report.write(`${JSON.stringify({ ...issue, dry_run: dryRun || undefined })}\n`);
      },
    }).finally(() => progress.stop());
    if (report) await new Promise((resolve) => report!.end(resolve));
    const seconds = summary.elapsedMs / 1000;
    console.log(
      [
        `migrate:objectid${dryRun ? ' (dry run: nothing written)' : ''}${summary.stoppedEarly ? ' (stopped early: rerun to finish)' : ''}`,
        `  documents scanned ${summary.scanned}, ${dryRun ? 'would change' : 'changed'} ${summary.changed}, ` +
          `skipped (already migrated) ${summary.skipped}, failed ${summary.failed}`,
        `  items converted ${summary.itemsConverted}, defaults added ${summary.defaultsAdded}, ` +
          `compare-and-set retries ${summary.retries}`,
        `  garbage ids reported ${summary.issues}${summary.issues ? ` -> ${reportPath}` : ''}`,
        `  elapsed ${seconds.toFixed(1)} s, ${(summary.scanned / Math.max(seconds, 0.001)).toFixed(0)} docs/s`,
      ].join('\n'),
    );
    for (const f of summary.failures.slice(0, 20))
      console.error(`failed course_id=${String(f.course_id)} _id=${String(f._id)}: ${f.error}`);
    return summary.failed > 0 ? 1 : 0;
  } finally {
    await client.close();
  }
}

runCli('migrate:objectid', USAGE, main);
