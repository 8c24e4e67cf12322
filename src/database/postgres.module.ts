import { MikroOrmModule } from '@mikro-orm/nestjs';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { mikroOrmOptions, PostgresSettings } from './mikro-orm.config';

/** What an ops run sets differently from the API: longer statements, its own pool, no request context. */
export type PostgresTuning = Partial<
  Pick<
    PostgresSettings,
    'timeoutMs' | 'poolMax' | 'statementTimeoutMs' | 'applicationName' | 'silentMigrations'
  >
> & { registerRequestContext?: boolean };

/** MikroORM on DATABASE_URL; without tuning, exactly the API's settings. */
@Module({})
export class PostgresModule {
  static forRoot(tuning: PostgresTuning = {}): DynamicModule {
    const { registerRequestContext = true, ...settings } = tuning;
    return {
      module: PostgresModule,
      imports: [
        MikroOrmModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (config: AppConfig) => ({
            ...mikroOrmOptions({
              databaseUrl: config.DATABASE_URL,
              timeoutMs: config.DB_TIMEOUT_MS,
              poolMax: config.DB_POOL_MAX,
              ...settings,
            }),
            registerRequestContext,
          }),
          driver: PostgreSqlDriver,
        }),
      ],
    };
  }
}
