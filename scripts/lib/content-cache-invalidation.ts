import Redis from 'ioredis';
import { ContentCacheService } from '../../src/cache/content-cache.service';
import { redactUrl } from './ops-cli';

/*
 * Content-cache invalidation for scripts that rewrite `course_content` behind the app's back
 * (migrate:objectid). The app serves content trees from Redis for up to
 * CONTENT_CACHE_TTL_SECONDS; after a script writes a document it must invalidate exactly like the
 * app's own writers (ContentCacheService.invalidate): MULTI INCR the generation key, DEL the
 * entry, with the same key names and prefix. Bumping the generation also stops a reader that
 * read the old document before the write from putting it back.
 */

export interface ContentCacheInvalidator {
  /** Invalidates these courses' cached trees; retried briefly, then throws. */
  invalidate(courseIds: number[]): Promise<void>;
  close(): Promise<void>;
}

export interface InvalidatorOptions {
  url: string;
  /** CACHE_KEY_PREFIX, as the app uses it (ioredis keyPrefix). */
  keyPrefix: string;
  /** Per command (REDIS_TIMEOUT_MS); connecting waits 4x that, at least 1 s. */
  timeoutMs: number;
  attempts?: number;
  retryDelayMs?: number;
}

/** Connects and pings; throws "Redis unreachable at ..." if that fails. */
export async function connectContentCacheInvalidator(
  options: InvalidatorOptions,
): Promise<ContentCacheInvalidator> {
  const attempts = Math.max(1, options.attempts ?? 5);
  const retryDelayMs = options.retryDelayMs ?? 200;
  const client = new Redis(options.url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    commandTimeout: options.timeoutMs,
    connectTimeout: Math.max(options.timeoutMs * 4, 1000),
    maxRetriesPerRequest: 0,
    // After the first connection, reconnect in the background so a retried invalidation can land.
    retryStrategy: (times) => Math.min(times * 200, 2000),
    keyPrefix: options.keyPrefix,
  });
  let lastError: Error | undefined;
  client.on('error', (error: Error) => (lastError = error));
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    client.disconnect();
    // The 'error' event names the cause (ECONNREFUSED, ...); the rejection only "closed".
    const message = lastError?.message ?? (error instanceof Error ? error.message : String(error));
    throw new Error(`Redis unreachable at ${redactUrl(options.url)}: ${message}`);
  }

  const once = async (courseIds: number[]) => {
    const multi = client.multi();
    for (const id of courseIds)
      multi.incr(ContentCacheService.generationKey(id)).del(ContentCacheService.key(id));
    const results = await multi.exec();
    if (!results) throw new Error('MULTI aborted');
    const failed = results.find(([error]) => error);
    if (failed) throw failed[0] as Error;
  };

  return {
    async invalidate(courseIds) {
      const ids = [...new Set(courseIds)];
      if (ids.length === 0) return;
      for (let attempt = 1; ; attempt++) {
        try {
          await once(ids);
          return;
        } catch (error) {
          if (attempt >= attempts)
            throw new Error(
              `content cache invalidation failed for course(s) ${ids.join(', ')}: ` +
                `${error instanceof Error ? error.message : String(error)}`,
            );
          await new Promise((r) => setTimeout(r, retryDelayMs * 2 ** (attempt - 1)));
        }
      }
    },
    async close() {
      try {
        await client.quit();
      } catch {
        client.disconnect();
      }
    },
  };
}

/** Course ids of content documents, as the cache keys spell them (integers only). */
export function cacheCourseIds(docs: { course_id?: unknown }[]): number[] {
  const ids = new Set<number>();
  for (const doc of docs) {
    const id = typeof doc.course_id === 'string' ? Number(doc.course_id) : doc.course_id;
    if (typeof id === 'number' && Number.isSafeInteger(id)) ids.add(id);
  }
  return [...ids];
}
