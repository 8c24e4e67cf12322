import { Module } from '@nestjs/common';
import { CertificatesModule } from '../certificates/certificates.module';
import { CourseContentModule } from '../course-content/course-content.module';
import { CoursesModule } from '../courses/courses.module';
import { EnrollmentsModule } from '../enrollments/enrollments.module';
import { CertificateRequestsController } from './certificate-requests.controller';
import { CountedItemsReader } from './counted-items.reader';
import { CourseCompletionService } from './course-completion.service';
import { ProgressController } from './progress.controller';
import { ProgressRepository } from './progress.repository';
import { ProgressService } from './progress.service';

@Module({
  imports: [CoursesModule, EnrollmentsModule, CourseContentModule, CertificatesModule],
  controllers: [ProgressController, CertificateRequestsController],
  providers: [ProgressService, ProgressRepository, CountedItemsReader, CourseCompletionService],
  exports: [ProgressRepository],
})
export class ProgressModule {}
