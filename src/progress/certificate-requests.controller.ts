import { Body, Controller, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CertificateResponseDto, RequestCertificateDto } from '../certificates/dto/certificate.dto';
import { AuthUser } from '../common/auth/auth-user';
import { CurrentUser, Roles } from '../common/auth/auth.decorators';
import { ApiErrors } from '../common/errors/api-errors.decorator';
import { CreatedOrOk } from '../common/http/created-or-ok';
import { CourseCompletionService } from './course-completion.service';

/**
 * POST /certificates lives with progress: asking for a certificate completes the course when the
 * student is at 100%, which only the progress code can decide.
 */
@ApiTags('certificates')
@ApiBearerAuth()
@Controller('certificates')
export class CertificateRequestsController {
  constructor(private readonly completion: CourseCompletionService) {}

  @Post()
  @Roles('student')
  @ApiOperation({
    summary: "The calling student's certificate for a course",
    description:
      'Idempotent: 201 when the certificate is issued now (needs 100% completion; the ' +
      'enrollment becomes completed), 200 with the existing certificate (revoked or not) on ' +
      'any later call. 403 ENROLLMENT_REQUIRED without an active or completed enrollment, 409 ' +
      'COMPLETION_REQUIRED below 100% (current percentage in `details`), 404 for an unknown course.',
  })
  @CreatedOrOk('certificate', {
    type: CertificateResponseDto,
    created: 'Issued now',
    ok: 'Already issued earlier',
  })
  @ApiErrors(400, 401, 403, 404, 409, 413)
  request(@CurrentUser() caller: AuthUser, @Body() dto: RequestCertificateDto) {
    return this.completion.requestCertificate(caller, dto.course_id);
  }
}
