import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppConfig } from '../config/app-config';
import { loadOpsConfig } from '../config/ops-config';
import { LegacyMigrationModule, LegacyMigrationOptions } from './legacy-migration.module';
import { RollbackPreparation } from './rollback-fold.service';
import {
  MigrationDirection,
  RevertTarget,
  SchemaMigrationService,
} from './schema-migration.service';

/**
 * Boots the migration module as an application context (no HTTP), runs `fn` and always closes
 * it. Nest's own logger stays off: a script's output is its report lines, and a failed boot
 * (a database down) is thrown, not logged, so the script can name it.
 */
export async function withLegacyMigration<T>(
  config: AppConfig,
  options: LegacyMigrationOptions,
  fn: (app: INestApplicationContext) => Promise<T>,
): Promise<T> {
  const app = await NestFactory.createApplicationContext(
    LegacyMigrationModule.forRoot(config, options),
    { logger: false, abortOnError: false },
  );
  try {
    return await fn(app);
  } finally {
    await app.close();
  }
}

export interface MigrateOptions {
  /**
   * For a `down` that reverts the progress refactor: completions recorded since the upgrade are
   * folded back into the legacy arrays through this database's content (rollback-fold.service.ts).
   */
  mongodbUri?: string;
  /** Told what the fold could not put back (the rows stay in `progress`). */
  onRollbackPrepared?: (preparation: RollbackPreparation) => void;
}

/**
 * Applies (or reverts) the schema migrations on `databaseUrl`; `to` names the last migration to
 * reach, like MikroORM's CLI. For the dev stack, the fixtures and the tests.
 */
export function migrate(
  databaseUrl: string,
  direction: MigrationDirection,
  to?: RevertTarget,
  options: MigrateOptions = {},
): Promise<string[]> {
  const config = loadOpsConfig(
    { DATABASE_URL: databaseUrl, MONGODB_URI: options.mongodbUri },
    options.mongodbUri ? ['DATABASE_URL', 'MONGODB_URI'] : ['DATABASE_URL'],
  );
  return withLegacyMigration(config, schemaMigrationContext(!!options.mongodbUri), (app) => {
    const migrations = app.get(SchemaMigrationService);
    return direction === 'up'
      ? migrations.up(to === 0 ? undefined : to)
      : migrations.down(to, options.onRollbackPrepared);
  });
}

/** Migrations run with a small pool and longer waits than API calls; MongoDB only to fold. */
export function schemaMigrationContext(withMongo: boolean): LegacyMigrationOptions {
  return {
    parts: withMongo ? ['postgres', 'mongo'] : ['postgres'],
    postgres: { timeoutMs: 10_000, poolMax: 2, silentMigrations: true },
  };
}
