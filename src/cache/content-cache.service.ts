import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { RedisService } from './redis.service';

/**
 * Fills the cache only if the course's generation is still the one read before the database
 * read: a writer bumps the generation after its write, so a reader holding an older document
 * can never put it back (DESIGN §4).
 */
const FILL_IF_GENERATION = `
local current = redis.call('GET', KEYS[2])
if (current == false and ARGV[1] == '') or current == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
  return 1
end
return 0`;

/** What a cache look-up found: the cached JSON, or the generation to fill with after a miss. */
export type CacheLookup =
  { hit: true; json: string } | { hit: false; generation: string | null | undefined };

const WARN_INTERVAL_MS = 30_000;

/** Cache-aside store of whole content documents, keyed `course:content:<id>`. */
@Injectable()
export class ContentCacheService {
  private readonly logger = new Logger(ContentCacheService.name);
  private lastWarnAt = 0;

  constructor(
    private readonly redis: RedisService,
    private readonly config: AppConfig,
  ) {
    this.redis.client?.defineCommand('fillIfGeneration', {
      numberOfKeys: 2,
      lua: FILL_IF_GENERATION,
    });
  }

  static key(courseId: number): string {
    return `course:content:${courseId}`;
  }

  static generationKey(courseId: number): string {
    return `course:content:gen:${courseId}`;
  }

  /** One round trip for the entry and the generation. A Redis failure is a miss, never an error. */
  async lookup(courseId: number): Promise<CacheLookup> {
    const client = this.redis.client;
    if (!client || !this.redis.isReady) return { hit: false, generation: undefined };
    try {
      const [json, generation] = await client.mget(
        ContentCacheService.key(courseId),
        ContentCacheService.generationKey(courseId),
      );
      return json !== null ? { hit: true, json } : { hit: false, generation };
    } catch (error) {
      this.warn('read', error);
      return { hit: false, generation: undefined };
    }
  }

  /** Stores a document read after `lookup`, unless a write happened in between. */
  async fill(courseId: number, generation: string | null | undefined, json: string): Promise<void> {
    const client = this.redis.client as
      | (NonNullable<RedisService['client']> & {
          fillIfGeneration(
            k1: string,
            k2: string,
            gen: string,
            json: string,
            ttl: number,
          ): Promise<number>;
        })
      | null;
    if (!client || generation === undefined || !this.redis.isReady) return;
    try {
      await client.fillIfGeneration(
        ContentCacheService.key(courseId),
        ContentCacheService.generationKey(courseId),
        generation ?? '',
        json,
        this.config.CONTENT_CACHE_TTL_SECONDS,
      );
    } catch (error) {
      this.warn('fill', error);
    }
  }

  /** Called after every content write, before it is acknowledged. */
  async invalidate(courseId: number): Promise<void> {
    const client = this.redis.client;
    if (!client) return;
    try {
      await client
        .multi()
        .incr(ContentCacheService.generationKey(courseId))
        .del(ContentCacheService.key(courseId))
        .exec();
    } catch (error) {
      // The entry may outlive this write until its TTL; say so loudly rather than fail the write.
      this.logger.error(
        `Cache invalidation for course ${courseId} failed (${(error as Error).message}); ` +
          `readers may see the previous content for up to ${this.config.CONTENT_CACHE_TTL_SECONDS} s`,
      );
    }
  }

  private warn(what: string, error: unknown): void {
    const now = Date.now();
    if (now - this.lastWarnAt < WARN_INTERVAL_MS) return;
    this.lastWarnAt = now;
    this.logger.warn(
      `Content cache ${what} failed, serving from MongoDB: ${(error as Error).message}`,
    );
  }
}
