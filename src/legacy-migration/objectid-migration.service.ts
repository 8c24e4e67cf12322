import { Inject, Injectable, Optional } from '@nestjs/common';
import { Document } from 'mongodb';
import { ContentCacheService } from '../cache/content-cache.service';
import { RedisService } from '../cache/redis.service';
import { AppConfig } from '../config/app-config';
import { cacheCourseIds } from './domain/objectid-transform';
import { redactUrl } from './domain/redact-url';
import { LegacyContentRepository } from './legacy-content.repository';
import {
  migrateToObjectId,
  ObjectIdMigrationOptions,
  ObjectIdMigrationSummary,
  verifyContent,
} from './objectid-migration';

/**
 * `migrate:objectid` on the app's content collection. With the cache module in the context, the
 * app's cached trees of every changed course are invalidated after each written batch, exactly
 * like the app's own writers do it; without it, nothing is invalidated.
 */
@Injectable()
export class ObjectIdMigrationService {
  constructor(
    private readonly contents: LegacyContentRepository,
    private readonly config: AppConfig,
    // Named explicitly: the design type of an optional parameter is not reliable across compilers.
    @Optional() @Inject(ContentCacheService) private readonly cache?: ContentCacheService,
    @Optional() @Inject(RedisService) private readonly redis?: RedisService,
  ) {}

  /**
   * Waits for the cache's Redis; fails before anything is written when it cannot be reached,
   * since the app would otherwise keep serving pre-migration trees from its cache.
   */
  async connectCache(): Promise<void> {
    if (!this.redis?.client) return;
    try {
      await this.redis.whenReady();
    } catch (error) {
      const ttl = this.config.CONTENT_CACHE_TTL_SECONDS;
      throw new Error(
        `Redis unreachable at ${redactUrl(this.config.REDIS_URL!)}: ` +
          `${error instanceof Error ? error.message : String(error)}. Nothing was written: the ` +
          `app's cached content trees would stay stale for up to ${ttl} s ` +
          '(CONTENT_CACHE_TTL_SECONDS). Fix REDIS_URL, or pass --no-cache-invalidation to migrate ' +
          'anyway',
      );
    }
  }

  estimatedCount(): Promise<number | undefined> {
    return this.contents
      .collection()
      .estimatedDocumentCount()
      .catch(() => undefined);
  }

  migrate(
    options: Omit<ObjectIdMigrationOptions, 'collection' | 'afterWrite'>,
  ): Promise<ObjectIdMigrationSummary> {
    return migrateToObjectId({
      ...options,
      collection: this.contents.collection(),
      afterWrite: this.cache && this.redis?.client ? (docs) => this.invalidate(docs) : undefined,
    });
  }

  verify(): ReturnType<typeof verifyContent> {
    return verifyContent(this.contents.collection());
  }

  private async invalidate(docs: Document[]): Promise<void> {
    try {
      await this.cache!.invalidateMany(cacheCourseIds(docs));
    } catch (error) {
      throw new Error(
        `${error instanceof Error ? error.message : String(error)}. Those documents are ` +
          'migrated but their cached trees may be stale until they expire: delete their ' +
          '"course:content:<id>" keys (with CACHE_KEY_PREFIX), then rerun for the rest',
      );
    }
  }
}
