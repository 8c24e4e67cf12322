import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Collection, MongoClient } from 'mongodb';
import { startStack } from './lib/embedded-stack';
import { LatencyProxy, startLatencyProxy } from './lib/latency-proxy';
import { buildLegacyDataset } from './lib/legacy-fixtures';
import {
  CasMode,
  transformContentDocument,
} from '../src/legacy-migration/domain/objectid-transform';
import { CONTENT_COLLECTION } from '../src/legacy-migration/legacy-content.repository';
import { migrateToObjectId } from '../src/legacy-migration/objectid-migration';
import {
  UsageError,
  connectMongo,
  createProgressReporter,
  intOption,
  ProgressReporter,
  runCli,
  stopSignal,
} from './lib/ops-cli';
import {
  CommandCounts,
  countCommands,
  formatFigure,
  formatRatio,
  formatRoundTrips,
  ratio,
  summariseRoundTrips,
} from './lib/round-trip-counter';

const USAGE = `usage: bench:migration [--docs N] [--modules N] [--items N] [--batch-size N] [--concurrency N]
                       [--seed N] [--cas strict|updated-at] [--latency-docs N] [--latency-items N]
                       [--latency-ms LIST] [--keep]
  Compares migrate:objectid with the legacy loop (a find cursor and one updateOne per document) on
  identical copies of a generated legacy data set, and prints one figure per line:
  - docs/s of both through a TCP proxy that adds each round trip of --latency-ms (default 1,5), on
    a small set (--latency-docs, default 500 documents x --modules 10 x --latency-items 2; 0 skips
    this), next to the same runs without the proxy (the server's own time), and the share of each
    run's time that the proxy held a message back;
  - docs/s of both straight to the server (--docs, default 5000 documents x --modules 10 x
    --items 20 = 200 items each);
  - for both sets, round trips per 1,000 documents of both, with the count of each command, from
    the driver's command monitoring: unlike docs/s, they do not depend on the server.
  Uses MONGODB_URI if set, else starts the embedded MongoDB-wire server, whose full-document writes
  cost in proportion to the collection size: docs/s there say little about MongoDB. Here (2 cores,
  embedded server) the default size takes about 26 min and 16 GB of memory; --docs 300 about 30 s.
  The bench's databases are dropped at the end (emptied where dropDatabase is missing); --keep
  leaves them, on MONGODB_URI (the embedded server takes its data with it).`;

interface DataSize {
  docs: number;
  modules: number;
  items: number;
}

interface Settings {
  batchSize: number;
  concurrency: number;
  cas: CasMode;
  seed: number;
  /** Aborted by Ctrl-C or SIGTERM: the run stops and still removes its data. */
  signal: AbortSignal;
}

/** One approach over one collection: how long it took and what it sent. */
interface Run {
  seconds: number;
  changed: number;
  counts: CommandCounts;
  retries?: number;
  failed?: number;
  /** Through the proxy: how long a message was held back on its way (LatencyProxy.heldMs). */
  networkMs?: number;
}

const log = (m: string) => console.error(`[bench] ${m}`);
const print = (line: string) => console.log(line);

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      help: { type: 'boolean' },
      keep: { type: 'boolean' },
      docs: { type: 'string' },
      modules: { type: 'string' },
      items: { type: 'string' },
      'batch-size': { type: 'string' },
      concurrency: { type: 'string' },
      seed: { type: 'string' },
      cas: { type: 'string' },
      'latency-docs': { type: 'string' },
      'latency-items': { type: 'string' },
      'latency-ms': { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return void console.log(USAGE);
  const modules = intOption('modules', values.modules, 10);
  const size: DataSize = {
    docs: intOption('docs', values.docs, 5000),
    modules,
    items: intOption('items', values.items, 20),
  };
  const latencySize: DataSize = {
    docs: intOption('latency-docs', values['latency-docs'], 500, 0),
    modules,
    items: intOption('latency-items', values['latency-items'], 2),
  };
  const latencies = latencyList(values['latency-ms'] ?? '1,5');
  const settings: Settings = {
    batchSize: intOption('batch-size', values['batch-size'], 200),
    concurrency: intOption('concurrency', values.concurrency, 2),
    cas: casOption(values.cas),
    seed: intOption('seed', values.seed, 1, 0),
    signal: stopSignal(
      'bench:migration: stopping after the write in flight, then removing the data',
    ),
  };
  const started = performance.now();
  // Everything started is stopped in reverse order, each step even when an earlier one failed: a
  // server too busy to answer a clean-up must not keep the stack running.
  const cleanup: (() => Promise<unknown>)[] = [];
  try {
    // Only MongoDB is measured: placeholders keep the stack from starting PostgreSQL and Redis.
    const stack = await startStack({
      mongodbUri: process.env.MONGODB_URI || undefined,
      databaseUrl: 'postgres://not-used/bench',
      redisUrl: 'redis://not-used',
      log,
    });
    cleanup.push(() => stack.stop());
    const client = await connect(stack.mongodbUri);
    cleanup.push(() => client.close());
    const run = randomBytes(3).toString('hex');
    const dropAfter = (names: string[]) => {
      const drop = () => (values.keep ? Promise.resolve() : dropData(client, names));
      cleanup.push(drop);
      return drop;
    };

    // The small latency runs go first, on a server that holds nothing yet: run after the large
    // set, the first of them came out 17% slower than on a fresh server, charged to one approach.
    if (latencySize.docs > 0 && latencies.length > 0) {
      await latencyRuns(client, stack.mongodbUri, run, latencySize, latencies, settings, dropAfter);
    }

    const naiveDb = `bench_naive_${run}`;
    const batchedDb = `bench_batched_${run}`;
    const dropDirect = dropAfter([naiveDb, batchedDb]);
    const naive = client.db(naiveDb).collection(CONTENT_COLLECTION);
    const batched = client.db(batchedDb).collection(CONTENT_COLLECTION);
    await generate([naive, batched], size, settings);
    log('straight to the server: one update per document (the legacy script)');
    const naiveRun = await oneUpdatePerDocument(client, naive, size.docs, settings.signal);
    log(describeMigration(settings));
    const batchedRun = await migrateObjectId(client, batched, settings, size.docs);
    print(`documents: ${describeSize(size)} (${await sizeMb(batched)} MB after migration)`);
    print(`direct, one-update-per-document: ${rateLine(naiveRun)}`);
    print(
      `direct, migrate:objectid: ${rateLine(batchedRun)}; compare-and-set ${settings.cas} on` +
        ` every document, retries ${batchedRun.retries}, failed ${batchedRun.failed}`,
    );
    print(`direct, ratio: ${formatRatio(ratio(rate(batchedRun), rate(naiveRun)))}`);
    printRoundTrips('', size.docs, naiveRun, batchedRun);
    await dropDirect();
  } finally {
    for (const step of cleanup.reverse()) {
      await step().catch((error: unknown) => log(`clean-up failed: ${messageOf(error)}`));
    }
    log(`took ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }
}

/**
 * The same two runs on fresh copies of a smaller set, first straight to the server (its own
 * time), then through the proxy at each latency, each with a client of its own so that every run
 * opens its connections the same way.
 */
async function latencyRuns(
  client: MongoClient,
  uri: string,
  run: string,
  size: DataSize,
  latencies: number[],
  settings: Settings,
  dropAfter: (dbNames: string[]) => () => Promise<void>,
): Promise<void> {
  const target = serverAddress(uri);
  const directPingMs = await medianPingMs(client);
  print(`latency runs, documents: ${describeSize(size)}`);
  let serverOnly: { naive: Run; batched: Run } | undefined;
  for (const latencyMs of [0, ...latencies]) {
    throwIfStopped(settings.signal);
    const label = latencyMs === 0 ? 'latency 0 ms (no proxy)' : `latency ${latencyMs} ms`;
    const suffix = latencyMs === 0 ? 'direct' : `${String(latencyMs).replace('.', '_')}ms`;
    const [naiveDb, batchedDb] = [`bench_naive_${run}_${suffix}`, `bench_batched_${run}_${suffix}`];
    const drop = dropAfter([naiveDb, batchedDb]);
    await generate(
      [naiveDb, batchedDb].map((name) => client.db(name).collection(CONTENT_COLLECTION)),
      size,
      settings,
    );
    const proxy =
      latencyMs > 0
        ? await startLatencyProxy({
            targetHost: target.host,
            targetPort: target.port,
            roundTripMs: latencyMs,
          })
        : undefined;
    try {
      const measured = await connect(proxy ? throughProxy(uri, proxy) : uri);
      try {
        if (proxy) {
          const added = (await medianPingMs(measured)) - directPingMs;
          print(`${label}, round trip added, measured by ping: ${formatFigure(added)} ms`);
        }
        log(`${label}: one update per document`);
        const naive = await onTheWire(proxy, () =>
          oneUpdatePerDocument(
            measured,
            measured.db(naiveDb).collection(CONTENT_COLLECTION),
            size.docs,
            settings.signal,
          ),
        );
        log(`${label}: ${describeMigration(settings)}`);
        const batched = await onTheWire(proxy, () =>
          migrateObjectId(
            measured,
            measured.db(batchedDb).collection(CONTENT_COLLECTION),
            settings,
            size.docs,
          ),
        );
        print(`${label}, one-update-per-document: ${rateLine(naive)}`);
        print(`${label}, migrate:objectid: ${rateLine(batched)}`);
        const measuredRatio = ratio(rate(batched), rate(naive));
        print(`${label}, ratio: ${formatRatio(measuredRatio)}`);
        if (!serverOnly) {
          serverOnly = { naive, batched };
          printRoundTrips('latency runs, ', size.docs, naive, batched);
          continue;
        }
        print(`${label}, network share of one-update-per-document: ${networkShare(naive)}`);
        print(`${label}, network share of migrate:objectid: ${networkShare(batched)}`);
        if (measuredRatio !== undefined && measuredRatio < 10)
          print(`${label}, note: ${serverBoundNote(latencyMs, serverOnly.batched, settings)}`);
      } finally {
        await measured.close();
      }
    } finally {
      await proxy?.close();
      await drop();
    }
  }
}

/** Runs `measure` and adds how long the proxy held a message back meanwhile. */
async function onTheWire(proxy: LatencyProxy | undefined, measure: () => Promise<Run>) {
  const before = proxy?.heldMs ?? 0;
  const run = await measure();
  return proxy ? { ...run, networkMs: proxy.heldMs - before } : run;
}

function networkShare(run: Run): string {
  return `${formatFigure((100 * (run.networkMs ?? 0)) / (run.seconds * 1000))}%`;
}

/**
 * Why the ratio stays low: without the proxy, migrate:objectid already takes about as long per
 * document as the round trip it saves per document, and no batching saves that part.
 */
function serverBoundNote(latencyMs: number, batchedServerOnly: Run, settings: Settings): string {
  const serverMs = (1000 * batchedServerOnly.seconds) / batchedServerOnly.changed;
  return (
    `below 10x because without the proxy migrate:objectid already takes` +
    ` ${formatFigure(serverMs)} ms per document (cas ${settings.cas}; nearly all of it the` +
    ` server's), against the ${latencyMs} ms round trip it saves per document; the ratio nears` +
    ` the round-trip ratio only where that time is well under the round trip`
  );
}

function rate(run: Run): number {
  return run.changed / run.seconds;
}

function printRoundTrips(prefix: string, docs: number, naive: Run, batched: Run): void {
  const naiveTrips = summariseRoundTrips(naive.counts, docs);
  const batchedTrips = summariseRoundTrips(batched.counts, docs);
  print(
    `${prefix}round trips per 1,000 docs, one-update-per-document: ${formatRoundTrips(naiveTrips, docs)}`,
  );
  print(
    `${prefix}round trips per 1,000 docs, migrate:objectid: ${formatRoundTrips(batchedTrips, docs)}`,
  );
  print(
    `${prefix}round trips, ratio: ${formatRatio(ratio(batchedTrips.total, naiveTrips.total, true))} fewer`,
  );
}

/** Times one approach and counts what it sent, with a progress line. */
async function measure(
  client: MongoClient,
  label: string,
  docs: number,
  body: (progress: ProgressReporter) => Promise<Omit<Run, 'seconds' | 'counts'>>,
): Promise<Run> {
  const progress = progressFor(label, docs);
  const counter = countCommands(client);
  const start = performance.now();
  try {
    const result = await body(progress);
    return { ...result, seconds: (performance.now() - start) / 1000, counts: counter.stop() };
  } finally {
    progress.stop();
  }
}

function oneUpdatePerDocument(
  client: MongoClient,
  collection: Collection,
  docs: number,
  signal: AbortSignal,
): Promise<Run> {
  return measure(client, 'one update per document', docs, async (progress) => {
    let changed = 0;
    for await (const doc of collection.find({})) {
      throwIfStopped(signal);
      const result = transformContentDocument(doc);
      if (!result.changed) continue;
      await collection.updateOne({ _id: doc._id }, { $set: result.set });
      progress.update(++changed);
    }
    return { changed };
  });
}

async function migrateObjectId(
  client: MongoClient,
  collection: Collection,
  settings: Settings,
  docs: number,
): Promise<Run> {
  const run = await measure(client, 'migrate:objectid', docs, async (progress) => {
    const summary = await migrateToObjectId({
      collection,
      ...settings,
      onProgress: (p) => progress.update(p.changed),
    });
    return { changed: summary.changed, retries: summary.retries, failed: summary.failed };
  });
  throwIfStopped(settings.signal);
  return run;
}

/** The default size runs for many minutes: a line a minute shows it is still going. */
function progressFor(label: string, docs: number) {
  return createProgressReporter(`[bench] ${label}`, docs, { intervalMs: 60_000 });
}

async function generate(
  collections: Collection[],
  size: DataSize,
  { seed, signal }: Settings,
): Promise<void> {
  log(`generating ${describeSize(size)}, ${collections.length} copies`);
  const chunk = 100;
  for (let first = 0; first < size.docs; first += chunk) {
    throwIfStopped(signal);
    const set = buildLegacyDataset({
      courses: Math.min(chunk, size.docs - first),
      modulesPerCourse: size.modules,
      itemsPerModule: size.items,
      enrollmentsPerCourse: 0,
      seed: seed + first,
      firstCourseId: first + 1,
      specialCases: false,
      missingContentShare: 0,
    });
    const contents = set.courses.map((c) => c.content!);
    for (const collection of collections)
      await collection.insertMany(structuredClone(contents), { ordered: true });
  }
}

/**
 * Command monitoring is what counts round trips. The embedded server stalls for tens of seconds
 * on a bulk write into a 5,000-document collection, and the driver's monitor gives up on a server
 * whose hello takes longer than connectTimeoutMS: the timeouts wait for a slow server, while
 * server selection still fails fast when there is none.
 */
function connect(uri: string): Promise<MongoClient> {
  return connectMongo(uri, 30_000, {
    monitorCommands: true,
    connectTimeoutMS: 600_000,
    socketTimeoutMS: 0,
  });
}

/** The embedded server has no `dropDatabase`; emptying the collection is what it can do. */
async function dropData(client: MongoClient, dbNames: string[]): Promise<void> {
  for (const name of dbNames) {
    const db = client.db(name);
    try {
      await db.dropDatabase();
    } catch {
      await db.collection(CONTENT_COLLECTION).deleteMany({});
    }
  }
}

async function medianPingMs(client: MongoClient, pings = 51): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < pings; i++) {
    const start = performance.now();
    await client.db('admin').command({ ping: 1 });
    times.push(performance.now() - start);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
}

/** The host and port to put the proxy in front of; only a single-host URI has one. */
function serverAddress(uri: string): { host: string; port: number } {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    url = new URL('invalid:');
  }
  if (url.protocol !== 'mongodb:' || !url.hostname)
    throw new UsageError(
      'the latency runs need a mongodb:// URI with one host (pass --latency-docs 0 to skip them)',
    );
  return { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: Number(url.port || 27017) };
}

/** The same URI, pointed at the proxy, which stands for exactly one server. */
function throughProxy(uri: string, proxy: { host: string; port: number }): string {
  const url = new URL(uri);
  url.host = `${proxy.host}:${proxy.port}`;
  url.searchParams.delete('replicaSet');
  url.searchParams.set('directConnection', 'true');
  return url.toString();
}

function latencyList(raw: string): number[] {
  const list = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!list.every((s) => /^\d+(\.\d+)?$/.test(s) && Number(s) > 0))
    throw new UsageError(
      `--latency-ms must be a comma-separated list of milliseconds > 0 (got "${raw}")`,
    );
  return list.map(Number);
}

/** A stopped run's figures would be wrong: it ends with an error, after removing its data. */
function throwIfStopped(signal: AbortSignal): void {
  if (signal.aborted) throw new Error('stopped before the end: no figures');
}

function casOption(raw: string | undefined): CasMode {
  if (raw === undefined || raw === 'strict' || raw === 'updated-at') return raw ?? 'strict';
  throw new UsageError(`--cas must be strict or updated-at (got "${raw}")`);
}

function rateLine(run: Run): string {
  return `${formatFigure(rate(run))} docs/s (${run.changed} docs in ${run.seconds.toFixed(2)} s)`;
}

function describeSize(size: DataSize): string {
  return `${size.docs} x ${size.modules * size.items} items`;
}

function describeMigration(settings: Settings): string {
  return `migrate:objectid (batch ${settings.batchSize}, concurrency ${settings.concurrency}, cas ${settings.cas})`;
}

async function sizeMb(collection: Collection): Promise<string> {
  const one = await collection.findOne({});
  const n = await collection.countDocuments();
  return one ? ((JSON.stringify(one).length * n) / 1e6).toFixed(0) : '0';
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

runCli('bench:migration', USAGE, main);
