import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { migrate } from '../../src/legacy-migration/legacy-migration.context';
import { bearer, createTestApp } from '../support/create-test-app';

const SERVICE_TABLES = ['courses', 'enrollments', 'certificates'];

interface LegacyShape {
  /** native PostgreSQL enums for the status columns (what SQLAlchemy's Enum makes) */
  enums: boolean;
  /** status values in upper case (SQLAlchemy stores enum member names) */
  upper: boolean;
  /** the legacy docs never defined courses: one variant has no status column at all */
  courseStatus: boolean;
  /** SERIAL ids; otherwise plain integer keys the legacy application assigned itself */
  serialIds: boolean;
  /** unique (student_id, course_id) and the certificate's key to its enrollment */
  constraints: boolean;
}

/** DDL as the legacy Python/SQLAlchemy service would have left it (no time zones, json). */
function legacyDdl(o: LegacyShape): string {
  const label = (s: string) => (o.upper ? s.toUpperCase() : s);
  const labels = (values: string[]) => values.map((v) => `'${label(v)}'`).join(', ');
  const id = o.serialIds ? 'serial' : 'integer';
  return `
    ${
      o.enums
        ? `create type coursestatus as enum (${labels(['draft', 'published', 'archived'])});
           create type enrollmentstatus as enum (${labels(['active', 'completed', 'dropped', 'suspended'])});`
        : ''
    }
    create table courses (
      id ${id} not null,
      title varchar(255) not null,
      description text,
      instructor_id integer not null,
      ${o.courseStatus ? `status ${o.enums ? 'coursestatus' : 'varchar(50)'} not null,` : ''}
      created_at timestamp without time zone not null,
      updated_at timestamp without time zone not null,
      primary key (id)
    );
    create index ix_courses_instructor_id on courses (instructor_id);
    create table enrollments (
      id ${id} not null,
      student_id integer not null,
      course_id integer not null,
      status ${o.enums ? 'enrollmentstatus' : 'varchar(50)'} not null,
      enrolled_at timestamp without time zone not null,
      started_at timestamp without time zone,
      completed_at timestamp without time zone,
      dropped_at timestamp without time zone,
      last_accessed_at timestamp without time zone,
      payment_status varchar(50),
      payment_amount numeric(10, 2),
      enrollment_source varchar(100),
      time_spent_minutes integer not null,
      completed_modules integer[],
      completed_lessons integer[],
      total_modules integer,
      total_lessons integer,
      completion_percentage numeric(5, 2),
      completed_quizzes integer[],
      quiz_scores json,
      current_module_id integer,
      current_lesson_id integer,
      created_at timestamp without time zone not null,
      updated_at timestamp without time zone not null,
      primary key (id)
      ${o.constraints ? ', constraint uq_enrollment_student_course unique (student_id, course_id)' : ''}
    );
    create index ix_enrollments_student_id on enrollments (student_id);
    create index ix_enrollments_course_id on enrollments (course_id);
    create table certificates (
      id ${id} not null,
      enrollment_id integer not null,
      issued_at timestamp without time zone,
      primary key (id)
      ${o.constraints ? ', foreign key (enrollment_id) references enrollments (id)' : ''}
    );`;
}

/** Rows with explicit ids, as a dump restore writes them (SERIAL sequences stay behind). */
function legacyRows(o: LegacyShape): string {
  const s = (v: string) => `'${o.upper ? v.toUpperCase() : v}'`;
  const courseStatus = (v: string) => (o.courseStatus ? `, ${s(v)}` : '');
  return `
    insert into courses (id, title, description, instructor_id${o.courseStatus ? ', status' : ''},
      created_at, updated_at)
    values
      (1, 'Python for Data Science', 'Legacy course', 501${courseStatus('published')},
       '2025-01-05 08:00:00', '2025-01-06 08:00:00'),
      (2, 'Go in Practice', null, 502${courseStatus('archived')},
       '2025-01-07 08:00:00', '2025-01-07 08:00:00');
    insert into enrollments (id, student_id, course_id, status, enrolled_at, started_at,
      completed_at, dropped_at, last_accessed_at, payment_status, payment_amount,
      enrollment_source, time_spent_minutes, completed_modules, completed_lessons, total_modules,
      total_lessons, completion_percentage, completed_quizzes, quiz_scores, current_module_id,
      current_lesson_id, created_at, updated_at)
    values
      (1, 1001, 1, ${s('completed')}, '2025-02-01 09:30:00', '2025-02-01 10:00:00',
       '2025-03-01 10:00:00', null, '2025-03-01 10:00:00', 'paid', 49.90, 'web', 600,
       '{1,2}', '{1,2,3,4}', 2, 4, 100.00, '{7}', '{"7": 85.5}', 2, 4,
       '2025-02-01 09:30:00', '2025-03-01 10:00:00'),
      (2, 1002, 1, ${s('active')}, '2025-02-02 09:30:00', null, null, null, null,
       null, null, null, 0, null, null, null, null, null, null, null, null, null,
       '2025-02-02 09:30:00', '2025-02-02 09:30:00'),
      (3, 1001, 2, ${s('dropped')}, '2025-02-03 09:30:00', '2025-02-03 10:00:00', null,
       '2025-02-10 12:00:00', '2025-02-10 12:00:00', null, null, 'mobile', 30,
       null, '{5}', 3, 9, 11.11, null, null, 1, 5,
       '2025-02-03 09:30:00', '2025-02-10 12:00:00'),
      (4, 1003, 1, ${s('completed')}, '2025-02-04 09:30:00', '2025-02-04 10:00:00',
       '2025-04-01 16:45:00', null, '2025-04-01 16:45:00', null, null, null, 300,
       '{}', '{1,2,3,4}', 2, 4, 100.00, '{}', '{}', null, null,
       '2025-02-04 09:30:00', '2025-04-01 16:45:00');
    insert into certificates (id, enrollment_id, issued_at)
    values (1, 1, '2025-03-01 10:05:00'), (2, 4, null);`;
}

const utc = (iso: string) => new Date(`${iso}Z`);

/** Each case gets its own database on the test server, dropped afterwards. */
async function legacyDatabase(o: LegacyShape, extra = '') {
  const name = `adopt_${randomBytes(4).toString('hex')}`;
  const server = new URL(process.env.DATABASE_URL as string);
  const url = new URL(server.toString());
  url.pathname = `/${name}`;
  const admin = new Client({ connectionString: server.toString() });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  // Sessions on this database default to a time zone other than UTC: reading the legacy
  // timestamps as UTC must not depend on the session.
  await admin.query(`alter database "${name}" set timezone to 'America/New_York'`);
  await admin.end();
  const db = new Client({ connectionString: url.toString() });
  await db.connect();
  await db.query(legacyDdl(o));
  await db.query(legacyRows(o));
  if (extra) await db.query(extra);
  return {
    url: url.toString(),
    db,
    async drop() {
      await db.end();
      const a = new Client({ connectionString: server.toString() });
      await a.connect();
      await a.query(`drop database if exists "${name}" with (force)`);
      await a.end();
    },
  };
}

const rows = async (db: Client, query: string, params: unknown[] = []) =>
  (await db.query(query, params)).rows;

/** Columns, keys, checks and indexes of the service's tables, to compare two databases. */
async function shape(db: Client) {
  const columns = await rows(
    db,
    `select c.relname as table, a.attname as column, format_type(a.atttypid, a.atttypmod) as type,
       a.attnotnull as not_null, pg_get_expr(d.adbin, d.adrelid) as default
     from pg_attribute a
     join pg_class c on c.oid = a.attrelid
     left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
     where c.relname = any($1) and c.relnamespace = 'public'::regnamespace
       and a.attnum > 0 and not a.attisdropped
     order by 1, 2`,
    [SERVICE_TABLES],
  );
  const constraints = await rows(
    db,
    `select c.relname as table, con.contype as type, r.relname as references,
       array(select a.attname::text from unnest(con.conkey) k
             join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k order by 1) as columns,
       case when con.contype = 'c' then pg_get_constraintdef(con.oid) end as check
     from pg_constraint con
     join pg_class c on c.oid = con.conrelid
     left join pg_class r on r.oid = con.confrelid
     where c.relname = any($1) and c.relnamespace = 'public'::regnamespace`,
    [SERVICE_TABLES],
  );
  const indexes = await rows(
    db,
    `select c.relname as table,
       array(select a.attname::text from unnest(x.indkey::int2[]) with ordinality k(n, i)
             join pg_attribute a on a.attrelid = x.indrelid and a.attnum = k.n order by k.i)
         as columns
     from pg_index x join pg_class c on c.oid = x.indrelid
     where c.relname = any($1) and c.relnamespace = 'public'::regnamespace`,
    [SERVICE_TABLES],
  );
  return { columns, constraints, indexes };
}

/** Everything a refused adoption must leave as it was. */
async function snapshot(db: Client) {
  const tables = [...SERVICE_TABLES, 'progress', 'enrollment_progress_legacy'];
  return {
    shape: await shape(db),
    defaults: await rows(
      db,
      `select table_name, column_name, column_default, is_nullable, data_type
       from information_schema.columns where table_name = any($1) order by 1, 2`,
      [tables],
    ),
    relations: await rows(
      db,
      `select relname, relkind from pg_class
       where relnamespace = 'public'::regnamespace and relname not like 'mikro_orm_migrations%'
       order by 1`,
    ),
    types: await rows(
      db,
      `select t.typname, array_agg(e.enumlabel::text order by e.enumsortorder) as labels
       from pg_type t join pg_enum e on e.enumtypid = t.oid group by 1 order by 1`,
    ),
    data: await Promise.all(
      SERVICE_TABLES.map(async (t) =>
        (await rows(db, `select to_regclass($1) as found`, [t]))[0].found
          ? rows(db, `select * from ${t} order by id::text`)
          : null,
      ),
    ),
  };
}

/** Runs `fn` with console.log captured, returning what was logged. */
async function logged(fn: () => Promise<unknown>): Promise<string> {
  const spy = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  try {
    await fn();
    return spy.mock.calls.map((c) => c.join(' ')).join('\n');
  } finally {
    spy.mockRestore();
  }
}

describe('Migration20260101000000LegacySchema on a legacy database (e2e)', () => {
  let main: Client;

  beforeAll(async () => {
    main = new Client({ connectionString: process.env.DATABASE_URL });
    await main.connect();
  });
  afterAll(() => main.end());

  /** The adopted schema matches what the migrations create on an empty database. */
  async function expectServiceShape(db: Client) {
    const [fresh, adopted] = [await shape(main), await shape(db)];
    // Legacy text columns keep their (longer) lengths: shortening could only lose data.
    const loose = (c: Record<string, unknown>) =>
      ['title', 'payment_status'].includes(String(c.column)) ? { ...c, type: 'text-ish' } : c;
    expect(adopted.columns.map(loose)).toEqual(fresh.columns.map(loose));
    expect(adopted.constraints).toEqual(expect.arrayContaining(fresh.constraints));
    for (const index of fresh.indexes) {
      const served = adopted.indexes.some(
        (i) =>
          i.table === index.table &&
          (index.columns as string[]).every((c, n) => i.columns[n] === c),
      );
      expect({ ...index, served }).toEqual({ ...index, served: true });
    }
  }

  describe('a SQLAlchemy database: upper-case enums, SERIAL ids, courses without status', () => {
    const o: LegacyShape = {
      enums: true,
      upper: true,
      courseStatus: false,
      serialIds: true,
      constraints: true,
    };
    let legacy: Awaited<ReturnType<typeof legacyDatabase>>;
    let log: string;

    beforeAll(async () => {
      legacy = await legacyDatabase(o);
      log = await logged(() => migrate(legacy.url, 'up'));
    });
    afterAll(() => legacy.drop());

    it('keeps every row, lower-cases the statuses and reads the old timestamps as UTC', async () => {
      const courses = await rows(legacy.db, 'select id, title, status, created_at from courses');
      expect(courses).toEqual([
        {
          id: 1,
          title: 'Python for Data Science',
          status: 'published',
          created_at: utc('2025-01-05T08:00:00'),
        },
        {
          id: 2,
          title: 'Go in Practice',
          status: 'published',
          created_at: utc('2025-01-07T08:00:00'),
        },
      ]);
      const enrollments = await rows(
        legacy.db,
        `select id, student_id, course_id, status, enrolled_at, completed_at, dropped_at,
           payment_amount, time_spent_minutes
         from enrollments order by id`,
      );
      expect(enrollments).toEqual([
        {
          id: 1,
          student_id: 1001,
          course_id: 1,
          status: 'completed',
          enrolled_at: utc('2025-02-01T09:30:00'),
          completed_at: utc('2025-03-01T10:00:00'),
          dropped_at: null,
          payment_amount: '49.90',
          time_spent_minutes: 600,
        },
        expect.objectContaining({ id: 2, status: 'active', completed_at: null }),
        expect.objectContaining({
          id: 3,
          status: 'dropped',
          dropped_at: utc('2025-02-10T12:00:00'),
        }),
        expect.objectContaining({ id: 4, status: 'completed' }),
      ]);
    });

    it('backfills the certificates: student, course, a unique number, not revoked', async () => {
      const certificates = await rows(legacy.db, 'select * from certificates order by id');
      expect(certificates).toEqual([
        {
          id: 1,
          enrollment_id: 1,
          student_id: 1001,
          course_id: 1,
          certificate_number: expect.stringMatching(/^CERT-[A-Z2-7]{26}$/),
          issued_at: utc('2025-03-01T10:05:00'),
          is_revoked: false,
          revoked_at: null,
          revocation_reason: null,
        },
        expect.objectContaining({
          id: 2,
          enrollment_id: 4,
          student_id: 1003,
          // No issue date was recorded: the enrollment's completion stands in for it.
          issued_at: utc('2025-04-01T16:45:00'),
          certificate_number: expect.stringMatching(/^CERT-[A-Z2-7]{26}$/),
        }),
      ]);
      expect(certificates[0].certificate_number).not.toBe(certificates[1].certificate_number);
    });

    it('archives the legacy progress (NULL arrays read as empty) for the backfill', async () => {
      const archive = await rows(
        legacy.db,
        `select enrollment_id, completed_modules, completed_lessons, completed_quizzes, quiz_scores,
           total_lessons, completion_percentage, enrollment_completed_at
         from enrollment_progress_legacy order by enrollment_id`,
      );
      expect(archive).toEqual([
        {
          enrollment_id: 1,
          completed_modules: [1, 2],
          completed_lessons: [1, 2, 3, 4],
          completed_quizzes: [7],
          quiz_scores: { '7': 85.5 },
          total_lessons: 4,
          completion_percentage: '100.00',
          enrollment_completed_at: utc('2025-03-01T10:00:00'),
        },
        expect.objectContaining({
          enrollment_id: 3,
          completed_modules: [],
          completed_lessons: [5],
          completed_quizzes: [],
          quiz_scores: null,
        }),
        expect.objectContaining({ enrollment_id: 4, completed_lessons: [1, 2, 3, 4] }),
      ]);
    });

    it('leaves the schema the migrations create on an empty database', async () => {
      await expectServiceShape(legacy.db);
    });

    it('tells the operator what it adopted', () => {
      expect(log).toContain('Adopted the existing database');
      expect(log).toMatch(
        /courses \(2 rows kept\): .*added status = 'published' for existing rows/,
      );
      expect(log).toMatch(
        /enrollments \(4 rows kept\): .*converted status \(enum enrollmentstatus -> varchar\(20\), lower-cased\)/,
      );
      expect(log).toMatch(
        /converted enrolled_at, started_at, .* \(timestamp -> timestamptz, read as UTC\)/,
      );
      expect(log).toMatch(/NULLs filled: completed_modules = '\{\}' \(2\)/);
      expect(log).toMatch(/certificates \(2 rows kept\): .*drew 2 certificate numbers/);
      expect(log).toContain('moved id sequence past max(id) 4');
    });

    it("serves the legacy rows through the app's own code", async () => {
      const t = await createTestApp({ DATABASE_URL: legacy.url });
      try {
        const api = (method: 'GET' | 'POST', url: string, headers = {}, payload?: object) =>
          t.app.inject({ method, url: `/api/v1${url}`, headers, payload });
        const [cert] = await rows(legacy.db, 'select certificate_number from certificates');

        const verified = await api('GET', `/certificates/verify/${cert.certificate_number}`);
        expect(verified.statusCode).toBe(200);
        expect(verified.json()).toMatchObject({
          valid: true,
          course_id: 1,
          course_title: 'Python for Data Science',
          student_id: 1001,
          issued_at: '2025-03-01T10:05:00.000Z',
        });

        const mine = await api('GET', '/enrollments/me', bearer(1001, 'student'));
        expect(mine.statusCode).toBe(200);
        expect(mine.json().items).toEqual([
          expect.objectContaining({ id: 3, status: 'dropped' }),
          expect.objectContaining({
            id: 1,
            status: 'completed',
            enrolled_at: '2025-02-01T09:30:00.000Z',
          }),
        ]);

        const enrolled = await api('POST', '/enrollments', bearer(1004, 'student'), {
          course_id: 1,
        });
        expect(enrolled.statusCode).toBe(201);
        expect(enrolled.json()).toMatchObject({ id: 5, status: 'active', time_spent_minutes: 0 });

        const created = await api('POST', '/courses', bearer(501, 'instructor'), {
          title: 'Created after adoption',
        });
        expect(created.statusCode).toBe(201);
        expect(created.json()).toMatchObject({ id: 3, status: 'draft' });

        const revoked = await api('POST', '/certificates/1/revoke', bearer(501, 'instructor'), {
          reason: 'Issued by mistake',
        });
        expect(revoked.statusCode).toBe(200);
        expect(revoked.json()).toMatchObject({
          is_revoked: true,
          revocation_reason: 'Issued by mistake',
        });
      } finally {
        await t.close();
      }
    });

    it('keeps the rows when every migration is reverted, and adopts them again unchanged', async () => {
      const before = await snapshot(legacy.db);
      const down = await logged(() => migrate(legacy.url, 'down', 0 as never));
      expect(down).toMatch(/Kept courses, enrollments and certificates: they hold rows/);
      expect((await rows(legacy.db, 'select count(*)::int as n from enrollments'))[0].n).toBe(5);

      const up = await logged(() => migrate(legacy.url, 'up'));
      for (const table of SERVICE_TABLES) {
        expect(up).toMatch(new RegExp(`${table} \\(\\d+ rows? kept\\): already in shape`));
      }
      const after = await snapshot(legacy.db);
      expect(after.shape).toEqual(before.shape);
      expect(after.data).toEqual(before.data);
    });
  });

  it('adopts lower-case enums, ids without defaults and a schema without keys', async () => {
    const legacy = await legacyDatabase({
      enums: true,
      upper: false,
      courseStatus: true,
      serialIds: false,
      constraints: false,
    });
    try {
      const log = await logged(() => migrate(legacy.url, 'up'));
      expect(log).toMatch(/added id sequence courses_id_seq starting at 3/);
      expect(log).toMatch(/added unique enrollments_student_id_course_id_unique/);
      expect(log).toMatch(/added foreign key certificates_enrollment_id_fkey/);
      await expectServiceShape(legacy.db);
      expect(await rows(legacy.db, 'select id, status from courses order by id')).toEqual([
        { id: 1, status: 'published' },
        { id: 2, status: 'archived' },
      ]);
      const [course] = await rows(
        legacy.db,
        `insert into courses (title, instructor_id) values ('New', 9) returning id, status`,
      );
      expect(course).toEqual({ id: 3, status: 'draft' });
      const [cert] = await rows(
        legacy.db,
        `insert into certificates (enrollment_id, student_id, course_id, certificate_number)
         values (3, 1001, 2, 'CERT-NEW') returning id, is_revoked`,
      );
      expect(cert).toEqual({ id: 3, is_revoked: false });
    } finally {
      await legacy.drop();
    }
  });

  describe('refuses what it cannot adopt, changing nothing', () => {
    // Upper-case text statuses, no keys: the kind of schema whose data can go wrong.
    const base: LegacyShape = {
      enums: false,
      upper: true,
      courseStatus: true,
      serialIds: true,
      constraints: false,
    };

    it('adopts this base when nothing is wrong with it', async () => {
      const legacy = await legacyDatabase(base);
      try {
        await logged(() => migrate(legacy.url, 'up'));
        expect(await rows(legacy.db, 'select id, status from enrollments order by id')).toEqual([
          { id: 1, status: 'completed' },
          { id: 2, status: 'active' },
          { id: 3, status: 'dropped' },
          { id: 4, status: 'completed' },
        ]);
        await expectServiceShape(legacy.db);
      } finally {
        await legacy.drop();
      }
    });

    it('creates a missing table next to the adopted ones', async () => {
      const legacy = await legacyDatabase(base, 'drop table certificates');
      try {
        const log = await logged(() => migrate(legacy.url, 'up'));
        expect(log).toContain('certificates: created (it did not exist)');
        await expectServiceShape(legacy.db);
      } finally {
        await legacy.drop();
      }
    });

    it.each([
      {
        case: 'duplicate enrollments',
        extra: `insert into enrollments (id, student_id, course_id, status, enrolled_at,
                  time_spent_minutes, created_at, updated_at)
                values (9, 1001, 1, 'ACTIVE', now(), 0, now(), now())`,
        error:
          /enrollments has 1 duplicate of \(student_id, course_id\).*student_id 1001, course_id 1 in ids 1, 9/,
      },
      {
        case: 'two certificates for one enrollment',
        extra: `insert into certificates (id, enrollment_id, issued_at) values (3, 1, now())`,
        error: /certificates has 1 duplicate of \(enrollment_id\).*enrollment_id 1 in ids 1, 3/,
      },
      {
        case: 'enrollments in a course that does not exist',
        extra: `delete from courses where id = 2`,
        error:
          /enrollments\.course_id refers to courses that do not exist \(courses\.id 2\) in 1 row \(id 3\)/,
      },
      {
        case: 'a certificate of an enrollment that does not exist',
        extra: `insert into certificates (id, enrollment_id) values (3, 77)`,
        error:
          /certificates\.enrollment_id refers to enrollments that do not exist \(enrollments\.id 77\)/,
      },
      {
        case: 'enrollments when the courses table is missing',
        extra: `drop table courses`,
        error:
          /enrollments\.course_id refers to courses that do not exist \(courses\.id 1, 2\) in 4 rows \(id 1, 2, 3, 4\) \(there is no courses table\)/,
      },
      {
        case: 'a status outside the allowed set',
        extra: `update enrollments set status = 'PENDING' where id = 2`,
        error:
          /enrollments\.status has values the service does not know \(PENDING\) in 1 row \(id 2\)/,
      },
      {
        case: 'courses without owners',
        extra: `alter table courses drop column instructor_id`,
        error: /courses has no instructor_id column, which cannot be invented/,
      },
      {
        case: 'non-integer ids',
        extra: `alter table certificates alter column id drop default;
                alter table certificates alter column id type text`,
        error: /certificates\.id is text, not an integer/,
      },
      {
        case: 'an unknown NOT NULL column without a default, listed with every other problem',
        extra: `alter table enrollments add column cohort_id integer not null default 1;
                alter table enrollments alter column cohort_id drop default;
                alter table courses drop column title`,
        error:
          /courses has no title column[^]*enrollments\.cohort_id is NOT NULL without a default/,
      },
    ])('refuses $case', async ({ extra, error }) => {
      const legacy = await legacyDatabase(base, extra);
      try {
        const before = await snapshot(legacy.db);
        const failure = await migrate(legacy.url, 'up').then(
          () => new Error('adopted'),
          (e: Error) => e,
        );
        expect(failure.message).toMatch(error);
        expect(failure.message).toMatch(/Cannot adopt the existing database; nothing was changed/);
        expect(await snapshot(legacy.db)).toEqual(before);
      } finally {
        await legacy.drop();
      }
    });
  });
});
