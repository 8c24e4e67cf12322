import { MikroOrmModule } from '@mikro-orm/nestjs';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { mikroOrmOptions, PostgresSettings } from './mikro-orm.config';

/** What an ops run sets differently from the API: longer statements, its own pool. */
export type PostgresTuning = Partial<
  Pick<
    PostgresSettings,
    'timeoutMs' | 'poolMax' | 'statementTimeoutMs' | 'applicationName' | 'silentMigrations'
  >
>;

/** MikroORM on DATABASE_URL; without tuning, exactly the API's settings. */
@Module({})
export class PostgresModule {
  static forRoot(tuning: PostgresTuning = {}): DynamicModule {
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
              ...tuning,
            }),
            // Repositories run single statements (em.execute) and never use the identity map, so
            // a forked EntityManager per request would buy nothing; its middleware and async
            // context cost about a tenth of a cached read.
            registerRequestContext: false,
          }),
          driver: PostgreSqlDriver,
        }),
      ],
    };
  }
}
