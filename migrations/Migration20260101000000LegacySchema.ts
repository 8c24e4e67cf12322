import { Migration } from '@mikro-orm/migrations';
import { adoptExistingTables, existingTables, RunSql, TableName } from './legacy-adoption';

/** The tables as this service creates them on an empty database, in dependency order. */
const CREATE: Record<TableName, readonly string[]> = {
  courses: [
    `
      create table if not exists courses (
        id serial primary key,
        title varchar(200) not null,
        description text null,
        instructor_id integer not null,
        status varchar(20) not null default 'draft'
          check (status in ('draft', 'published', 'archived')),
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      );`,
    'create index if not exists courses_instructor_id_index on courses (instructor_id);',
    'create index if not exists courses_status_created_at_index on courses (status, created_at desc);',
  ],
  enrollments: [
    `
      create table if not exists enrollments (
        id serial primary key,
        student_id integer not null,
        course_id integer not null references courses (id),
        status varchar(20) not null default 'active'
          check (status in ('active', 'completed', 'dropped', 'suspended')),
        enrolled_at timestamptz not null default now(),
        started_at timestamptz null,
        completed_at timestamptz null,
        dropped_at timestamptz null,
        last_accessed_at timestamptz null,
        payment_status varchar(20) null,
        payment_amount numeric(10, 2) null,
        enrollment_source varchar(100) null,
        time_spent_minutes integer not null default 0,
        completed_modules integer[] not null default '{}',
        completed_lessons integer[] not null default '{}',
        total_modules integer not null default 0,
        total_lessons integer not null default 0,
        completion_percentage numeric(5, 2) not null default 0.00,
        completed_quizzes integer[] not null default '{}',
        quiz_scores jsonb null,
        current_module_id integer null,
        current_lesson_id integer null,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        constraint enrollments_student_id_course_id_unique unique (student_id, course_id)
      );`,
    'create index if not exists enrollments_course_id_index on enrollments (course_id);',
  ],
  certificates: [
    `
      create table if not exists certificates (
        id serial primary key,
        enrollment_id integer not null references enrollments (id),
        student_id integer not null,
        course_id integer not null references courses (id),
        certificate_number varchar(64) not null,
        issued_at timestamptz not null default now(),
        is_revoked boolean not null default false,
        revoked_at timestamptz null,
        revocation_reason text null,
        constraint certificates_enrollment_id_unique unique (enrollment_id),
        constraint certificates_certificate_number_unique unique (certificate_number)
      );`,
    'create index if not exists certificates_student_id_index on certificates (student_id);',
    'create index if not exists certificates_course_id_index on certificates (course_id);',
  ],
};

/**
 * The schema as the legacy (Python) service left it: enrollments still carry the
 * progress arrays. History starts here so the progress refactor is a real, tested step.
 * On a database where the legacy service already made these tables, `up` adopts them (see
 * legacy-adoption.ts) instead of creating them.
 */
export class Migration20260101000000LegacySchema extends Migration {
  override async up(): Promise<void> {
    const sql: RunSql = (query, params) => this.execute(query, params);
    if ((await existingTables(sql)).length === 0) {
      for (const statement of Object.values(CREATE).flat()) this.addSql(statement);
      return;
    }
    const report = await adoptExistingTables(sql, CREATE);
    console.log(`Adopted the existing database:\n${report.map((l) => `  ${l}`).join('\n')}`);
  }

  /**
   * Drops the tables only while all of them are empty. Rows in them are real data, possibly
   * adopted from the legacy service, so they are kept, as `up` found them; the next `up` adopts
   * them again.
   */
  override async down(): Promise<void> {
    const sql: RunSql = (query, params) => this.execute(query, params);
    const held: string[] = [];
    for (const table of await existingTables(sql)) {
      const [{ n }] = await sql(`select count(*)::int as n from ${table}`);
      if (Number(n) > 0) held.push(`${table} (${n})`);
    }
    if (held.length) {
      console.log(
        `Kept courses, enrollments and certificates: they hold rows (${held.join(', ')}). ` +
          `Reverting the first migration never deletes data; drop the tables by hand if that is ` +
          `really meant. The next migration up adopts them as they are.`,
      );
      return;
    }
    this.addSql('drop table if exists certificates;');
    this.addSql('drop table if exists enrollments;');
    // `progress` (kept by the refactor's down) references courses: cascade drops that foreign key,
    // not the progress rows.
    this.addSql('drop table if exists courses cascade;');
  }
}
