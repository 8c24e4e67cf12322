import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { ObjectId } from 'bson';
import { Collection, MongoClient } from 'mongodb';
import { Client } from 'pg';
import { migrate } from '../../src/legacy-migration/legacy-migration.context';
import { RollbackPreparation } from '../../src/legacy-migration/rollback-fold.service';

const LEGACY = 'Migration20260101000000LegacySchema';
const LEGACY_COLUMNS = [
  'completed_modules',
  'completed_lessons',
  'total_modules',
  'total_lessons',
  'completion_percentage',
  'completed_quizzes',
  'quiz_scores',
  'current_module_id',
  'current_lesson_id',
];

/** Runs against its own database on the test server, so it can move the schema up and down. */
describe('Migration20260201000000ProgressRefactor (e2e)', () => {
  const name = `refactor_${randomBytes(4).toString('hex')}`;
  const serverUrl = new URL(process.env.DATABASE_URL as string);
  const dbUrl = new URL(serverUrl.toString());
  dbUrl.pathname = `/${name}`;
  let db: Client;
  let mongo: MongoClient;
  let contents: Collection;
  const mongoUrl = new URL(process.env.MONGODB_URI as string);
  mongoUrl.pathname = `/${name}`;
  const mongodbUri = mongoUrl.toString();

  beforeAll(async () => {
    mongo = await MongoClient.connect(process.env.MONGODB_URI as string);
    contents = mongo.db(name).collection('course_content');
    const admin = new Client({ connectionString: serverUrl.toString() });
    await admin.connect();
    await admin.query(`create database "${name}"`);
    await admin.end();
    await migrate(dbUrl.toString(), 'up', LEGACY);
    db = new Client({ connectionString: dbUrl.toString() });
    await db.connect();
  });

  afterAll(async () => {
    await contents.deleteMany({});
    await mongo.close();
    await db.end();
    const admin = new Client({ connectionString: serverUrl.toString() });
    await admin.connect();
    await admin.query(`drop database if exists "${name}" with (force)`);
    await admin.end();
  });

  const enrollmentColumns = async () =>
    (
      await db.query(
        `select column_name from information_schema.columns where table_name = 'enrollments'`,
      )
    ).rows.map((r) => r.column_name as string);

  const legacyState = async () =>
    (await db.query(`select id, ${LEGACY_COLUMNS.join(', ')} from enrollments order by id`)).rows;

  it('archives the legacy columns, drops them, and restores them on down without losing progress', async () => {
    const course = await db.query(
      `insert into courses (title, instructor_id, status) values ('Legacy', 1, 'published') returning id`,
    );
    const courseId = course.rows[0].id;
    await db.query(
      `insert into enrollments (student_id, course_id, completed_modules, completed_lessons,
         total_modules, total_lessons, completion_percentage, completed_quizzes, quiz_scores,
         current_module_id, current_lesson_id, started_at, last_accessed_at)
       values
         (10, $1, '{1}', '{1,2,3}', 2, 5, 60.00, '{7}', '{"7": 85.5}', 1, 3, now(), now()),
         (11, $1, '{}', '{4}', 2, 5, 20.00, '{}', null, null, null, null, null),
         (12, $1, '{}', '{}', 0, 0, 0, '{}', null, null, null, null, null)`,
      [courseId],
    );
    const before = await legacyState();

    await migrate(dbUrl.toString(), 'up');
    const columns = await enrollmentColumns();
    for (const column of LEGACY_COLUMNS) expect(columns).not.toContain(column);
    const archive = await db.query(
      `select student_id, completed_lessons, completed_quizzes, quiz_scores, completion_percentage,
              backfilled_at
       from enrollment_progress_legacy order by student_id`,
    );
    expect(archive.rows).toEqual([
      {
        student_id: 10,
        completed_lessons: [1, 2, 3],
        completed_quizzes: [7],
        quiz_scores: { '7': 85.5 },
        completion_percentage: '60.00',
        backfilled_at: null,
      },
      {
        student_id: 11,
        completed_lessons: [4],
        completed_quizzes: [],
        quiz_scores: null,
        completion_percentage: '20.00',
        backfilled_at: null,
      },
    ]);

    await db.query(
      `insert into progress (user_id, course_id, item_type, item_id) values (10, $1, 'lesson', $2)`,
      [courseId, 'aaaaaaaaaaaaaaaaaaaaaaaa'],
    );

    await expect(migrate(dbUrl.toString(), 'down')).rejects.toThrow(
      /needs the content documents: run "npm run migration:down" with MONGODB_URI set/,
    );
    await migrate(dbUrl.toString(), 'down', undefined, { mongodbUri });
    expect(await legacyState()).toEqual(before);
    expect((await db.query('select count(*)::int as n from progress')).rows[0].n).toBe(1);

    await migrate(dbUrl.toString(), 'up');
    const again = await db.query('select count(*)::int as n from enrollment_progress_legacy');
    expect(again.rows[0].n).toBe(2);
    expect((await db.query('select count(*)::int as n from progress')).rows[0].n).toBe(1);
    expect(await enrollmentColumns()).not.toContain('completed_lessons');
  });

  it('folds completions recorded since the upgrade back into the legacy arrays on down', async () => {
    const course = (await db.query(`select id from courses where title = 'Legacy'`)).rows[0].id;
    const oid = () => new ObjectId().toHexString();
    const lesson = (legacy_id: number | undefined, order: number) => ({
      lesson_id: oid(),
      ...(legacy_id === undefined ? {} : { legacy_id }),
      title: `Lesson ${order}`,
      type: 'text',
      content: '',
      duration_minutes: 5,
      order,
      is_preview: false,
      is_active: true,
      resources: [],
    });
    const lessons = [1, 2, 3, 4].map((n) => lesson(n, n));
    const created = lesson(undefined, 5);
    const quiz = { quiz_id: oid(), legacy_id: 7, title: 'Quiz', order: 6, is_active: true };
    await contents.insertOne({
      course_id: course,
      version: 3,
      modules: [
        {
          module_id: oid(),
          legacy_id: 1,
          title: 'One',
          order: 1,
          is_published: true,
          is_active: true,
          lessons: [...lessons, created],
          quizzes: [quiz],
          summaries: [],
        },
      ],
      metadata: {},
    });
    const complete = (user: number, type: string, id: string, score: number | null = null) =>
      db.query(
        `insert into progress (user_id, course_id, item_type, item_id, score)
         values ($1, $2, $3, $4, $5)`,
        [user, course, type, id, score],
      );
    await complete(10, 'lesson', lessons[3].lesson_id);
    await complete(10, 'quiz', quiz.quiz_id, 90);
    await complete(10, 'lesson', created.lesson_id);
    await complete(12, 'lesson', lessons[0].lesson_id);

    const prepared: RollbackPreparation[] = [];
    await migrate(dbUrl.toString(), 'down', undefined, {
      mongodbUri,
      onRollbackPrepared: (p) => prepared.push(p),
    });
    const after = await legacyState();
    // Student 10: one lesson and a better quiz score since the upgrade; 3 of 6 counted items
    // have rows, below the archived 60 %, which stays.
    expect(after[0]).toMatchObject({
      completed_lessons: [1, 2, 3, 4],
      completed_quizzes: [7],
      quiz_scores: { '7': 90 },
      total_modules: 1,
      total_lessons: 5,
      completion_percentage: '60.00',
    });
    // Student 11: nothing new, restored exactly as archived.
    expect(after[1]).toMatchObject({
      completed_lessons: [4],
      completed_quizzes: [],
      quiz_scores: null,
      total_modules: 2,
      total_lessons: 5,
      completion_percentage: '20.00',
    });
    // Student 12 had nothing in the legacy columns.
    expect(after[2]).toMatchObject({
      completed_lessons: [1],
      completed_quizzes: [],
      quiz_scores: null,
      total_lessons: 5,
      completion_percentage: '16.67',
    });
    expect(prepared[0].unfolded).toHaveLength(2);
    expect(prepared[0].unfolded).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          user_id: 10,
          item_id: 'aaaaaaaaaaaaaaaaaaaaaaaa',
          reason: 'not_in_content',
        }),
        expect.objectContaining({
          user_id: 10,
          item_id: created.lesson_id,
          reason: 'no_legacy_id',
        }),
      ]),
    );
    const leftovers = await db.query(`select to_regclass('rollback_content_items') as t`);
    expect(leftovers.rows[0].t).toBeNull();
    expect((await db.query('select count(*)::int as n from progress')).rows[0].n).toBe(5);
    await migrate(dbUrl.toString(), 'up');
  });

  it('refuses a malformed command line without reverting anything', async () => {
    const before = await enrollmentColumns();
    for (const args of [['down', '--to'], ['down', '--bogus'], ['down', 'extra'], ['sideways']]) {
      const run = spawnSync(
        process.execPath,
        ['-r', 'ts-node/register/transpile-only', 'scripts/migrate.ts', ...args],
        {
          cwd: resolve(__dirname, '../..'),
          env: { ...process.env, DATABASE_URL: dbUrl.toString() },
        },
      );
      expect({ args, code: run.status }).toEqual({ args, code: 2 });
      expect(run.stderr.toString()).toMatch(/^migrate: .*\nusage: migrate/m);
    }
    expect(await enrollmentColumns()).toEqual(before);
  }, 60_000);

  it('can revert every migration, keeping the progress rows, and apply them again', async () => {
    await migrate(dbUrl.toString(), 'down', 0, { mongodbUri });
    expect((await db.query('select count(*)::int as n from progress')).rows[0].n).toBe(5);
    await migrate(dbUrl.toString(), 'up');
    expect((await enrollmentColumns()).length).toBeGreaterThan(0);
    const key = await db.query(
      `select 1 from pg_constraint where conname = 'progress_course_id_foreign'`,
    );
    expect(key.rowCount).toBe(1);
  });
});
