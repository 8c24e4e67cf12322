import { DynamicModule, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { MongooseError } from 'mongoose';
import { AppConfig } from '../config/app-config';

export interface MongoTuning {
  /** Bulk writes of whole content trees take longer than an API call. */
  socketTimeoutMs?: number;
  /** Wraps a failed first connection (an ops run names the server it could not reach). */
  connectionError?: (error: Error, config: AppConfig) => Error;
}

/** Mongoose on MONGODB_URI; without tuning, exactly the API's settings. */
@Module({})
export class MongoModule {
  static forRoot(tuning: MongoTuning = {}): DynamicModule {
    return {
      module: MongoModule,
      imports: [
        MongooseModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (config: AppConfig) => {
            return {
              uri: config.MONGODB_URI,
              // Fail fast instead of buffering while disconnected.
              bufferCommands: false,
              serverSelectionTimeoutMS: config.DB_TIMEOUT_MS,
              connectTimeoutMS: config.DB_TIMEOUT_MS,
              socketTimeoutMS: tuning.socketTimeoutMs ?? config.DB_TIMEOUT_MS * 5,
              // The embedded MongoDB-wire server has no `create` command.
              autoCreate: false,
              retryAttempts: 2,
              retryDelay: 500,
              ...(tuning.connectionError
                ? {
                    connectionErrorFactory: (error: MongooseError) =>
                      tuning.connectionError!(error, config) as MongooseError,
                  }
                : {}),
            };
          },
        }),
      ],
    };
  }
}
