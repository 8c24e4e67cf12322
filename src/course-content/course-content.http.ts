import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { map, Observable } from 'rxjs';
import { API_PREFIX } from '../common/http/api-prefix';
import { etagOf, noneMatchHits } from './content-etag';
import type { CallerView, ContentWrite, CreatedItem } from './course-content.service';
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
 * The HTTP side of a content read: the JSON with its ETag, or an empty 304 when If-None-Match
 * names the version and the caller may revalidate. Called by the route itself rather than
 * through an interceptor: this is the hottest route, and an RxJS interceptor costs it about a
 * third of its throughput.
 */
export function answerRead(
  read: CallerView,
  ifNoneMatch: string | undefined,
  reply: FastifyReply,
): string | undefined {
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
