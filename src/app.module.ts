import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
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
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(config),
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.LOG_LEVEL,
            redact: ['req.headers.authorization', 'req.headers.cookie'],
            customLogLevel: (_req, res, err) =>
              err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
            autoLogging: { ignore: (req) => req.url?.startsWith('/health/') ?? false },
          },
        }),
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
