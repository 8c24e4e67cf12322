import { Module } from '@nestjs/common';
import { EnrollmentsModule } from '../enrollments/enrollments.module';
import { CertificateRepository } from './certificate.repository';
import { CertificatesController } from './certificates.controller';
import { CertificatesService } from './certificates.service';

/** Issues, verifies and revokes certificates; it never reads progress (progress calls it). */
@Module({
  imports: [EnrollmentsModule],
  controllers: [CertificatesController],
  providers: [CertificatesService, CertificateRepository],
  exports: [CertificatesService],
})
export class CertificatesModule {}
