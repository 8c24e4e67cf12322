import { MikroORM } from '@mikro-orm/postgresql';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { resolve } from 'node:path';
import { RollbackFoldService, RollbackPreparation } from './rollback-fold.service';

export const LEGACY_SCHEMA_MIGRATION = 'Migration20260101000000LegacySchema';
export const PROGRESS_REFACTOR_MIGRATION = 'Migration20260201000000ProgressRefactor';

export type MigrationDirection = 'up' | 'down';

/** `to` of a revert: a migration name, or 0 for all of them (as MikroORM's CLI takes it). */
export type RevertTarget = string | 0 | undefined;

/**
 * The MikroORM migrations (never run at app start). Reverting the progress refactor first folds
 * the completions recorded since into the legacy arrays, through MongoDB (rollback-fold.service.ts):
 * available when the context has MongoDB.
 */
@Injectable()
export class SchemaMigrationService {
  constructor(
    private readonly orm: MikroORM,
    // Named explicitly: the design type of an optional parameter is not reliable across compilers.
    @Optional() @Inject(RollbackFoldService) private readonly fold?: RollbackFoldService,
  ) {}

  /** Applies pending migrations (all, or up to `to`); returns their names. */
  async up(to?: string): Promise<string[]> {
    const applied = await this.orm.getMigrator().up(to === undefined ? undefined : { to });
    return applied.map((m) => m.name);
  }

  /** Reverts the last migration, or down to `to`; returns the names reverted. */
  async down(
    to: RevertTarget,
    onRollbackPrepared?: (preparation: RollbackPreparation) => void,
  ): Promise<string[]> {
    const migrator = this.orm.getMigrator();
    const executed = (await migrator.getExecutedMigrations()).map((m) => m.name);
    const fold = this.fold && reverts(executed, to).includes(PROGRESS_REFACTOR_MIGRATION);
    try {
      if (fold) {
        const prepared = await this.fold!.prepare();
        onRollbackPrepared?.(prepared);
      }
      const reverted = await migrator.down(to === undefined ? undefined : { to: to as string });
      return reverted.map((m) => m.name);
    } finally {
      // Left over when the revert stopped before the refactor (or failed): never reused stale.
      if (fold) await this.fold!.drop().catch(() => undefined);
    }
  }

  async pending(): Promise<string[]> {
    return (await this.orm.getMigrator().getPendingMigrations()).map((m) => m.name);
  }

  /** Writes a blank migration into migrations/; returns its file name. */
  async create(name?: string): Promise<string> {
    const result = await this.orm
      .getMigrator()
      .createMigration(resolve('migrations'), true, false, name);
    return result.fileName;
  }
}

/** The migrations a `down` to `to` reverts: the last one, or every one from `to` (0: all). */
function reverts(executed: string[], to: RevertTarget): string[] {
  if (to === undefined) return executed.slice(-1);
  if (to === 0) return executed;
  const at = executed.indexOf(to);
  return at < 0 ? [] : executed.slice(at);
}
