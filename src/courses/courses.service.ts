import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { AuthUser } from '../common/auth/auth-user';
import { Page } from '../common/dto/pagination.dto';
import { DomainError } from '../common/errors/domain-error';
import { CourseRecord } from './course.entity';
import { CourseRepository } from './course.repository';
import { assertCourseTransition, canManageCourse, isCourseVisible } from './domain/course-status';
import {
  CourseResponseDto,
  CreateCourseDto,
  ListCoursesQueryDto,
  toCourseResponse,
  UpdateCourseDto,
} from './dto/course.dto';

/** A course update re-decides after losing a race to a status change at most this often. */
const MAX_UPDATE_ATTEMPTS = 3;

/** What the read paths need of a course to decide who sees what. */
export interface ReadableCourse {
  id: number;
  instructorId: number;
  createdAt: Date;
}

@Injectable()
export class CoursesService {
  /**
   * Published and archived courses stay visible to everybody and never change owner (no route
   * moves a course back to draft or changes instructor_id), so what the hot read paths need of
   * them can be remembered per process without any invalidation, also across instances.
   */
  private readonly readable = new LRUCache<number, ReadableCourse>({ max: 10_000 });

  constructor(private readonly courses: CourseRepository) {}

  async create(caller: AuthUser, dto: CreateCourseDto): Promise<CourseResponseDto> {
    const course = await this.courses.insert({
      title: dto.title,
      description: dto.description ?? null,
      instructorId: caller.id,
    });
    return toCourseResponse(course);
  }

  async list(
    caller: AuthUser | undefined,
    query: ListCoursesQueryDto,
  ): Promise<Page<CourseResponseDto>> {
    const page = await this.courses.listVisible(caller, {
      status: query.status,
      instructorId: query.instructor_id,
      search: query.q,
      skip: query.skip,
      limit: query.limit,
    });
    return { ...page, items: page.items.map(toCourseResponse) };
  }

  async get(caller: AuthUser | undefined, courseId: number): Promise<CourseResponseDto> {
    return toCourseResponse(await this.findVisible(caller, courseId));
  }

  /** A status change is decided on the status read and written only if it is still that one. */
  async update(
    caller: AuthUser,
    courseId: number,
    dto: UpdateCourseDto,
  ): Promise<CourseResponseDto> {
    for (let attempt = 0; attempt < MAX_UPDATE_ATTEMPTS; attempt++) {
      const course = await this.findManageable(caller, courseId);
      if (dto.status !== undefined) assertCourseTransition(course.status, dto.status);
      if (Object.values(dto).every((v) => v === undefined)) return toCourseResponse(course);
      const updated = await this.courses.update(course.id, course.status, {
        title: dto.title,
        description: dto.description,
        status: dto.status,
      });
      if (updated) return toCourseResponse(updated);
    }
    throw new DomainError(
      'conflict',
      'CONCURRENT_UPDATE',
      'The course was changed by another request at the same time; retry',
    );
  }

  /**
   * `findVisible` for the read paths (content, progress): answers from memory for courses that
   * are no longer drafts. Not for decisions between published and archived.
   */
  async findReadable(caller: AuthUser | undefined, courseId: number): Promise<ReadableCourse> {
    const known = this.readable.get(courseId);
    if (known) return known;
    const course = await this.findVisible(caller, courseId);
    const readable = {
      id: course.id,
      instructorId: course.instructorId,
      createdAt: course.createdAt,
    };
    if (course.status !== 'draft') this.readable.set(course.id, readable);
    return readable;
  }

  /** The course if the caller may see it; a hidden draft is indistinguishable from a missing one. */
  async findVisible(caller: AuthUser | undefined, courseId: number): Promise<CourseRecord> {
    const course = await this.courses.findById(courseId);
    if (!course || !isCourseVisible(course, caller)) throw courseNotFound(courseId);
    return course;
  }

  /** The course if the caller owns it or is an admin; 404 if hidden, 403 if visible but not theirs. */
  async findManageable(caller: AuthUser, courseId: number): Promise<CourseRecord> {
    const course = await this.findVisible(caller, courseId);
    if (!canManageCourse(course, caller)) {
      throw new DomainError(
        'forbidden',
        'NOT_COURSE_OWNER',
        'Only the course instructor or an admin may change this course',
      );
    }
    return course;
  }
}

export function courseNotFound(courseId: number): DomainError {
  return new DomainError('not_found', 'COURSE_NOT_FOUND', `Course ${courseId} not found`);
}
