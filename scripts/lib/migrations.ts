import { MikroORM } from '@mikro-orm/postgresql';
import { mikroOrmOptions } from '../../src/database/mikro-orm.config';

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

/** Applies (or reverts) migrations; `to` names the last migration to reach, like MikroORM's CLI. */
export async function migrate(
  databaseUrl: string,
  direction: MigrationDirection,
  to?: string,
): Promise<string[]> {
  return withOrm(databaseUrl, async (orm) => {
    const migrator = orm.getMigrator();
    const options = to === undefined ? undefined : { to };
    const done = direction === 'up' ? await migrator.up(options) : await migrator.down(options);
    return done.map((m) => m.name);
  });
}
