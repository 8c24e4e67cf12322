import { DynamicModule, Module, Provider } from '@nestjs/common';
import { CacheModule } from '../cache/cache.module';
import { AppConfig } from '../config/app-config';
import { AppConfigModule } from '../config/config.module';
import { MongoModule, MongoTuning } from '../database/mongo.module';
import { PostgresModule, PostgresTuning } from '../database/postgres.module';
import { ProgressRepository } from '../progress/progress.repository';
import { redactUrl } from './domain/redact-url';
import { LegacyArchiveRepository } from './legacy-archive.repository';
import { LegacyContentRepository } from './legacy-content.repository';
import { LegacyResolutionsService } from './legacy-resolutions.service';
import { ObjectIdMigrationService } from './objectid-migration.service';
import { ProgressBackfillService } from './progress-backfill.service';
import { RollbackFoldService } from './rollback-fold.service';
import { SchemaMigrationService } from './schema-migration.service';

/** What an ops run connects to: a script touches only what it needs. */
export type LegacyMigrationPart = 'postgres' | 'mongo' | 'cache';

export interface LegacyMigrationOptions {
  parts?: LegacyMigrationPart[];
  postgres?: PostgresTuning;
  mongo?: MongoTuning;
}

/** Each provider with the parts it cannot work without. */
const PROVIDERS: { provider: Provider; needs: LegacyMigrationPart[] }[] = [
  { provider: LegacyContentRepository, needs: ['mongo'] },
  { provider: ObjectIdMigrationService, needs: ['mongo'] },
  { provider: LegacyArchiveRepository, needs: ['postgres'] },
  { provider: ProgressRepository, needs: ['postgres'] },
  { provider: SchemaMigrationService, needs: ['postgres'] },
  { provider: ProgressBackfillService, needs: ['postgres', 'mongo'] },
  { provider: LegacyResolutionsService, needs: ['postgres', 'mongo'] },
  { provider: RollbackFoldService, needs: ['postgres', 'mongo'] },
];

/** An ops run names the server it could not reach, password hidden. */
const mongoUnreachable = (error: Error, config: AppConfig) =>
  new Error(`MongoDB unreachable at ${redactUrl(config.MONGODB_URI)}: ${error.message}`);

/**
 * The legacy data migration (content ids, progress backfill, resolutions, rollback fold, schema
 * migrations) over the app's own config, database and cache modules, for the ops scripts.
 */
@Module({})
export class LegacyMigrationModule {
  static forRoot(config: AppConfig, options: LegacyMigrationOptions = {}): DynamicModule {
    const parts = options.parts ?? ['postgres', 'mongo', 'cache'];
    const has = (part: LegacyMigrationPart) => parts.includes(part);
    const imports: DynamicModule[] = [AppConfigModule.forRoot(config)];
    if (has('postgres')) imports.push(PostgresModule.forRoot(options.postgres));
    if (has('mongo'))
      imports.push(
        MongoModule.forRoot({
          // Bulk writes of whole content trees take longer than an API call.
          socketTimeoutMs: Math.max(60_000, config.DB_TIMEOUT_MS * 20),
          connectionError: mongoUnreachable,
          ...options.mongo,
        }),
      );
    const providers = PROVIDERS.filter((p) => p.needs.every(has)).map((p) => p.provider);
    return {
      module: LegacyMigrationModule,
      imports: has('cache') ? [...imports, { module: CacheModule }] : imports,
      providers,
      exports: providers,
    };
  }
}
