import { Injectable } from '@nestjs/common';
import { ContentCacheService } from '../cache/content-cache.service';
import { CourseContentRepository } from './course-content.repository';
import { CourseContent } from './domain/content.types';

export interface ContentRead {
  /** The whole stored tree (all items, active or not); null if the course has no content yet. */
  content: CourseContent | null;
  cache: 'HIT' | 'MISS';
}

/**
 * The one way to read a course's content tree: through the Redis cache, falling back to
 * MongoDB. Used by the content GET and by progress, so neither costs a MongoDB round trip on a hit.
 */
@Injectable()
export class CourseContentReader {
  constructor(
    private readonly repository: CourseContentRepository,
    private readonly cache: ContentCacheService,
  ) {}

  async read(courseId: number): Promise<ContentRead> {
    const cached = await this.cache.lookup(courseId);
    if (cached.hit) return { content: JSON.parse(cached.json) as CourseContent, cache: 'HIT' };
    const content = await this.repository.findByCourseId(courseId);
    if (content) await this.cache.fill(courseId, cached.generation, JSON.stringify(content));
    return { content, cache: 'MISS' };
  }
}
