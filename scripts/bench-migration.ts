import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Collection } from 'mongodb';
import { startStack } from './lib/embedded-stack';
import { buildLegacyDataset } from './lib/legacy-fixtures';
import { migrateToObjectId, transformContentDocument } from './lib/objectid-migration';
import { CONTENT_COLLECTION, connectMongo, intOption, runCli } from './lib/ops-cli';

const USAGE = `usage: bench:migration [--docs N] [--modules N] [--items N] [--batch-size N] [--concurrency N]
                       [--seed N] [--cas strict|updated-at] [--keep]
  Compares migrate:objectid with the legacy one-update-per-document loop on identical copies of a
  generated legacy data set (default 5000 documents x 10 modules x 20 items = 200 items each).
  Uses MONGODB_URI if set, else starts the embedded MongoDB-wire server. --keep leaves the data.`;

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
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return void console.log(USAGE);
  const docs = intOption('docs', values.docs, 5000);
  const modules = intOption('modules', values.modules, 10);
  const items = intOption('items', values.items, 20);
  const batchSize = intOption('batch-size', values['batch-size'], 200);
  const concurrency = intOption('concurrency', values.concurrency, 2);
  const seed = intOption('seed', values.seed, 1, 0);
  const cas = values.cas === 'updated-at' ? 'updated-at' : 'strict';
  const log = (m: string) => console.error(`[bench] ${m}`);
  // Only MongoDB is measured: placeholders keep the stack from starting PostgreSQL and Redis.
  const stack = await startStack({
    mongodbUri: process.env.MONGODB_URI || undefined,
    databaseUrl: 'postgres://not-used/bench',
    redisUrl: 'redis://not-used',
    log,
  });
  const client = await connectMongo(stack.mongodbUri, 10_000);
  const run = randomBytes(3).toString('hex');
  const naive = client.db(`bench_naive_${run}`).collection(CONTENT_COLLECTION);
  const batched = client.db(`bench_batched_${run}`).collection(CONTENT_COLLECTION);
  try {
    log(`generating ${docs} legacy documents x ${modules * items} items, twice`);
    const chunk = 100;
    for (let first = 0; first < docs; first += chunk) {
      const set = buildLegacyDataset({
        courses: Math.min(chunk, docs - first),
        modulesPerCourse: modules,
        itemsPerModule: items,
        enrollmentsPerCourse: 0,
        seed: seed + first,
        firstCourseId: first + 1,
        specialCases: false,
        missingContentShare: 0,
      });
      const contents = set.courses.map((c) => c.content!);
      await naive.insertMany(structuredClone(contents), { ordered: true });
      await batched.insertMany(structuredClone(contents), { ordered: true });
    }

    log('one update per document (the legacy script)');
    const naiveStart = Date.now();
    let naiveChanged = 0;
    for await (const doc of naive.find({})) {
      const result = transformContentDocument(doc);
      if (!result.changed) continue;
      await naive.updateOne({ _id: doc._id }, { $set: result.set });
      naiveChanged++;
    }
    const naiveSeconds = (Date.now() - naiveStart) / 1000;

    log(`migrate:objectid (batch ${batchSize}, concurrency ${concurrency}, cas ${cas})`);
    const summary = await migrateToObjectId({ collection: batched, batchSize, concurrency, cas });
    const batchedSeconds = summary.elapsedMs / 1000;

    const naiveRate = naiveChanged / naiveSeconds;
    const batchedRate = summary.changed / batchedSeconds;
    console.log(
      [
        `documents: ${docs} x ${modules * items} items (${await sizeMb(batched)} MB after migration)`,
        `one-update-per-document: ${naiveChanged} docs in ${naiveSeconds.toFixed(2)} s = ${naiveRate.toFixed(0)} docs/s`,
        `migrate:objectid:        ${summary.changed} docs in ${batchedSeconds.toFixed(2)} s = ${batchedRate.toFixed(0)} docs/s` +
          ` (compare-and-set ${cas} on every document, retries ${summary.retries}, failed ${summary.failed})`,
        `ratio: ${(batchedRate / naiveRate).toFixed(1)}x`,
      ].join('\n'),
    );
  } finally {
    if (!values.keep) {
      await naive.deleteMany({});
      await batched.deleteMany({});
    }
    await client.close();
    await stack.stop();
  }
}

async function sizeMb(collection: Collection): Promise<string> {
  const one = await collection.findOne({});
  const n = await collection.countDocuments();
  return one ? ((JSON.stringify(one).length * n) / 1e6).toFixed(0) : '0';
}

runCli('bench:migration', USAGE, main);
