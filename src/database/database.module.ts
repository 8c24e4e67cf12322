import { MikroOrmModule } from '@mikro-orm/nestjs';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { AppConfig } from '../config/app-config';
import { mikroOrmOptions } from './mikro-orm.config';

@Module({
  imports: [
    MikroOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        ...mikroOrmOptions({
          databaseUrl: config.DATABASE_URL,
          timeoutMs: config.DB_TIMEOUT_MS,
          poolMax: config.DB_POOL_MAX,
        }),
        registerRequestContext: true,
      }),
      driver: PostgreSqlDriver,
    }),
    MongooseModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        uri: config.MONGODB_URI,
        // Fail fast instead of buffering while disconnected.
        bufferCommands: false,
        serverSelectionTimeoutMS: config.DB_TIMEOUT_MS,
        connectTimeoutMS: config.DB_TIMEOUT_MS,
        socketTimeoutMS: config.DB_TIMEOUT_MS * 5,
        // The embedded MongoDB-wire server has no `create` command.
        autoCreate: false,
        retryAttempts: 2,
        retryDelay: 500,
      }),
    }),
  ],
})
export class DatabaseModule {}
