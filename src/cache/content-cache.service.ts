import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { RedisService } from './redis.service';

/**
 * Fills the cache only if the course's generation is still the one read before the database
 * read: a writer bumps the generation after its write, so a reader holding an older document
 * can never put it back.
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
const INVALIDATION_RETRY_MS = 250;
const INVALIDATION_RETRY_MAX_MS = 5_000;

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

  /**
   * Called after every content write, before it is acknowledged. If Redis cannot be reached the
   * write still succeeds; the invalidation is then retried in the background until it lands or
   * the old entry has expired anyway, so a stale document cannot outlive a Redis hiccup.
   */
  async invalidate(courseId: number): Promise<void> {
    if (!this.redis.client) return;
    if (await this.tryInvalidate(courseId)) return;
    const ttlMs = this.config.CONTENT_CACHE_TTL_SECONDS * 1000;
    this.logger.error(
      `Cache invalidation for course ${courseId} failed; retrying for up to ${ttlMs / 1000} s`,
    );
    this.retryInvalidation(courseId, Date.now() + ttlMs, INVALIDATION_RETRY_MS);
  }

  /**
   * Invalidates many courses in one MULTI, for a batch job that rewrote their documents. Unlike
   * `invalidate` it does not fall back to background retries: it retries a few times with
   * backoff and then throws, so the job stops instead of leaving stale trees behind unnoticed.
   */
  async invalidateMany(
    courseIds: number[],
    options: { attempts?: number; retryDelayMs?: number } = {},
  ): Promise<void> {
    const ids = [...new Set(courseIds)];
    if (!this.redis.client || ids.length === 0) return;
    const attempts = Math.max(1, options.attempts ?? 5);
    const retryDelayMs = options.retryDelayMs ?? 200;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.invalidateOnce(ids);
      } catch (error) {
        if (attempt >= attempts)
          throw new Error(
            `content cache invalidation failed for course(s) ${ids.join(', ')}: ` +
              `${error instanceof Error ? error.message : String(error)}`,
          );
        await new Promise((r) => setTimeout(r, retryDelayMs * 2 ** (attempt - 1)));
      }
    }
  }

  private async tryInvalidate(courseId: number): Promise<boolean> {
    try {
      await this.invalidateOnce([courseId]);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Bumping the generation stops a reader that read the old document before the write from
   * putting it back; deleting the entry makes the next read go to MongoDB. Throws if any failed.
   */
  private async invalidateOnce(courseIds: number[]): Promise<void> {
    const multi = this.redis.client!.multi();
    for (const id of courseIds) {
      multi.incr(ContentCacheService.generationKey(id)).del(ContentCacheService.key(id));
    }
    const results = await multi.exec();
    if (!results) throw new Error('MULTI aborted');
    const failed = results.find(([error]) => error);
    if (failed) throw failed[0] as Error;
  }

  private retryInvalidation(courseId: number, deadline: number, delayMs: number): void {
    if (Date.now() >= deadline) return;
    setTimeout(() => {
      void this.tryInvalidate(courseId).then((done) => {
        if (done) this.logger.warn(`Cache invalidation for course ${courseId} done on retry`);
        else
          this.retryInvalidation(
            courseId,
            deadline,
            Math.min(delayMs * 2, INVALIDATION_RETRY_MAX_MS),
          );
      });
    }, delayMs).unref();
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
