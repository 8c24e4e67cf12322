import { Migration } from '@mikro-orm/migrations';

const LEGACY_COLUMNS = `completed_modules, completed_lessons, completed_quizzes, quiz_scores,
  total_modules, total_lessons, completion_percentage, current_module_id, current_lesson_id`;

/**
 * The progress refactor: completions become rows in `progress`;
 * the legacy progress columns of `enrollments` are archived in `enrollment_progress_legacy`
 * (for the backfill) before they are dropped. `down` puts the columns back from the archive and
 * leaves every `progress` row in place.
 */
export class Migration20260201000000ProgressRefactor extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table if not exists progress (
        id bigserial primary key,
        user_id integer not null,
        course_id integer not null,
        item_type varchar(20) not null check (item_type in ('lesson', 'quiz', 'summary')),
        item_id varchar(50) not null,
        score numeric(5, 2) null check (score >= 0 and score <= 100),
        completed_at timestamptz not null default now(),
        created_at timestamptz not null default now(),
        constraint progress_user_course_item_unique unique (user_id, course_id, item_type, item_id)
      );`);
    this.addSql(
      'create index if not exists progress_course_id_user_id_index on progress (course_id, user_id);',
    );
    // `progress` survives every down migration, even one that drops `courses` (cascade removes
    // this key, not the rows), so the key is (re)added here; NOT VALID keeps rows whose course is
    // gone after such a full rollback, while new rows are checked.
    this.addSql(`
      do $$ begin
        if not exists (select 1 from pg_constraint where conname = 'progress_course_id_foreign') then
          alter table progress add constraint progress_course_id_foreign
            foreign key (course_id) references courses (id) not valid;
        end if;
      end $$;`);

    this.addSql(`
      create table enrollment_progress_legacy (
        enrollment_id integer primary key references enrollments (id),
        student_id integer not null,
        course_id integer not null,
        completed_modules integer[] not null default '{}',
        completed_lessons integer[] not null default '{}',
        completed_quizzes integer[] not null default '{}',
        quiz_scores jsonb null,
        total_modules integer not null default 0,
        total_lessons integer not null default 0,
        completion_percentage numeric(5, 2) not null default 0.00,
        current_module_id integer null,
        current_lesson_id integer null,
        enrollment_started_at timestamptz null,
        enrollment_completed_at timestamptz null,
        enrollment_last_accessed_at timestamptz null,
        archived_at timestamptz not null default now(),
        backfilled_at timestamptz null
      );`);
    this.addSql(`
      insert into enrollment_progress_legacy (
        enrollment_id, student_id, course_id, ${LEGACY_COLUMNS},
        enrollment_started_at, enrollment_completed_at, enrollment_last_accessed_at)
      select id, student_id, course_id, ${LEGACY_COLUMNS},
        started_at, completed_at, last_accessed_at
      from enrollments
      where cardinality(completed_modules) > 0
         or cardinality(completed_lessons) > 0
         or cardinality(completed_quizzes) > 0
         or (quiz_scores is not null and quiz_scores not in ('{}'::jsonb, 'null'::jsonb, '[]'::jsonb))
         or total_modules <> 0
         or total_lessons <> 0
         or completion_percentage <> 0
         or current_module_id is not null
         or current_lesson_id is not null;`);
    this.addSql(`
      alter table enrollments
        drop column completed_modules,
        drop column completed_lessons,
        drop column completed_quizzes,
        drop column quiz_scores,
        drop column total_modules,
        drop column total_lessons,
        drop column completion_percentage,
        drop column current_module_id,
        drop column current_lesson_id;`);
  }

  override async down(): Promise<void> {
    this.addSql(`
      alter table enrollments
        add column completed_modules integer[] not null default '{}',
        add column completed_lessons integer[] not null default '{}',
        add column total_modules integer not null default 0,
        add column total_lessons integer not null default 0,
        add column completion_percentage numeric(5, 2) not null default 0.00,
        add column completed_quizzes integer[] not null default '{}',
        add column quiz_scores jsonb null,
        add column current_module_id integer null,
        add column current_lesson_id integer null;`);
    this.addSql(`
      update enrollments e set
        completed_modules = l.completed_modules,
        completed_lessons = l.completed_lessons,
        completed_quizzes = l.completed_quizzes,
        quiz_scores = l.quiz_scores,
        total_modules = l.total_modules,
        total_lessons = l.total_lessons,
        completion_percentage = l.completion_percentage,
        current_module_id = l.current_module_id,
        current_lesson_id = l.current_lesson_id
      from enrollment_progress_legacy l
      where l.enrollment_id = e.id;`);
    this.addSql('drop table enrollment_progress_legacy;');
    // `progress` stays: rolling the schema back must not destroy a single completion.
  }
}
