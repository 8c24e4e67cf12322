import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Redis from 'ioredis';
import { Collection, Db, Document, MongoClient } from 'mongodb';
import { Client, Pool } from 'pg';
import { freePort } from '../../scripts/lib/embedded-stack';
import {
  buildLegacyDataset,
  Level,
  LegacyFixtureParams,
  WrittenLegacyDataset,
  writeLegacyFixtures,
} from '../../scripts/lib/legacy-fixtures';
import { loadOpsConfig } from '../../src/config/ops-config';
import {
  BackfillReportEntry,
  normalizeScore,
} from '../../src/legacy-migration/domain/legacy-completions';
import { IdIssue } from '../../src/legacy-migration/domain/objectid-transform';
import { migrate, withLegacyMigration } from '../../src/legacy-migration/legacy-migration.context';
import { migrateToObjectId, verifyContent } from '../../src/legacy-migration/objectid-migration';
import {
  BackfillOptions,
  ProgressBackfillService,
} from '../../src/legacy-migration/progress-backfill.service';
import { ContentCacheService } from '../../src/cache/content-cache.service';
import { CourseContent } from '../../src/course-content/domain/content.types';
import { computeProgress, countedItems } from '../../src/progress/domain/progress-calculator';

const ROOT = resolve(__dirname, '../..');
const RUN = randomBytes(4).toString('hex');
const PG_DB = `legacy_migration_${RUN}`;
const PARAMS: LegacyFixtureParams = {
  courses: 10,
  modulesPerCourse: 3,
  itemsPerModule: 5,
  enrollmentsPerCourse: 5,
  seed: 42,
};
const ID_FIELD = { lessons: 'lesson_id', quizzes: 'quiz_id', summaries: 'summary_id' } as const;

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/** Item ids are random: compare documents with them masked, and without write times. */
function normalize(doc: Document): unknown {
  return JSON.parse(
    JSON.stringify(doc, (key, value: unknown) => {
      if (key === '_id' || key === 'updated_at') return undefined;
      if (/_id$/.test(key) && typeof value === 'string' && /^[0-9a-f]{24}$/.test(value))
        return 'OID';
      return value;
    }),
  );
}

function runCli(
  script: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', `scripts/${script}`, ...args],
      { cwd: ROOT, env: { ...process.env, ...env, DB_TIMEOUT_MS: '500' } },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('error', fail);
    child.once('exit', (code) => done({ code, stdout, stderr }));
  });
}

describe('Legacy migration pipeline (e2e)', () => {
  const adminUrl = process.env.DATABASE_URL as string;
  const databaseUrl = withDatabase(adminUrl, PG_DB);
  const mongoName = (suffix: string) => `legacy_migration_${RUN}_${suffix}`;
  const mainMongoUri = withDatabase(process.env.MONGODB_URI as string, mongoName('main'));
  const reportDir = mkdtempSync(join(tmpdir(), 'legacy-migration-'));
  let mongo: MongoClient;
  let dbs: Db[];
  let contents: Collection;
  let pool: Pool;
  let written: WrittenLegacyDataset;
  const issues: IdIssue[] = [];
  const report: BackfillReportEntry[] = [];

  /** The backfill as the CLI runs it: the app's modules on this run's databases. */
  const backfillProgress = (options: BackfillOptions) =>
    withLegacyMigration(
      loadOpsConfig({ DATABASE_URL: databaseUrl, MONGODB_URI: mainMongoUri }, [
        'DATABASE_URL',
        'MONGODB_URI',
      ]),
      { parts: ['postgres', 'mongo'] },
      (app) => app.get(ProgressBackfillService).run(options),
    );
  const snapshot = () => contents.find({}).sort({ course_id: 1 }).toArray();
  const progressCount = async () =>
    Number((await pool.query<{ n: string }>('select count(*) as n from progress')).rows[0].n);

  beforeAll(async () => {
    const admin = new Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`create database "${PG_DB}"`);
    await admin.end();
    mongo = await MongoClient.connect(process.env.MONGODB_URI as string, {
      serverSelectionTimeoutMS: 5000,
    });
    dbs = ['main', 'copy', 'edit', 'cli', 'nocache', 'invalid'].map((s) => mongo.db(mongoName(s)));
    contents = dbs[0].collection('course_content');
    written = await writeLegacyFixtures({ params: PARAMS, databaseUrl, contents });
    pool = new Pool({ connectionString: databaseUrl, max: 2 });
  }, 30_000);

  afterAll(async () => {
    await pool?.end();
    for (const db of dbs ?? []) await db.collection('course_content').deleteMany({});
    await mongo?.close();
    const admin = new Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`drop database if exists "${PG_DB}" with (force)`);
    await admin.end();
    rmSync(reportDir, { recursive: true, force: true });
  });

  it('starts from legacy data: integer ids in MongoDB, archived progress arrays in PostgreSQL', async () => {
    const docs = await contents.countDocuments();
    expect(docs).toBe(written.courses.filter((c) => c.content).length);
    const verify = await verifyContent(contents);
    expect(verify.badDocuments).toBe(docs);
    const archived = await pool.query('select * from enrollment_progress_legacy');
    const withData = written.enrollments.filter(
      (e) => e.completed_lessons.length || e.completed_quizzes.length || e.total_lessons,
    );
    expect(archived.rowCount).toBe(withData.length);
    const columns = await pool.query(
      `select 1 from information_schema.columns
       where table_name = 'enrollments' and column_name = 'completed_lessons'`,
    );
    expect(columns.rowCount).toBe(0);
  });

  it('changes nothing on a dry run', async () => {
    const before = await snapshot();
    const summary = await migrateToObjectId({ collection: contents, dryRun: true });
    expect(summary.changed).toBe(before.length);
    expect(await snapshot()).toEqual(before);
  });

  it('ends a run stopped half-way and restarted like an uninterrupted one', async () => {
    const first = await migrateToObjectId({
      collection: contents,
      limit: 3,
      batchSize: 2,
      onIssue: (i) => issues.push(i),
    });
    expect(first).toMatchObject({ changed: 3, stoppedEarly: true, failed: 0 });
    const rest = await migrateToObjectId({
      collection: contents,
      batchSize: 2,
      onIssue: (i) => issues.push(i),
    });
    expect(rest.changed).toBe((await contents.countDocuments()) - 3);
    expect(rest.skipped).toBe(3);

    const copy = dbs[1].collection('course_content');
    const docs = buildLegacyDataset(PARAMS, written.courseIds).courses.flatMap((c) =>
      c.content ? [c.content] : [],
    );
    await copy.insertMany(docs, { ordered: true });
    const whole = await migrateToObjectId({ collection: copy });
    expect(whole.changed).toBe(docs.length);
    const expected = await copy.find({}).sort({ course_id: 1 }).toArray();
    expect((await snapshot()).map(normalize)).toEqual(expected.map(normalize));
  });

  it('changes nothing on a second run', async () => {
    const before = await snapshot();
    const again = await migrateToObjectId({ collection: contents });
    expect(again).toMatchObject({ changed: 0, itemsConverted: 0, failed: 0 });
    expect(await snapshot()).toEqual(before);
    expect(before.every((d) => d.version === 1)).toBe(true);
  });

  it('reports garbage ids instead of failing on them', () => {
    const garbage = written.courseIds[3];
    const kinds = issues.filter((i) => i.course_id === garbage).map((i) => i.kind);
    expect(kinds).toEqual(
      expect.arrayContaining([
        'invalid_string',
        'integer_string',
        'non_integer_number',
        'duplicate_integer',
      ]),
    );
    expect(issues.every((i) => i.course_id === garbage || i.kind === 'duplicate_integer')).toBe(
      true,
    );
  });

  it('keeps an edit made to a document while the migration runs', async () => {
    const edit = dbs[2].collection('course_content');
    const docs = buildLegacyDataset({
      ...PARAMS,
      courses: 3,
      seed: 7,
      specialCases: false,
    }).courses.map((c) => c.content as Document);
    await edit.insertMany(docs, { ordered: true });
    const summary = await migrateToObjectId({
      collection: edit,
      beforeWrite: async (batch, attempt) => {
        if (attempt !== 1) return;
        // Whole-tree writes, as both services do (no positional paths on the wire server).
        const retitle = (doc: Document, index: number, title: string) =>
          doc.modules.map((m: Document, i: number) => (i === index ? { ...m, title } : m));
        // A legacy writer: changes the tree, knows nothing of `version`.
        const legacy = await edit.updateOne(
          { _id: batch[0]._id, version: { $exists: false } },
          { $set: { modules: retitle(batch[0], 0, 'Edited by the legacy service') } },
        );
        // The new service: a compare-and-set that starts versioning.
        const current = await edit.updateOne(
          { _id: batch[1]._id, version: { $exists: false } },
          {
            $set: { modules: retitle(batch[1], 1, 'Edited by the new service'), version: 1 },
          },
        );
        expect([legacy.modifiedCount, current.modifiedCount]).toEqual([1, 1]);
      },
    });
    expect(summary).toMatchObject({ changed: 3, failed: 0 });
    expect(summary.retries).toBeGreaterThanOrEqual(2);
    const after = await edit.find({}).sort({ _id: 1 }).toArray();
    expect(after[0].modules[0].title).toBe('Edited by the legacy service');
    expect(after[0].version).toBe(1);
    expect(after[1].modules[1].title).toBe('Edited by the new service');
    expect(after[1].version).toBe(2);
    expect((await verifyContent(edit)).badDocuments).toBe(0);
  });

  it('changes nothing in PostgreSQL on a backfill dry run', async () => {
    const dryReport: BackfillReportEntry[] = [];
    const summary = await backfillProgress({ dryRun: true, onReport: (e) => dryReport.push(e) });
    expect(summary.scanned).toBe(summary.pendingAtStart);
    expect(summary.completionsUnmapped).toBeGreaterThan(0);
    expect(dryReport.length).toBe(summary.reportEntries);
    expect(await progressCount()).toBe(0);
    const done = await pool.query(
      'select 1 from enrollment_progress_legacy where backfilled_at is not null',
    );
    expect(done.rowCount).toBe(0);
  });

  it('backfills every mappable completion, stopped half-way and resumed', async () => {
    const partial = await backfillProgress({
      limit: 7,
      batchSize: 3,
      onReport: (e) => report.push(e),
    });
    expect(partial).toMatchObject({ scanned: 7, backfilled: 7, stoppedEarly: true });
    const rest = await backfillProgress({ onReport: (e) => report.push(e) });
    expect(rest.scanned).toBe(partial.pendingAtStart - 7);
    const pending = await pool.query(
      'select 1 from enrollment_progress_legacy where backfilled_at is null',
    );
    expect(pending.rowCount).toBe(0);

    const docs = new Map((await snapshot()).map((d) => [d.course_id as number, d]));
    const rows = (
      await pool.query<{
        user_id: number;
        course_id: number;
        item_type: string;
        item_id: string;
        score: string | null;
        completed_at: Date;
      }>('select user_id, course_id, item_type, item_id, score, completed_at from progress')
    ).rows;
    const byKey = new Map(
      rows.map((r) => [`${r.user_id}:${r.course_id}:${r.item_type}:${r.item_id}`, r]),
    );
    const reported = new Set(
      report.map((r) => `${r.enrollment_id}:${r.item_type}:${r.legacy_id}:${r.reason}`),
    );
    const expectedRows = new Set<string>();
    let mappedToAll = 0;
    let quizLessons = 0;
    for (const e of written.enrollments) {
      const finished = e.status === 'completed' || e.completion_percentage === 100;
      for (const c of e.expected) {
        if (!c.outcome.mapped) {
          const key = `${e.enrollment_id}:${c.item_type}:${c.legacy_id}:${c.outcome.reason}`;
          expect(reported.has(key) ? key : `missing from report: ${key}`).toBe(key);
          // Ambiguity is reported only where the legacy data cannot decide it.
          if (c.outcome.reason === 'ambiguous') expect(finished).toBe(false);
          continue;
        }
        if (c.outcome.at.length > 1) mappedToAll++;
        for (const { module_index, level, item_index } of c.outcome.at) {
          const item = docs.get(e.course_id)!.modules[module_index][level][item_index];
          const type = level === 'lessons' ? 'lesson' : 'quiz';
          if (c.item_type === 'quiz' && type === 'lesson') quizLessons++;
          const key = `${e.student_id}:${e.course_id}:${type}:${item[ID_FIELD[level as Level]]}`;
          expectedRows.add(key);
          const row = byKey.get(key);
          expect(row ? key : `no progress row: ${key}`).toBe(key);
          expect(item.legacy_id).toBe(c.legacy_id);
          const lastTimes = [e.completed_at, e.last_accessed_at].filter((d): d is Date => !!d);
          expect(row!.completed_at.getTime()).toBe(Math.min(...lastTimes.map((d) => d.getTime())));
          if (c.item_type === 'quiz') {
            const score = normalizeScore(e.quiz_scores?.[String(c.legacy_id)]).score;
            expect(row!.score === null ? null : Number(row!.score)).toBe(score);
          }
        }
      }
    }
    expect(new Set(byKey.keys())).toEqual(expectedRows);
    expect(rows.length).toBeGreaterThan(20);
    expect(mappedToAll).toBeGreaterThan(0);
    expect(quizLessons).toBeGreaterThan(0);
    expect(new Set(report.map((r) => r.reason))).toEqual(
      new Set([
        'not_in_content',
        'ambiguous',
        'no_content_document',
        ...report.filter((r) => r.reason.startsWith('score')).map((r) => r.reason),
      ]),
    );
    for (const entry of report.filter((r) => r.reason === 'ambiguous'))
      expect(entry.candidates!.length).toBeGreaterThan(1);
  });

  it('gives each student the legacy percentage where every completion mapped', async () => {
    const docs = new Map((await snapshot()).map((d) => [d.course_id as number, d]));
    let compared = 0;
    let nonZero = 0;
    for (const e of written.enrollments) {
      if (!e.expected.every((c) => c.outcome.mapped)) continue;
      const { rows } = await pool.query<{ itemType: string; itemId: string }>(
        'select item_type as "itemType", item_id as "itemId" from progress where user_id = $1 and course_id = $2',
        [e.student_id, e.course_id],
      );
      const content = docs.get(e.course_id) as unknown as CourseContent;
      const figures = computeProgress(countedItems(content), rows);
      expect({ enrollment: e.enrollment_id, pct: figures.completion_percentage }).toEqual({
        enrollment: e.enrollment_id,
        pct: e.completion_percentage,
      });
      compared++;
      if (e.completion_percentage > 0) nonZero++;
    }
    expect(compared).toBeGreaterThan(10);
    expect(nonZero).toBeGreaterThan(5);
  });

  it('changes nothing on a second backfill run', async () => {
    const before = await progressCount();
    const again = await backfillProgress({});
    expect(again).toMatchObject({ scanned: 0, progressRowsInserted: 0 });
    expect(await progressCount()).toBe(before);
  });

  it('passes --verify from the command line, and fails clearly when a database is down', async () => {
    const port = await freePort();
    const [verify, noMongo, noPg] = await Promise.all([
      runCli('migrate-to-objectid.ts', ['--verify'], {
        MONGODB_URI: withDatabase(process.env.MONGODB_URI as string, mongoName('main')),
      }),
      runCli('migrate-to-objectid.ts', ['--dry-run'], {
        MONGODB_URI: `mongodb://127.0.0.1:${port}/nothing`,
      }),
      runCli('backfill-progress.ts', ['--report', join(reportDir, 'r.jsonl')], {
        DATABASE_URL: `postgres://postgres:secret@127.0.0.1:${port}/nothing`,
      }),
    ]);
    expect(verify.stdout).toMatch(/verify: \d+ documents, 0 with offenders/);
    expect(verify.code).toBe(0);
    expect(noMongo.code).toBe(1);
    expect(noMongo.stderr).toMatch(
      /^migrate:objectid: MongoDB unreachable at mongodb:\/\/127\.0\.0\.1/m,
    );
    expect(noPg.code).toBe(1);
    expect(noPg.stderr).toMatch(
      /^migrate:backfill-progress: PostgreSQL unreachable at postgres:\/\/postgres:\*\*\*@/m,
    );
  });

  describe('from the command line, on legacy content', () => {
    // Its own key prefix: other e2e files share the Redis and use the same course ids.
    const cachePrefix = `${process.env.CACHE_KEY_PREFIX ?? ''}legacy_${RUN}:`;
    const cliUri = () => withDatabase(process.env.MONGODB_URI as string, mongoName('cli'));
    const cli = () => dbs[3].collection('course_content');
    const cliSnapshot = () => cli().find({}).sort({ course_id: 1 }).toArray();
    const underAFile = () => {
      const file = join(reportDir, 'a-file');
      writeFileSync(file, '');
      return join(file, 'report.jsonl');
    };
    let redis: Redis | undefined;
    let resetIds: number[];
    const pendingIds = async () =>
      (
        await pool.query<{ enrollment_id: number }>(
          'select enrollment_id from enrollment_progress_legacy where backfilled_at is null ' +
            'order by enrollment_id',
        )
      ).rows.map((r) => r.enrollment_id);

    beforeAll(async () => {
      const docs = buildLegacyDataset(PARAMS, written.courseIds).courses.flatMap((c) =>
        c.content ? [c.content] : [],
      );
      await cli().insertMany(docs, { ordered: true });
      // Two enrollments of courses with content wait for the backfill again.
      const withContent = new Set(docs.map((d) => d.course_id as number));
      resetIds = written.enrollments
        .filter((e) => withContent.has(e.course_id))
        .slice(0, 2)
        .map((e) => e.enrollment_id);
      await pool.query(
        'update enrollment_progress_legacy set backfilled_at = null where enrollment_id = any($1)',
        [resetIds],
      );
      if (process.env.REDIS_URL)
        redis = new Redis(process.env.REDIS_URL, { keyPrefix: cachePrefix, lazyConnect: true });
    });

    afterAll(async () => {
      if (redis) {
        const keys = await redis.keys(`${cachePrefix}*`);
        if (keys.length) await redis.del(...keys.map((k) => k.slice(cachePrefix.length)));
        await redis.quit();
      }
    });

    it('fails up front, changing nothing, when the report cannot be written', async () => {
      const contentBefore = await cliSnapshot();
      const progressBefore = await progressCount();
      const [objectid, backfill] = await Promise.all([
        runCli('migrate-to-objectid.ts', ['--report', underAFile()], {
          MONGODB_URI: cliUri(),
          CACHE_KEY_PREFIX: cachePrefix,
        }),
        runCli('backfill-progress.ts', ['--report', underAFile()], {
          DATABASE_URL: databaseUrl,
          MONGODB_URI: cliUri(),
        }),
      ]);
      expect(objectid.code).toBe(1);
      expect(objectid.stderr).toMatch(
        /^migrate:objectid: cannot write the report .*report\.jsonl: .*nothing was changed/m,
      );
      expect(backfill.code).toBe(1);
      expect(backfill.stderr).toMatch(
        /^migrate:backfill-progress: cannot write the report .*nothing was changed/m,
      );
      expect(await cliSnapshot()).toEqual(contentBefore);
      expect(await pendingIds()).toEqual(resetIds);
      expect(await progressCount()).toBe(progressBefore);
    }, 60_000);

    it('exits 3 from the backfill while content is not migrated, leaving those enrollments', async () => {
      const path = join(reportDir, 'deferred.jsonl');
      const run = await runCli('backfill-progress.ts', ['--report', path], {
        DATABASE_URL: databaseUrl,
        MONGODB_URI: cliUri(),
      });
      expect(run.code).toBe(3);
      expect(run.stderr).toMatch(/2 enrollment\(s\) were deferred \(content_not_migrated\)/);
      expect(run.stderr).toMatch(/Run "npm run migrate:objectid", then rerun this backfill/);
      expect(await pendingIds()).toEqual(resetIds);
      const lines = readFileSync(path, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      expect(lines.map((l: BackfillReportEntry) => [l.enrollment_id, l.reason])).toEqual(
        resetIds.map((id) => [id, 'content_not_migrated']),
      );
    }, 60_000);

    it('refuses to migrate when Redis is set but unreachable, unless told to', async () => {
      const before = await cliSnapshot();
      const other = dbs[4].collection('course_content');
      await other.insertOne({
        ...(before[0] as Document),
        _id: undefined,
        modules: [{ module_id: 1 }],
      });
      const port = await freePort();
      const env = (db: string) => ({
        MONGODB_URI: withDatabase(process.env.MONGODB_URI as string, mongoName(db)),
        REDIS_URL: `redis://127.0.0.1:${port}`,
        CACHE_KEY_PREFIX: cachePrefix,
      });
      const [refused, forced] = await Promise.all([
        runCli(
          'migrate-to-objectid.ts',
          ['--report', join(reportDir, 'unreachable.jsonl')],
          env('cli'),
        ),
        runCli(
          'migrate-to-objectid.ts',
          ['--quiet', '--no-cache-invalidation', '--report', join(reportDir, 'forced.jsonl')],
          env('nocache'),
        ),
      ]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(
        /^migrate:objectid: Redis unreachable at redis:\/\/127\.0\.0\.1:\d+.*Nothing was written.*--no-cache-invalidation/m,
      );
      expect(await cliSnapshot()).toEqual(before);
      expect(existsSync(join(reportDir, 'unreachable.jsonl'))).toBe(false);
      expect(forced.stderr).toMatch(/^content cache invalidation off \(--no-cache-invalidation\)/m);
      expect(forced.code).toBe(0);
      expect((await verifyContent(other)).badDocuments).toBe(0);
    }, 60_000);

    (process.env.REDIS_URL ? it : it.skip)(
      'invalidates the cached content of every migrated course (not on a dry run)',
      async () => {
        const docs = await cliSnapshot();
        const courseId = docs[0].course_id as number;
        const key = ContentCacheService.key(courseId);
        const generation = ContentCacheService.generationKey(courseId);
        await redis!.set(key, JSON.stringify({ course_id: courseId, modules: 'stale' }));
        await redis!.set(generation, '5');
        const env = { MONGODB_URI: cliUri(), CACHE_KEY_PREFIX: cachePrefix };
        const path = join(reportDir, 'objectid.jsonl');

        const dry = await runCli('migrate-to-objectid.ts', ['--dry-run', '--report', path], env);
        expect(dry.code).toBe(0);
        expect(await redis!.get(generation)).toBe('5');
        expect(await redis!.exists(key)).toBe(1);
        rmSync(path, { force: true });

        const run = await runCli(
          'migrate-to-objectid.ts',
          ['--report', path, '--batch-size', '3', '--quiet'],
          env,
        );
        expect(run.stderr).toBe('');
        expect(run.code).toBe(0);
        expect(run.stdout).toMatch(new RegExp(`changed ${docs.length},`));
        expect(await redis!.exists(key)).toBe(0);
        expect(await redis!.get(generation)).toBe('6');
        // Every other course too: its generation went from nothing to a random start.
        for (const doc of docs.slice(1))
          expect(
            await redis!.get(ContentCacheService.generationKey(doc.course_id as number)),
          ).toMatch(/^\d{12,}$/);
        const issues = readFileSync(path, 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l));
        expect(issues.length).toBeGreaterThan(0);
        expect((await verifyContent(cli())).badDocuments).toBe(0);
      },
      60_000,
    );

    describe('with values the migration cannot repair', () => {
      const invalid = () => dbs[5].collection('course_content');
      const env = () => ({
        MONGODB_URI: withDatabase(process.env.MONGODB_URI as string, mongoName('invalid')),
        CACHE_KEY_PREFIX: cachePrefix,
      });
      const reportOf = (path: string): IdIssue[] =>
        readFileSync(path, 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as IdIssue);

      beforeAll(async () => {
        const [first, second] = buildLegacyDataset({
          ...PARAMS,
          courses: 2,
          seed: 11,
          specialCases: false,
        }).courses.map((c) => c.content as Document);
        await invalid().insertMany(
          [
            { ...first, course_id: 901, created_at: '2024-01-05T10:00:00Z' },
            {
              ...second,
              course_id: 902,
              created_at: 'sometime in 2019',
              modules: [null, ...(second.modules as Document[])],
            },
          ],
          { ordered: true },
        );
      });

      it('exits 3, on every rerun, until the operator accepts what is left with --allow-invalid', async () => {
        const path = join(reportDir, 'invalid.jsonl');
        const first = await runCli('migrate-to-objectid.ts', ['--quiet', '--report', path], env());
        expect(first.code).toBe(3);
        expect(first.stdout).toMatch(/changed 2,/);
        expect(first.stdout).toMatch(/left as found: 2\)/);
        expect(first.stderr).toMatch(/2 value\(s\) left as found .*--allow-invalid/);
        const kinds = reportOf(path).map((i) => [i.course_id, i.path, i.kind]);
        expect(kinds).toEqual(
          expect.arrayContaining([
            [901, 'created_at', 'created_at_string'],
            [902, 'created_at', 'invalid_created_at'],
            [902, 'modules[0]', 'invalid_item'],
          ]),
        );

        const [parsed, kept] = await invalid().find({}).sort({ course_id: 1 }).toArray();
        expect(parsed.created_at).toEqual(new Date('2024-01-05T10:00:00Z'));
        expect(kept.created_at).toBe('sometime in 2019');
        expect(kept.modules[0]).toBeNull();

        const again = await runCli(
          'migrate-to-objectid.ts',
          ['--quiet', '--report', join(reportDir, 'invalid-again.jsonl')],
          env(),
        );
        expect(again.code).toBe(3);
        expect(again.stdout).toMatch(/changed 0,/);
        const [accepted, verify, verifyAccepted] = await Promise.all([
          runCli(
            'migrate-to-objectid.ts',
            ['--quiet', '--allow-invalid', '--report', join(reportDir, 'invalid-ok.jsonl')],
            env(),
          ),
          runCli('migrate-to-objectid.ts', ['--verify'], env()),
          runCli('migrate-to-objectid.ts', ['--verify', '--allow-invalid'], env()),
        ]);
        expect(accepted.stderr).toBe('');
        expect(accepted.code).toBe(0);
        expect(verify.code).toBe(3);
        expect(verify.stdout).toMatch(/created_at invalid_created_at value="sometime in 2019"/);
        expect(verify.stdout).toMatch(/modules\[0\] invalid_item value=null/);
        expect(verifyAccepted.code).toBe(0);
        expect(verifyAccepted.stdout).toMatch(/1 with only values left as found \(allowed\)/);
        expect(await invalid().find({}).sort({ course_id: 1 }).toArray()).toEqual([parsed, kept]);
      }, 90_000);
    });

    it('exits 0 from the backfill once everything is done', async () => {
      const before = await progressCount();
      const run = await runCli(
        'backfill-progress.ts',
        ['--quiet', '--report', join(reportDir, 'b.jsonl')],
        {
          DATABASE_URL: databaseUrl,
          // The suite's migrated content: the rows exist already, nothing new is inserted.
          MONGODB_URI: withDatabase(process.env.MONGODB_URI as string, mongoName('main')),
        },
      );
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(await pendingIds()).toEqual([]);
      expect(await progressCount()).toBe(before);
    }, 60_000);

    it("applies the operator's resolutions, rejecting what breaks the rules, idempotently", async () => {
      const ambiguous = report.filter((r) => r.reason === 'ambiguous');
      expect(ambiguous.length).toBeGreaterThan(0);
      const otherCourse = report.find(
        (r) => r.reason === 'ambiguous' && r.course_id !== ambiguous[0].course_id,
      );
      const line = (r: BackfillReportEntry, itemId: string) =>
        `${r.enrollment_id},${r.item_type},${r.legacy_id},${itemId}`;
      const good = ambiguous.map((r) => line(r, r.candidates![0].item_id));
      // An item of another course is no candidate.
      const bad = line(ambiguous[0], (otherCourse ?? ambiguous[0]).candidates!.at(-1)!.item_id);
      const csv = join(reportDir, 'resolutions.csv');
      writeFileSync(csv, ['enrollment_id,item_type,legacy_id,item_id', ...good, bad].join('\n'));
      const env = {
        DATABASE_URL: databaseUrl,
        MONGODB_URI: withDatabase(process.env.MONGODB_URI as string, mongoName('main')),
      };
      const before = await progressCount();
      const first = await runCli(
        'backfill-progress.ts',
        ['--quiet', '--resolutions', csv, '--report', join(reportDir, 'resolved-1.jsonl')],
        env,
      );
      expect(first.stderr).toMatch(/1 resolution\(s\) rejected/);
      expect(first.code).toBe(4);
      const lines = readFileSync(join(reportDir, 'resolved-1.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as BackfillReportEntry);
      const resolved = lines.filter((l) => l.reason === 'resolved');
      expect(resolved).toHaveLength(good.length);
      expect(resolved.every((l) => l.inserted)).toBe(true);
      expect(lines.filter((l) => l.reason === 'resolution_rejected')).toEqual([
        expect.objectContaining({ line: good.length + 2, why: expect.stringMatching(/not/) }),
      ]);
      expect(await progressCount()).toBe(before + good.length);
      for (const r of ambiguous) {
        const row = await pool.query(
          'select 1 from progress where user_id = $1 and course_id = $2 and item_id = $3',
          [r.student_id, r.course_id, r.candidates![0].item_id],
        );
        expect(row.rowCount).toBe(1);
      }

      const jsonl = join(reportDir, 'resolutions.jsonl');
      writeFileSync(
        jsonl,
        ambiguous
          .map((r) =>
            JSON.stringify({
              enrollment_id: r.enrollment_id,
              item_type: r.item_type,
              legacy_id: r.legacy_id,
              item_id: r.candidates![0].item_id,
            }),
          )
          .join('\n'),
      );
      const again = await runCli(
        'backfill-progress.ts',
        ['--quiet', '--resolutions', jsonl, '--report', join(reportDir, 'resolved-2.jsonl')],
        env,
      );
      expect(again.stderr).toBe('');
      expect(again.code).toBe(0);
      expect(again.stdout).toMatch(
        new RegExp(`resolutions applied ${good.length} \\(rows inserted 0\\), rejected 0`),
      );
      const repeated = readFileSync(join(reportDir, 'resolved-2.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as BackfillReportEntry);
      expect(repeated.map((l) => [l.reason, l.inserted])).toEqual(
        good.map(() => ['resolved', false]),
      );
      expect(await progressCount()).toBe(before + good.length);
    }, 60_000);

    it('rolls back without losing a completion, and ends with the same rows after up and backfill', async () => {
      const docs = new Map((await snapshot()).map((d) => [d.course_id as number, d]));
      const plain = written.enrollments.find(
        (e) =>
          docs.has(e.course_id) &&
          !written.courses[written.courseIds.indexOf(e.course_id)].kind.ambiguous &&
          !written.courses[written.courseIds.indexOf(e.course_id)].kind.garbage &&
          e.status === 'active',
      )!;
      const done = new Set(
        (
          await pool.query<{ item_id: string }>(
            'select item_id from progress where user_id = $1 and course_id = $2',
            [plain.student_id, plain.course_id],
          )
        ).rows.map((r) => r.item_id),
      );
      const fresh = (docs.get(plain.course_id)!.modules as Document[])
        .flatMap((m) => m.lessons as Document[])
        .find((l) => typeof l.legacy_id === 'number' && !done.has(l.lesson_id as string))!;
      // A completion recorded after the upgrade.
      await pool.query(
        `insert into progress (user_id, course_id, item_type, item_id) values ($1, $2, 'lesson', $3)`,
        [plain.student_id, plain.course_id, fresh.lesson_id],
      );
      const rowsNow = async () =>
        (
          await pool.query(
            `select user_id, course_id, item_type, item_id, score::text, completed_at from progress
             order by user_id, course_id, item_type, item_id`,
          )
        ).rows;
      const before = await rowsNow();

      await migrate(databaseUrl, 'down', undefined, { mongodbUri: mainMongoUri });
      const legacy = await pool.query('select completed_lessons from enrollments where id = $1', [
        plain.enrollment_id,
      ]);
      expect(legacy.rows[0].completed_lessons).toContain(fresh.legacy_id);
      expect(legacy.rows[0].completed_lessons).toEqual(
        expect.arrayContaining(plain.completed_lessons),
      );

      await migrate(databaseUrl, 'up');
      const summary = await backfillProgress({});
      expect(summary.progressRowsInserted).toBe(0);
      expect(await rowsNow()).toEqual(before);
    }, 60_000);
  });
});
