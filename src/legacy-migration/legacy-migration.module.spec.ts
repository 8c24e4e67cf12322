import { AppConfig } from '../config/app-config';
import { LegacyMigrationModule } from './legacy-migration.module';
import { ObjectIdMigrationService } from './objectid-migration.service';
import { ProgressBackfillService } from './progress-backfill.service';
import { RollbackFoldService } from './rollback-fold.service';
import { SchemaMigrationService } from './schema-migration.service';

const config = { DB_TIMEOUT_MS: 3000 } as AppConfig;

describe(LegacyMigrationModule.name, () => {
  it('provides only the services whose databases the run connects to', () => {
    const mongoOnly = LegacyMigrationModule.forRoot(config, { parts: ['mongo'] }).providers;
    expect(mongoOnly).toContain(ObjectIdMigrationService);
    expect(mongoOnly).not.toContain(ProgressBackfillService);
    const postgresOnly = LegacyMigrationModule.forRoot(config, { parts: ['postgres'] }).providers;
    expect(postgresOnly).toContain(SchemaMigrationService);
    expect(postgresOnly).not.toContain(RollbackFoldService);
  });

  it('provides everything by default', () => {
    const all = LegacyMigrationModule.forRoot(config).providers;
    expect(all).toEqual(
      expect.arrayContaining([
        ObjectIdMigrationService,
        ProgressBackfillService,
        RollbackFoldService,
        SchemaMigrationService,
      ]),
    );
  });
});
