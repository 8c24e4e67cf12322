import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { Logger } from 'pino';
import { CacheModule } from './cache/cache.module';
import { CertificatesModule } from './certificates/certificates.module';
import { AuthModule } from './common/auth/auth.module';
import { AppConfig } from './config/app-config';
import { AppConfigModule } from './config/config.module';
import { CourseContentModule } from './course-content/course-content.module';
import { CoursesModule } from './courses/courses.module';
import { DatabaseModule } from './database/database.module';
import { EnrollmentsModule } from './enrollments/enrollments.module';
import { HealthModule } from './health/health.module';
import { ProgressModule } from './progress/progress.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(config),
        // Nest's own log lines go to the process logger; request lines are written by Fastify
        // (see RequestLog), so no logging middleware runs on any route.
        LoggerModule.forRoot({ pinoHttp: { logger }, useExisting: true, forRoutes: [] }),
        DatabaseModule,
        CacheModule,
        AuthModule,
        HealthModule,
        CoursesModule,
        EnrollmentsModule,
        CertificatesModule,
        CourseContentModule,
        ProgressModule,
      ],
    };
  }
}
