import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { setTimeout as sleep } from 'node:timers/promises';
import { ContentCacheService } from '../cache/content-cache.service';
import { SingleFlight } from '../cache/single-flight';
import { AppConfig } from '../config/app-config';
import { CourseContentRepository } from './course-content.repository';
import { normalizeContent } from './domain/content-normalize';
import { CourseContent } from './domain/content.types';

/**
 * One parsed version of a course's content, shared by every request that reads the same
 * generation. Read-only: derived values (a role's serialized view, the counted items) are
 * computed once per version and kept on it, so a hit costs neither parsing nor filtering again.
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
  /** HIT: from this process's memory or the Redis entry; MISS: read from MongoDB. */
  cache: 'HIT' | 'MISS';
}

interface Remembered {
  generation: string;
  read: ContentRead;
  bytes: number;
}

/** Snapshots kept in memory, bounded by the size of their JSON (times the views made of it). */
const MEMO_MAX_BYTES = 64 * 1024 * 1024;
/** How long other readers wait for the one that fills a cold entry before reading MongoDB too. */
const FILL_LEASE_MS = 2_000;
const FILL_POLL_MS = 10;

/**
 * The one way to read a course's content tree, used by the content GET, the progress summary and
 * completions. A hit costs one small Redis round trip: the course's generation, compared with
 * the generation of the snapshot held in process. Only when that changed does the document move,
 * from the Redis entry or, when that is cold too, from MongoDB, read by one request per process
 * (single-flight per course and generation) and one process at a time (a fill lease in Redis).
 * Without Redis every read goes to MongoDB, coalesced only with reads that started after it.
 */
@Injectable()
export class CourseContentReader {
  private readonly memo: LRUCache<number, Remembered>;
  private readonly flights = new SingleFlight<string, ContentRead>();

  constructor(
    private readonly repository: CourseContentRepository,
    private readonly cache: ContentCacheService,
    config: AppConfig,
  ) {
    this.memo = new LRUCache({
      maxSize: MEMO_MAX_BYTES,
      sizeCalculation: (entry) => entry.bytes,
      // Bounds a stale snapshot's life should an invalidation never reach Redis.
      ttl: config.CONTENT_CACHE_TTL_SECONDS * 1000,
    });
  }

  async read(courseId: number): Promise<ContentRead> {
    const generation = await this.cache.generation(courseId);
    if (generation === undefined) {
      return this.flights.fresh(`${courseId}`, () => this.fromMongo(courseId));
    }
    const known = this.memo.get(courseId);
    if (known?.generation === generation) return known.read;
    return this.flights.join(`${courseId}:${generation}`, () => this.load(courseId));
  }

  /**
   * The document of the generation just read or of a later one: from the Redis entry if it is
   * there, else from MongoDB by whoever holds the fill lease while the others poll the entry.
   */
  private async load(courseId: number): Promise<ContentRead> {
    const giveUpAt = Date.now() + FILL_LEASE_MS;
    for (;;) {
      const entry = await this.cache.entry(courseId);
      if (!entry) return this.fromMongo(courseId);
      if (entry.json !== null) {
        return this.remember(courseId, entry.generation, entry.json, 'HIT');
      }
      const leased = await this.cache.lease(courseId, entry.generation, FILL_LEASE_MS);
      if (leased || Date.now() >= giveUpAt) return this.fill(courseId, entry.generation);
      await sleep(FILL_POLL_MS);
    }
  }

  private async fill(courseId: number, generation: string): Promise<ContentRead> {
    try {
      const content = await this.repository.findByCourseId(courseId);
      if (!content) return this.remember(courseId, generation, null, 'MISS');
      const json = JSON.stringify(content);
      await this.cache.fill(courseId, generation, json);
      return this.remember(courseId, generation, json, 'MISS');
    } finally {
      await this.cache.release(courseId, generation);
    }
  }

  private async fromMongo(courseId: number): Promise<ContentRead> {
    const content = await this.repository.findByCourseId(courseId);
    return { snapshot: content && new ContentSnapshot(content), cache: 'MISS' };
  }

  private remember(
    courseId: number,
    generation: string,
    json: string | null,
    cache: ContentRead['cache'],
  ): ContentRead {
    // Normalized again, as the entry may have been cached raw by an instance of an older release.
    const snapshot =
      json === null
        ? null
        : new ContentSnapshot(
            normalizeContent(JSON.parse(json) as Record<string, unknown>, new Date(0)).content,
          );
    // Views of the tree are kept beside it, hence the factor.
    const bytes = Math.max(1, (json?.length ?? 0) * 4);
    const known = this.memo.get(courseId);
    if (!known || known.generation !== generation) {
      this.memo.set(courseId, { generation, read: { snapshot, cache: 'HIT' }, bytes });
    }
    return { snapshot, cache };
  }
}
