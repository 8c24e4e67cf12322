import { Module } from '@nestjs/common';
import { CertificatesModule } from '../certificates/certificates.module';
import { COURSE_COMPLETION } from '../certificates/course-completion.port';
import { CourseContentModule } from '../course-content/course-content.module';
import { CoursesModule } from '../courses/courses.module';
import { EnrollmentsModule } from '../enrollments/enrollments.module';
import { ProgressController } from './progress.controller';
import { ProgressRepository } from './progress.repository';
import { ProgressService } from './progress.service';

@Module({
  imports: [CoursesModule, EnrollmentsModule, CourseContentModule, CertificatesModule],
  controllers: [ProgressController],
  providers: [
    ProgressService,
    ProgressRepository,
    // Certificates look this up lazily, so CertificatesModule need not import ProgressModule.
    { provide: COURSE_COMPLETION, useExisting: ProgressService },
  ],
})
export class ProgressModule {}
