import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { from, map, Observable } from 'rxjs';
import type { AuthUser } from '../common/auth/auth-user';
import { API_PREFIX } from '../common/http/api-prefix';
import { parseIntId } from '../common/pipes/id-params.pipe';
import { etagOf, noneMatchHits } from './content-etag';
import {
  CallerView,
  ContentWrite,
  CourseContentService,
  CreatedItem,
} from './course-content.service';
import { ContentKind } from './domain/content-tree';
import { CourseContentResponseDto } from './dto/content-response.dto';

const COLLECTIONS = {
  module: 'modules',
  lesson: 'lessons',
  quiz: 'quizzes',
  summary: 'summaries',
  resource: 'resources',
} as const satisfies Record<ContentKind, string>;

/** The URL of a created thing: the content routes mirror the tree, so its ids spell it out. */
export function locationOf({ courseId, kind, moduleId, lessonId, id }: CreatedItem): string {
  const within = [moduleId && `modules/${moduleId}`, lessonId && `lessons/${lessonId}`];
  return [`/${API_PREFIX}/courses/${courseId}/content`, ...within, `${COLLECTIONS[kind]}/${id}`]
    .filter(Boolean)
    .join('/');
}

/**
 * The HTTP side of a content write: the new tree with its ETag, and for a POST the Location of
 * what it created.
 */
@Injectable()
export class ContentWriteInterceptor implements NestInterceptor {
  intercept(
    context: ExecutionContext,
    next: CallHandler<ContentWrite>,
  ): Observable<CourseContentResponseDto> {
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    return next.handle().pipe(map((write) => answerWrite(write, reply)));
  }
}

/**
 * The content cache on the content GET (bound to that route only). A read whose course id and
 * query are already in their valid form is answered here, from the cached per-version view,
 * before Nest's pipes and the handler run: the hottest route then costs a guard, one small
 * Redis round trip and a socket write. Anything else goes on to the handler, whose pipes answer
 * the 400 a malformed id or query deserves.
 */
@Injectable()
export class ContentCacheInterceptor implements NestInterceptor {
  constructor(private readonly content: CourseContentService) {}

  intercept(
    context: ExecutionContext,
    next: CallHandler<Buffer | undefined>,
  ): Observable<Buffer | undefined> {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest & { user?: AuthUser }>();
    const read = wellFormedRead(request);
    if (!read) return next.handle();
    const reply = http.getResponse<FastifyReply>();
    const ifNoneMatch = request.headers['if-none-match'];
    return from(
      this.content
        .view(request.user, read.courseId, read.includeInactive)
        .then((view) => answerRead(view, ifNoneMatch, reply)),
    );
  }
}

/** The course id and `include_inactive` of a GET that needs no validation pipe; else undefined. */
function wellFormedRead(request: FastifyRequest) {
  const courseId = parseIntId((request.params as Record<string, unknown>).courseId);
  const query = request.query as Record<string, unknown>;
  const keys = Object.keys(query);
  const flag = query.include_inactive;
  if (courseId === undefined || keys.length > 1) return undefined;
  if (keys.length === 1 && flag !== 'true' && flag !== 'false') return undefined;
  return { courseId, includeInactive: flag === 'true' };
}

/**
 * The HTTP side of a content read: the JSON with its ETag, or an empty 304 when If-None-Match
 * names the version and the caller may revalidate.
 */
export function answerRead(
  read: CallerView,
  ifNoneMatch: string | undefined,
  reply: FastifyReply,
): Buffer | undefined {
  reply
    .header('ETag', etagOf(read.version))
    .header('X-Cache', read.cache)
    .header('Vary', 'Authorization');
  if (read.revalidatable && noneMatchHits(ifNoneMatch, read.version)) {
    reply.status(304);
    return undefined;
  }
  reply.type('application/json; charset=utf-8');
  return read.json;
}

function answerWrite(write: ContentWrite, reply: FastifyReply): CourseContentResponseDto {
  reply.header('ETag', etagOf(write.view.version));
  if (write.created) reply.header('Location', locationOf(write.created));
  return write.view;
}
