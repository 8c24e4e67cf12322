import { MikroOrmModule } from '@mikro-orm/nestjs';
import { Module } from '@nestjs/common';
import { CoursesModule } from '../courses/courses.module';
import { EnrollmentsModule } from '../enrollments/enrollments.module';
import { Certificate } from './certificate.entity';
import { CertificatesController } from './certificates.controller';
import { CertificatesService } from './certificates.service';

/**
 * Needs a COURSE_COMPLETION provider (see course-completion.port.ts) somewhere in the
 * application; it is resolved at request time, so this module imports nothing from progress.
 */
@Module({
  imports: [MikroOrmModule.forFeature([Certificate]), CoursesModule, EnrollmentsModule],
  controllers: [CertificatesController],
  providers: [CertificatesService],
  exports: [CertificatesService],
})
export class CertificatesModule {}
