import { MikroORM } from '@mikro-orm/postgresql';
import { Collection } from 'mongodb';
import { Client } from 'pg';
import { mikroOrmOptions } from '../../src/database/mikro-orm.config';
import { dropRollbackFold, prepareRollbackFold, RollbackPreparation } from './rollback-fold';

export const LEGACY_SCHEMA_MIGRATION = 'Migration20260101000000LegacySchema';
export const PROGRESS_REFACTOR_MIGRATION = 'Migration20260201000000ProgressRefactor';

export type MigrationDirection = 'up' | 'down';

/** Opens a short-lived ORM on `databaseUrl`, runs `fn` with it, and always closes it. */
export async function withOrm<T>(
  databaseUrl: string,
  fn: (orm: MikroORM) => Promise<T>,
): Promise<T> {
  const options = mikroOrmOptions({ databaseUrl, timeoutMs: 10_000, poolMax: 2 });
  // Callers print what was applied; the migrator's own lines would only be noise in tests.
  const orm = await MikroORM.init({
    ...options,
    migrations: { ...options.migrations, silent: true },
  });
  try {
    return await fn(orm);
  } finally {
    await orm.close(true);
  }
}

export interface MigrateOptions {
  /**
   * The content collection, for a `down` that reverts the progress refactor: completions recorded
   * since the upgrade are folded back into the legacy arrays through it (see rollback-fold.ts).
   */
  contents?: Collection;
  /** Told what the fold could not put back (the rows stay in `progress`). */
  onRollbackPrepared?: (preparation: RollbackPreparation) => void;
}

/** Applies (or reverts) migrations; `to` names the last migration to reach, like MikroORM's CLI. */
export async function migrate(
  databaseUrl: string,
  direction: MigrationDirection,
  to?: string,
  options: MigrateOptions = {},
): Promise<string[]> {
  return withOrm(databaseUrl, async (orm) => {
    const migrator = orm.getMigrator();
    const target = to === undefined ? undefined : { to };
    if (direction === 'up') return (await migrator.up(target)).map((m) => m.name);
    const executed = (await migrator.getExecutedMigrations()).map((m) => m.name);
    const fold = options.contents && reverts(executed, to).includes(PROGRESS_REFACTOR_MIGRATION);
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      if (fold) {
        const prepared = await prepareRollbackFold(client, options.contents!);
        options.onRollbackPrepared?.(prepared);
      }
      return (await migrator.down(target)).map((m) => m.name);
    } finally {
      // Left over when the revert stopped before the refactor (or failed): never reused stale.
      if (fold) await dropRollbackFold(client).catch(() => undefined);
      await client.end();
    }
  });
}

/** The migrations a `down` to `to` reverts: the last one, or every one from `to` (0: all). */
function reverts(executed: string[], to: string | undefined): string[] {
  if (to === undefined) return executed.slice(-1);
  if ((to as unknown) === 0) return executed;
  const at = executed.indexOf(to);
  return at < 0 ? [] : executed.slice(at);
}
