import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { AuthUser } from '../common/auth/auth-user';
import { Page } from '../common/dto/pagination.dto';
import { columnsOf, query, toRecords } from '../database/records';
import { Course, CourseRecord } from './course.entity';
import { CourseStatus } from './domain/course-status';

type Row = Record<string, unknown>;

export interface CourseListFilter {
  status?: CourseStatus;
  instructorId?: number;
  search?: string;
  skip: number;
  limit: number;
}

export interface NewCourse {
  title: string;
  description: string | null;
  instructorId: number;
}

export interface CourseChanges {
  title?: string;
  description?: string | null;
  status?: CourseStatus;
}

/** The `courses` table. A status change is a compare-and-set on the status it was decided on. */
@Injectable()
export class CourseRepository {
  constructor(private readonly em: EntityManager) {}

  /** New courses start as drafts. */
  async insert(course: NewCourse): Promise<CourseRecord> {
    const rows = await this.sql(
      `insert into courses (title, description, instructor_id, status)
       values (?, ?, ?, 'draft')
       returning ${this.columns}`,
      [course.title, course.description, course.instructorId],
    );
    return this.toRecord(rows[0]);
  }

  async findById(id: number): Promise<CourseRecord | null> {
    const rows = await this.sql(`select ${this.columns} from courses where id = ?`, [id]);
    return rows.length ? this.toRecord(rows[0]) : null;
  }

  /**
   * Applies the changes if the course still has status `expectedStatus`; null when a concurrent
   * change got there first (the caller re-reads and re-decides).
   */
  async update(
    id: number,
    expectedStatus: CourseStatus,
    changes: CourseChanges,
  ): Promise<CourseRecord | null> {
    const rows = await this.sql(
      `update courses set
         title = coalesce(?, title),
         description = case when ? then ? else description end,
         status = coalesce(?, status),
         updated_at = now()
       where id = ? and status = ?
       returning ${this.columns}`,
      [
        changes.title ?? null,
        changes.description !== undefined,
        changes.description ?? null,
        changes.status ?? null,
        id,
        expectedStatus,
      ],
    );
    return rows.length ? this.toRecord(rows[0]) : null;
  }

  /** Published courses for everybody, plus own courses for an instructor, all for an admin. */
  async listVisible(
    caller: AuthUser | undefined,
    filter: CourseListFilter,
  ): Promise<Page<CourseRecord>> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (caller?.role === 'instructor') {
      where.push(`(status = 'published' or instructor_id = ?)`);
      params.push(caller.id);
    } else if (caller?.role !== 'admin') {
      where.push(`status = 'published'`);
    }
    if (filter.status) {
      where.push('status = ?');
      params.push(filter.status);
    }
    if (filter.instructorId) {
      where.push('instructor_id = ?');
      params.push(filter.instructorId);
    }
    if (filter.search) {
      where.push(`title ilike ?`);
      params.push(`%${escapeLike(filter.search)}%`);
    }
    const condition = where.length ? `where ${where.join(' and ')}` : '';
    const [rows, counted] = await Promise.all([
      this.sql(
        `select ${this.columns} from courses ${condition}
         order by created_at desc, id desc limit ? offset ?`,
        [...params, filter.limit, filter.skip],
      ),
      this.sql(`select count(*)::int as total from courses ${condition}`, params),
    ]);
    return {
      items: rows.map((r) => this.toRecord(r)),
      total: Number(counted[0].total),
      skip: filter.skip,
      limit: filter.limit,
    };
  }

  private get columns(): string {
    return columnsOf(this.em, Course);
  }

  private sql(statement: string, params: unknown[]): Promise<Row[]> {
    return query(this.em, statement, params);
  }

  private toRecord(row: Row): CourseRecord {
    return toRecords<CourseRecord>(this.em, Course, [row])[0];
  }
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}
