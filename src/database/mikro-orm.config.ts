import { Options } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { migrationsList } from '../../migrations';
import { Certificate } from '../certificates/certificate.entity';
import { Course } from '../courses/course.entity';
import { Enrollment } from '../enrollments/enrollment.entity';
import { Progress } from '../progress/progress.entity';

export const ENTITIES = [Course, Enrollment, Certificate, Progress];

export interface PostgresSettings {
  databaseUrl: string;
  timeoutMs: number;
  poolMax: number;
  debug?: boolean;
  /** Default: five times `timeoutMs`, bounded for API statements. */
  statementTimeoutMs?: number;
  applicationName?: string;
  /** Callers that print what was applied do not want the migrator's own lines. */
  silentMigrations?: boolean;
}

/**
 * The one MikroORM configuration, used by the app, the migration command and the tests.
 * Every wait is bounded so a PostgreSQL outage answers 503 instead of hanging.
 */
export function mikroOrmOptions(settings: PostgresSettings): Options<PostgreSqlDriver> {
  return {
    driver: PostgreSqlDriver,
    clientUrl: settings.databaseUrl,
    entities: ENTITIES,
    discovery: { disableDynamicFileAccess: true, requireEntitiesArray: true },
    extensions: [Migrator],
    migrations: {
      migrationsList,
      tableName: 'mikro_orm_migrations',
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      silent: settings.silentMigrations ?? false,
    },
    pool: {
      min: 0,
      max: settings.poolMax,
      acquireTimeoutMillis: settings.timeoutMs,
      idleTimeoutMillis: 30_000,
    },
    driverOptions: {
      connection: {
        connectionTimeoutMillis: settings.timeoutMs,
        statement_timeout: settings.statementTimeoutMs ?? settings.timeoutMs * 5,
        application_name: settings.applicationName ?? 'course-service',
      },
    },
    // Migrations own the schema; and start-up must not fail while PostgreSQL is down.
    ensureDatabase: false,
    forceUtcTimezone: true,
    debug: settings.debug ?? false,
    allowGlobalContext: false,
  };
}
