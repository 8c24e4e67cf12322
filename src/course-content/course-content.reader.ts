import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { ContentCacheService } from '../cache/content-cache.service';
import { CourseContentRepository } from './course-content.repository';
import { normalizeContent } from './domain/content-normalize';
import { CourseContent } from './domain/content.types';

/**
 * One parsed version of a course's content, shared by every request that reads the same cached
 * JSON. Read-only: derived values (a role's view, the counted items) are computed once per
 * version and kept on it, so a cache hit costs neither JSON.parse nor the filtering again.
 */
export class ContentSnapshot {
  private readonly derived = new Map<string, unknown>();

  constructor(readonly content: CourseContent) {}

  derive<T>(key: string, compute: (content: CourseContent) => T): T {
    if (!this.derived.has(key)) this.derived.set(key, compute(this.content));
    return this.derived.get(key) as T;
  }
}

export interface ContentRead {
  /**
   * The whole stored tree (all items, active or not), normalized; null if the course has no
   * content yet.
   */
  snapshot: ContentSnapshot | null;
  cache: 'HIT' | 'MISS';
}

/** Parsed snapshots kept in memory, bounded by the size of their JSON. */
const MEMO_MAX_BYTES = 64 * 1024 * 1024;

/**
 * The one way to read a course's content tree: through the Redis cache, falling back to
 * MongoDB. Used by the content GET and by progress, so neither costs a MongoDB round trip on a hit.
 * Redis stays the source of truth for what is current: the in-process memo is only used when
 * Redis hands back exactly the JSON it was parsed from.
 */
@Injectable()
export class CourseContentReader {
  private readonly memo = new LRUCache<number, { json: string; snapshot: ContentSnapshot }>({
    maxSize: MEMO_MAX_BYTES,
    sizeCalculation: (entry) => entry.json.length * 4 || 1,
  });

  constructor(
    private readonly repository: CourseContentRepository,
    private readonly cache: ContentCacheService,
  ) {}

  async read(courseId: number): Promise<ContentRead> {
    const cached = await this.cache.lookup(courseId);
    if (cached.hit) return { snapshot: this.snapshotOf(courseId, cached.json), cache: 'HIT' };
    const content = await this.repository.findByCourseId(courseId);
    if (!content) return { snapshot: null, cache: 'MISS' };
    const json = JSON.stringify(content);
    await this.cache.fill(courseId, cached.generation, json);
    return { snapshot: this.snapshotOf(courseId, json), cache: 'MISS' };
  }

  private snapshotOf(courseId: number, json: string): ContentSnapshot {
    const known = this.memo.get(courseId);
    if (known && known.json === json) return known.snapshot;
    // Normalized again, as the entry may have been cached raw by an instance of an older release.
    const parsed = JSON.parse(json) as Record<string, unknown>;
    const snapshot = new ContentSnapshot(normalizeContent(parsed, new Date(0)).content);
    this.memo.set(courseId, { json, snapshot });
    return snapshot;
  }
}
