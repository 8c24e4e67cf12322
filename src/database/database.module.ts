import { Module } from '@nestjs/common';
import { MongoModule } from './mongo.module';
import { PostgresModule } from './postgres.module';

/** Both databases with the API's settings. */
@Module({
  imports: [PostgresModule.forRoot(), MongoModule.forRoot()],
})
export class DatabaseModule {}
