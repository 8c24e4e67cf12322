import { Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { randomInt } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { RedisService } from './redis.service';

/**
 * Fills the cache only if the course's generation is still the one read before the database
 * read: a writer bumps the generation after its write, so a reader holding an older document
 * can never put it back.
 */
const FILL_IF_GENERATION = `
if redis.call('GET', KEYS[2]) == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
  return 1
end
return 0`;

/**
 * A missing generation (first read ever, or Redis lost its data) starts at a random number, not
 * at 1: an instance may still hold views made under an old generation, and counting from 1 again
 * would sooner or later hit the same number with another document.
 */
const GENERATION = `
local current = redis.call('GET', KEYS[1])
if current then return current end
redis.call('SET', KEYS[1], ARGV[1])
return ARGV[1]`;

const BUMP_GENERATION = `
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('INCR', KEYS[1])
else
  redis.call('SET', KEYS[1], ARGV[1])
end
redis.call('DEL', KEYS[2])
return 1`;

interface CacheCommands {
  fillIfGeneration(
    entry: string,
    gen: string,
    expected: string,
    json: string,
    ttl: number,
  ): Promise<number>;
  generation(gen: string, start: string): Promise<string>;
}
type CacheClient = Redis & CacheCommands;
/** A MULTI of our own command: ioredis adds defined commands to transactions too. */
interface InvalidationBatch {
  bumpGeneration(gen: string, entry: string, start: string): InvalidationBatch;
  exec(): Promise<[Error | null, unknown][] | null>;
}

/** The cached document and the generation it belongs to, read in one round trip. */
export interface CacheEntry {
  json: string | null;
  generation: string;
}

const WARN_INTERVAL_MS = 30_000;
const INVALIDATION_RETRY_MS = 250;
const INVALIDATION_RETRY_MAX_MS = 5_000;

/**
 * The content cache in Redis. Per course: the whole document (`course:content:<id>`, with a TTL),
 * its generation (`course:content:gen:<id>`, a number every write bumps) and, while one instance
 * reads MongoDB to fill the entry, a short fill lease (`course:content:lease:<id>:<generation>`).
 * A reader learns whether what it holds in process is current from the generation alone: a few
 * bytes, whatever the size of the course. Every method fails open: Redis unreachable reads as
 * `undefined` (no cache), never as an error.
 */
@Injectable()
export class ContentCacheService {
  private readonly logger = new Logger(ContentCacheService.name);
  private lastWarnAt = 0;

  constructor(
    private readonly redis: RedisService,
    private readonly config: AppConfig,
  ) {
    const client = this.redis.client;
    client?.defineCommand('fillIfGeneration', { numberOfKeys: 2, lua: FILL_IF_GENERATION });
    client?.defineCommand('generation', { numberOfKeys: 1, lua: GENERATION });
    client?.defineCommand('bumpGeneration', { numberOfKeys: 2, lua: BUMP_GENERATION });
  }

  static key(courseId: number): string {
    return `course:content:${courseId}`;
  }

  static generationKey(courseId: number): string {
    return `course:content:gen:${courseId}`;
  }

  static leaseKey(courseId: number, generation: string): string {
    return `course:content:lease:${courseId}:${generation}`;
  }

  /** The course's current generation; undefined when Redis cannot say. One small round trip. */
  async generation(courseId: number): Promise<string | undefined> {
    const client = this.ready();
    if (!client) return undefined;
    try {
      const key = ContentCacheService.generationKey(courseId);
      return (await client.get(key)) ?? (await client.generation(key, newGeneration()));
    } catch (error) {
      this.warn('read', error);
      return undefined;
    }
  }

  /** The cached document (null if none) with its generation; undefined when Redis cannot say. */
  async entry(courseId: number): Promise<CacheEntry | undefined> {
    const client = this.ready();
    if (!client) return undefined;
    try {
      const [json, generation] = await client.mget(
        ContentCacheService.key(courseId),
        ContentCacheService.generationKey(courseId),
      );
      return generation === null ? undefined : { json, generation };
    } catch (error) {
      this.warn('read', error);
      return undefined;
    }
  }

  /** Stores a document read from MongoDB under `generation`, unless a write happened since. */
  async fill(courseId: number, generation: string, json: string): Promise<void> {
    const client = this.ready();
    if (!client) return;
    try {
      await client.fillIfGeneration(
        ContentCacheService.key(courseId),
        ContentCacheService.generationKey(courseId),
        generation,
        json,
        this.config.CONTENT_CACHE_TTL_SECONDS,
      );
    } catch (error) {
      this.warn('fill', error);
    }
  }

  /**
   * Asks for the right to fill the entry of this generation from MongoDB. Only one instance gets
   * it; the others wait for the entry (a stampede of instances costs one database read). The
   * lease expires by itself, so a filler that dies holds the others up for `ms` at most. Without
   * Redis there is nobody to coordinate with: granted.
   */
  async lease(courseId: number, generation: string, ms: number): Promise<boolean> {
    const client = this.ready();
    if (!client) return true;
    try {
      const key = ContentCacheService.leaseKey(courseId, generation);
      return (await client.set(key, '1', 'PX', ms, 'NX')) === 'OK';
    } catch (error) {
      this.warn('lease', error);
      return true;
    }
  }

  /** Gives the lease back once the entry is filled (or there was nothing to fill it with). */
  async release(courseId: number, generation: string): Promise<void> {
    const client = this.ready();
    if (!client) return;
    try {
      await client.del(ContentCacheService.leaseKey(courseId, generation));
    } catch (error) {
      this.warn('lease', error);
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
    const multi = (this.redis.client as CacheClient).multi() as unknown as InvalidationBatch;
    for (const id of courseIds) {
      multi.bumpGeneration(
        ContentCacheService.generationKey(id),
        ContentCacheService.key(id),
        newGeneration(),
      );
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

  private ready(): CacheClient | null {
    return this.redis.isReady ? (this.redis.client as CacheClient) : null;
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

function newGeneration(): string {
  return String(randomInt(2 ** 40, 2 ** 47));
}
