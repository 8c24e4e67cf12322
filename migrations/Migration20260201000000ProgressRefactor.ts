import { Migration } from '@mikro-orm/migrations';

const LEGACY_COLUMNS = `completed_modules, completed_lessons, completed_quizzes, quiz_scores,
  total_modules, total_lessons, completion_percentage, current_module_id, current_lesson_id`;

/*
 * Completions recorded after the upgrade are folded back into the legacy arrays, so a rollback
 * loses none: each progress row whose item carries a legacy_id adds that integer to
 * completed_lessons, or to completed_quizzes with its score in quiz_scores (a quiz, or a quiz-type
 * lesson with a score or listed there before), after the archived values and in ascending order; a score replaces the
 * archived one only when higher or when that one is not a number. An enrollment the fold changes
 * gets today's totals and completion_percentage = the greater of the archived figure and the
 * share of today's counted items it has rows for (unmapped legacy completions never lower it).
 * The item translations come from rollback_content_items / rollback_content_courses, which
 * `npm run migration:down` writes from MongoDB first (src/legacy-migration/rollback-fold.service.ts); without
 * them the revert refuses when there are progress rows. Rows without a legacy_id stay in
 * `progress` only.
 */
const FOLD_PROGRESS_INTO_LEGACY_COLUMNS = `
  do $$ begin
    if to_regclass('rollback_content_items') is null then
      if exists (select 1 from progress) then
        raise exception using message =
          'reverting the progress refactor folds progress rows back into the legacy arrays and '
          'needs the content documents: run "npm run migration:down" with MONGODB_URI set';
      end if;
      return;
    end if;
    with done as (
      select e.id as enrollment_id, i.legacy_id, i.counted, p.score,
        case when i.item_type = 'quiz' or (i.quiz_lesson
            and (p.score is not null or i.legacy_id = any (e.completed_quizzes)))
          then 'quiz' else 'lesson' end as legacy_type
      from enrollments e
      join progress p on p.user_id = e.student_id and p.course_id = e.course_id
      join rollback_content_items i
        on i.course_id = p.course_id and i.item_type = p.item_type and i.item_id = p.item_id
    ),
    ids as (
      select enrollment_id,
        coalesce(array_agg(distinct legacy_id) filter (
          where legacy_type = 'lesson' and legacy_id is not null), '{}') as lessons,
        coalesce(array_agg(distinct legacy_id) filter (
          where legacy_type = 'quiz' and legacy_id is not null), '{}') as quizzes,
        count(*) filter (where counted) as counted_done
      from done group by enrollment_id
    ),
    best as (
      select enrollment_id, jsonb_object_agg(legacy_id::text, score) as scores
      from (
        select enrollment_id, legacy_id, max(score) as score from done
        where legacy_type = 'quiz' and legacy_id is not null and score is not null
        group by enrollment_id, legacy_id
      ) s
      group by enrollment_id
    ),
    folded as (
      select e.id,
        array(select x from unnest(ids.lessons) x
              where x <> all (e.completed_lessons) order by x) as new_lessons,
        array(select x from unnest(ids.quizzes) x
              where x <> all (e.completed_quizzes) order by x) as new_quizzes,
        (select jsonb_object_agg(n.key, n.value) from jsonb_each(best.scores) n
         where jsonb_typeof(coalesce(e.quiz_scores, '{}'::jsonb)) = 'object'
           and (jsonb_typeof(e.quiz_scores -> n.key) is distinct from 'number'
                or (e.quiz_scores ->> n.key)::numeric < (n.value #>> '{}')::numeric)
        ) as new_scores,
        ids.counted_done
      from enrollments e
      join ids on ids.enrollment_id = e.id
      left join best on best.enrollment_id = e.id
    )
    update enrollments e set
      completed_lessons = e.completed_lessons || f.new_lessons,
      completed_quizzes = e.completed_quizzes || f.new_quizzes,
      quiz_scores = case when f.new_scores is null then e.quiz_scores
        else coalesce(e.quiz_scores, '{}'::jsonb) || f.new_scores end,
      total_modules = c.total_modules,
      total_lessons = c.total_lessons,
      completion_percentage = greatest(e.completion_percentage,
        round(100.0 * f.counted_done / nullif(c.counted_items, 0), 2), 0)
    from folded f
    join rollback_content_courses c on true
    where e.id = f.id and c.course_id = e.course_id
      and (cardinality(f.new_lessons) > 0 or cardinality(f.new_quizzes) > 0
           or f.new_scores is not null);
    drop table rollback_content_items, rollback_content_courses;
  end $$;`;

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
        enrollment_status varchar(20) null,
        enrollment_started_at timestamptz null,
        enrollment_completed_at timestamptz null,
        enrollment_last_accessed_at timestamptz null,
        archived_at timestamptz not null default now(),
        backfilled_at timestamptz null
      );`);
    this.addSql(`
      insert into enrollment_progress_legacy (
        enrollment_id, student_id, course_id, ${LEGACY_COLUMNS}, enrollment_status,
        enrollment_started_at, enrollment_completed_at, enrollment_last_accessed_at)
      select id, student_id, course_id, ${LEGACY_COLUMNS}, status,
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
    this.addSql(FOLD_PROGRESS_INTO_LEGACY_COLUMNS);
    this.addSql('drop table enrollment_progress_legacy;');
    // `progress` stays: rolling the schema back must not destroy a single completion.
  }
}
