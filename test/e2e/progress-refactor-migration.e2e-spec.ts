import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { migrate } from '../../scripts/lib/migrations';

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

  beforeAll(async () => {
    const admin = new Client({ connectionString: serverUrl.toString() });
    await admin.connect();
    await admin.query(`create database "${name}"`);
    await admin.end();
    await migrate(dbUrl.toString(), 'up', LEGACY);
    db = new Client({ connectionString: dbUrl.toString() });
    await db.connect();
  });

  afterAll(async () => {
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

    await migrate(dbUrl.toString(), 'down');
    expect(await legacyState()).toEqual(before);
    expect((await db.query('select count(*)::int as n from progress')).rows[0].n).toBe(1);

    await migrate(dbUrl.toString(), 'up');
    const again = await db.query('select count(*)::int as n from enrollment_progress_legacy');
    expect(again.rows[0].n).toBe(2);
    expect((await db.query('select count(*)::int as n from progress')).rows[0].n).toBe(1);
    expect(await enrollmentColumns()).not.toContain('completed_lessons');
  });

  it('can revert every migration, keeping the progress rows, and apply them again', async () => {
    await migrate(dbUrl.toString(), 'down', 0 as never);
    expect((await db.query('select count(*)::int as n from progress')).rows[0].n).toBe(1);
    await migrate(dbUrl.toString(), 'up');
    expect((await enrollmentColumns()).length).toBeGreaterThan(0);
    const key = await db.query(
      `select 1 from pg_constraint where conname = 'progress_course_id_foreign'`,
    );
    expect(key.rowCount).toBe(1);
  });
});
