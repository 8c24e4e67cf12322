import { Injectable, Logger } from '@nestjs/common';
import { calculateObjectSize } from 'bson';
import { setTimeout as sleep } from 'node:timers/promises';
import { inspect } from 'node:util';
import { ContentCacheService } from '../cache/content-cache.service';
import { AuthUser } from '../common/auth/auth-user';
import { DomainError } from '../common/errors/domain-error';
import { CoursesService } from '../courses/courses.service';
import { canManageCourse } from '../courses/domain/course-status';
import { EnrollmentsService } from '../enrollments/enrollments.service';
import { CourseContentReader } from './course-content.reader';
import { CourseContentRepository } from './course-content.repository';
import { DroppedValue } from './domain/content-normalize';
import {
  addUnder,
  AddressOf,
  CONTENT_LIMITS,
  ContentInput,
  ContentKind,
  ContentKinds,
  deactivate,
  emptyContent,
  finalizeContent,
  ParentOf,
  replaceContent,
  updateAt,
} from './domain/content-tree';
import { CourseContent } from './domain/content.types';
import { ContentAudience, viewContent } from './domain/content-view';
import { CourseContentResponseDto } from './dto/content-response.dto';
import { parseIfMatch } from './content-etag';

/** Enough for dozens of simultaneous writers to one course; each round lets one of them win. */
const MAX_WRITE_ATTEMPTS = 60;

/** What a POST created: its course and kind, the ids of what it sits in, and its own id. */
export interface CreatedItem {
  courseId: number;
  kind: ContentKind;
  moduleId?: string;
  lessonId?: string;
  id: string;
}

/** What every write answers: the whole tree as its managers see it, at its new version. */
export interface ContentWrite {
  view: CourseContentResponseDto;
  created?: CreatedItem;
}

/** The content one caller may see, already serialized: on a cache hit, once per version. */
export interface CallerView {
  /** UTF-8 JSON, kept encoded so a hit writes it to the socket as it is. */
  json: Buffer;
  version: number;
  cache: 'HIT' | 'MISS';
  /**
   * Whether a 304 may answer this caller. A signed-in caller who sees the public view can gain
   * bodies by enrolling without the version changing, so a copy cached under the same ETag
   * would be wrong for them.
   */
  revalidatable: boolean;
}

/**
 * Reads and edits of a course's content tree. Every edit takes `ifMatch`, the If-Match header
 * as sent, with which a caller pins the version its edit was based on. It is parsed here, not by
 * a pipe, so that an invalid path or body is reported before a malformed If-Match.
 */
@Injectable()
export class CourseContentService {
  private readonly logger = new Logger(CourseContentService.name);

  constructor(
    private readonly courses: CoursesService,
    private readonly enrollments: EnrollmentsService,
    private readonly repository: CourseContentRepository,
    private readonly reader: CourseContentReader,
    private readonly cache: ContentCacheService,
  ) {}

  /** The part of the content the caller may see, served through the cache. */
  async view(
    caller: AuthUser | undefined,
    courseId: number,
    includeInactive: boolean,
  ): Promise<CallerView> {
    const course = await this.courses.findReadable(caller, courseId);
    const [audience, { snapshot, cache }] = await Promise.all([
      this.audience(caller, course),
      this.reader.read(courseId),
    ]);
    if (includeInactive && audience !== 'manager') {
      throw new DomainError(
        'forbidden',
        'INCLUDE_INACTIVE_FORBIDDEN',
        'Only the course instructor or an admin may see inactive content',
      );
    }
    const revalidatable = audience !== 'public' || caller === undefined;
    const render = (content: CourseContent) =>
      Buffer.from(JSON.stringify(viewContent(content, audience, includeInactive)));
    if (!snapshot) {
      const json = render(emptyContent(courseId, course.createdAt));
      return { json, version: 0, cache, revalidatable };
    }
    const json = snapshot.derive(`view:${audience}:${includeInactive}`, render);
    return { json, version: snapshot.content.version, cache, revalidatable };
  }

  /** PUT of the whole tree: what it omits stays, inactive. */
  async replace(
    caller: AuthUser,
    courseId: number,
    input: ContentInput,
    ifMatch: string | undefined,
  ): Promise<ContentWrite> {
    const { view } = await this.write(caller, courseId, ifMatch, (current) => ({
      content: replaceContent(current, input),
    }));
    return { view };
  }

  async add<K extends ContentKind>(
    caller: AuthUser,
    courseId: number,
    kind: K,
    parent: ParentOf<K>,
    input: ContentKinds[K]['input'],
    ifMatch: string | undefined,
  ): Promise<ContentWrite> {
    const { view, edited } = await this.write(caller, courseId, ifMatch, (current) =>
      addUnder(current, kind, parent, input),
    );
    return { view, created: { courseId, kind, ...parent, id: edited.id } };
  }

  async update<K extends ContentKind>(
    caller: AuthUser,
    courseId: number,
    kind: K,
    at: AddressOf<K>,
    patch: ContentKinds[K]['patch'],
    ifMatch: string | undefined,
  ): Promise<ContentWrite> {
    const { view } = await this.write(caller, courseId, ifMatch, (current) => ({
      content: updateAt(current, kind, at, patch),
    }));
    return { view };
  }

  /** Soft delete, the only delete of content there is. */
  async deactivate<K extends ContentKind>(
    caller: AuthUser,
    courseId: number,
    kind: K,
    at: AddressOf<K>,
    ifMatch: string | undefined,
  ): Promise<ContentWrite> {
    const { view } = await this.write(caller, courseId, ifMatch, (current) => ({
      content: deactivate(current, kind, at),
    }));
    return { view };
  }

  /**
   * Applies an edit as one compare-and-set on `version`: read, edit with the pure
   * tree functions, write only if nobody wrote in between, otherwise start over. A document newer
   * than the version `ifMatch` pins is a 412.
   */
  private async write<E extends { content: CourseContent }>(
    caller: AuthUser,
    courseId: number,
    ifMatch: string | undefined,
    edit: (current: CourseContent) => E,
  ): Promise<{ view: CourseContentResponseDto; edited: E }> {
    const pinned = parseIfMatch(ifMatch);
    await this.courses.findManageable(caller, courseId);
    for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
      const stored = await this.repository.findNormalized(courseId);
      const current = stored?.content ?? emptyContent(courseId, new Date());
      if (pinned !== undefined && current.version !== pinned) {
        throw new DomainError(
          'precondition_failed',
          'VERSION_MISMATCH',
          `The content is at version ${current.version}, not ${pinned}; reload and retry`,
          { current_version: current.version },
        );
      }
      const edited = edit(current);
      const next = finalizeContent({ ...edited.content, version: current.version + 1 }, new Date());
      assertDocumentSize(next);
      const written = stored
        ? await this.repository.replaceIfVersion(next, current.version)
        : await this.repository.insert(next);
      if (written) {
        if (stored?.dropped.length) this.logDropped(courseId, stored.dropped);
        await this.cache.invalidate(courseId);
        return { view: viewContent(next, 'manager', true), edited };
      }
      // Lost the race: back off a little, with jitter so the losers do not collide again.
      await sleep(Math.random() * Math.min(5 * (attempt + 1), 50));
    }
    throw new DomainError(
      'conflict',
      'CONCURRENT_MODIFICATION',
      'The content is being changed by many writers at once; retry',
    );
  }

  /** The document held values that are not items; the write just stored the tree without them. */
  private logDropped(courseId: number, dropped: DroppedValue[]): void {
    const values = dropped.map((d) => `${d.path}=${inspect(d.value, { depth: 2 }).slice(0, 200)}`);
    this.logger.warn(
      `Course ${courseId}: stored the content without values that are not items: ${values.join(', ')}`,
    );
  }

  private async audience(
    caller: AuthUser | undefined,
    course: { id: number; instructorId: number },
  ): Promise<ContentAudience> {
    if (!caller) return 'public';
    if (canManageCourse(course, caller)) return 'manager';
    if (caller.role === 'student' && (await this.enrollments.isEnrolled(caller.id, course.id))) {
      return 'enrolled';
    }
    return 'public';
  }
}

function assertDocumentSize(content: CourseContent): void {
  const bytes = calculateObjectSize(content as unknown as Record<string, unknown>);
  if (bytes > CONTENT_LIMITS.documentBytes) {
    throw new DomainError(
      'too_large',
      'CONTENT_TOO_LARGE',
      `The course content would be ${bytes} bytes; at most ${CONTENT_LIMITS.documentBytes} are allowed`,
    );
  }
}
