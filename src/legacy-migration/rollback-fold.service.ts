import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { Document } from 'mongodb';
import { normalizeContent } from '../course-content/domain/content-normalize';
import { countedItems } from '../progress/domain/progress-calculator';
import { query } from '../database/records';
import { buildLegacyIndex } from './domain/legacy-completions';
import { LegacyContentRepository } from './legacy-content.repository';

/*
 * Reverting the progress refactor puts the legacy array columns back. Completions recorded after
 * the upgrade live only in `progress`, keyed by ObjectId strings; the legacy columns hold
 * integers, which only the content documents in MongoDB can translate (`legacy_id`). The
 * migration cannot reach MongoDB, so before it runs this writes what it needs into two
 * PostgreSQL tables, which the migration's `down` reads and drops:
 * - rollback_content_items: every lesson and quiz of the courses that have progress rows, with
 *   its legacy_id (null for items created after the upgrade), whether it is a quiz-type lesson
 *   and whether it counts today;
 * - rollback_content_courses: today's totals per course (published active modules, counted
 *   lessons, counted items), for the recomputed legacy percentage.
 */

export const ROLLBACK_ITEMS_TABLE = 'rollback_content_items';
export const ROLLBACK_COURSES_TABLE = 'rollback_content_courses';

export interface RollbackUnfolded {
  user_id: number;
  course_id: number;
  item_type: string;
  item_id: string;
  /** `no_legacy_id`: created after the upgrade; `not_in_content`: no such item or document. */
  reason: 'no_legacy_id' | 'not_in_content';
}

export interface RollbackPreparation {
  courses: number;
  items: number;
  /** Progress rows the legacy arrays cannot hold; they stay in `progress`. */
  unfolded: RollbackUnfolded[];
}

const CHUNK = 200;

/** The rows of the two tables for some content documents. */
export function foldRows(docs: Document[]): { items: unknown[]; courses: unknown[] } {
  const items: unknown[] = [];
  const courses: unknown[] = [];
  for (const doc of docs) {
    const courseId = doc.course_id as number;
    const { content } = normalizeContent(doc, new Date());
    const counted = countedItems(content);
    const countedKeys = new Set(counted.map((c) => `${c.item_type}:${c.item_id}`));
    for (const item of buildLegacyIndex(doc).items.values())
      items.push({
        course_id: courseId,
        item_type: item.item_type,
        item_id: item.item_id,
        legacy_id: item.legacy_id ?? null,
        quiz_lesson: item.quiz_lesson,
        counted: countedKeys.has(`${item.item_type}:${item.item_id}`),
      });
    courses.push({
      course_id: courseId,
      total_modules: content.modules.filter((m) => m.is_active && m.is_published).length,
      total_lessons: counted.filter((c) => c.item_type === 'lesson').length,
      counted_items: counted.length,
    });
  }
  return { items, courses };
}

@Injectable()
export class RollbackFoldService {
  constructor(
    private readonly em: EntityManager,
    private readonly contents: LegacyContentRepository,
  ) {}

  /** Writes the two tables for the courses that have progress rows; replaces earlier ones. */
  async prepare(): Promise<RollbackPreparation> {
    await this.drop();
    await this.createTables();
    const courseIds = (
      await query<{ course_id: number }>(
        this.em,
        'select distinct course_id from progress order by course_id',
      )
    ).map((r) => r.course_id);
    let items = 0;
    let courses = 0;
    for (let i = 0; i < courseIds.length; i += CHUNK) {
      const docs = await this.contents
        .collection()
        .find({ course_id: { $in: courseIds.slice(i, i + CHUNK) } })
        .toArray();
      const rows = foldRows(docs);
      items += rows.items.length;
      courses += rows.courses.length;
      await this.insert(rows);
    }
    return { courses, items, unfolded: await this.unfolded() };
  }

  async drop(): Promise<void> {
    await query(this.em, `drop table if exists ${ROLLBACK_ITEMS_TABLE}, ${ROLLBACK_COURSES_TABLE}`);
  }

  private async createTables(): Promise<void> {
    await query(
      this.em,
      `create table ${ROLLBACK_ITEMS_TABLE} (
        course_id integer not null,
        item_type varchar(20) not null,
        item_id varchar(50) not null,
        legacy_id integer null,
        quiz_lesson boolean not null,
        counted boolean not null,
        primary key (course_id, item_type, item_id)
      )`,
    );
    await query(
      this.em,
      `create table ${ROLLBACK_COURSES_TABLE} (
        course_id integer primary key,
        total_modules integer not null,
        total_lessons integer not null,
        counted_items integer not null
      )`,
    );
  }

  private async insert(rows: { items: unknown[]; courses: unknown[] }): Promise<void> {
    await query(
      this.em,
      `insert into ${ROLLBACK_ITEMS_TABLE}
       select * from jsonb_to_recordset(?::jsonb) as x(course_id integer, item_type varchar,
         item_id varchar, legacy_id integer, quiz_lesson boolean, counted boolean)
       on conflict do nothing`,
      [JSON.stringify(rows.items)],
    );
    await query(
      this.em,
      `insert into ${ROLLBACK_COURSES_TABLE}
       select * from jsonb_to_recordset(?::jsonb) as x(course_id integer, total_modules integer,
         total_lessons integer, counted_items integer)`,
      [JSON.stringify(rows.courses)],
    );
  }

  /** Progress rows the legacy arrays cannot hold. */
  private unfolded(): Promise<RollbackUnfolded[]> {
    return query<RollbackUnfolded>(
      this.em,
      `select p.user_id, p.course_id, p.item_type, p.item_id,
         case when i.item_id is null then 'not_in_content' else 'no_legacy_id' end as reason
       from progress p
       left join ${ROLLBACK_ITEMS_TABLE} i
         on i.course_id = p.course_id and i.item_type = p.item_type and i.item_id = p.item_id
       where i.legacy_id is null
       order by p.course_id, p.user_id, p.item_type, p.item_id`,
    );
  }
}
