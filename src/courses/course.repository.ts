import { EntityRepository, FilterQuery } from '@mikro-orm/postgresql';
import { AuthUser } from '../common/auth/auth-user';
import { Page } from '../common/dto/pagination.dto';
import type { Course } from './course.entity';
import { CourseStatus } from './domain/course-status';

export interface CourseListFilter {
  status?: CourseStatus;
  instructorId?: number;
  search?: string;
  skip: number;
  limit: number;
}

export class CourseRepository extends EntityRepository<Course> {
  /** Published courses for everybody, plus own courses for an instructor, all for an admin. */
  async listVisible(caller: AuthUser | undefined, filter: CourseListFilter): Promise<Page<Course>> {
    const visibility: FilterQuery<Course> =
      caller?.role === 'admin'
        ? {}
        : caller?.role === 'instructor'
          ? { $or: [{ status: 'published' }, { instructorId: caller.id }] }
          : { status: 'published' };
    const where: FilterQuery<Course> = { $and: [visibility] };
    if (filter.status) where.$and!.push({ status: filter.status });
    if (filter.instructorId) where.$and!.push({ instructorId: filter.instructorId });
    if (filter.search) {
      where.$and!.push({ title: { $ilike: `%${escapeLike(filter.search)}%` } });
    }
    const [items, total] = await this.findAndCount(where, {
      orderBy: { createdAt: 'desc', id: 'desc' },
      offset: filter.skip,
      limit: filter.limit,
    });
    return { items, total, skip: filter.skip, limit: filter.limit };
  }
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}
