import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthUser } from '../common/auth/auth-user';
import { CurrentUser, Public, Roles } from '../common/auth/auth.decorators';
import { PaginationQueryDto } from '../common/dto/pagination.dto';
import { ApiErrors } from '../common/errors/api-errors.decorator';
import { ParseIntIdPipe } from '../common/pipes/id-params.pipe';
import { CertificatesService } from './certificates.service';
import {
  CertificateListResponseDto,
  CertificateResponseDto,
  CertificateVerificationDto,
  RevokeCertificateDto,
  VerifyCertificateParamsDto,
} from './dto/certificate.dto';

@ApiTags('certificates')
@ApiBearerAuth()
@Controller('certificates')
export class CertificatesController {
  constructor(private readonly certificates: CertificatesService) {}

  @Get('me')
  @Roles('student')
  @ApiOperation({ summary: "The calling student's certificates, newest first" })
  @ApiOkResponse({ type: CertificateListResponseDto })
  @ApiErrors(400, 401, 403)
  listMine(
    @CurrentUser() caller: AuthUser,
    @Query() query: PaginationQueryDto,
  ): Promise<CertificateListResponseDto> {
    return this.certificates.listMine(caller, query);
  }

  @Get('verify/:certificateNumber')
  @Public()
  @ApiOperation({
    summary: 'Check a certificate number (anyone)',
    description: 'Answers whether it is valid, with the course and student id and no other data.',
  })
  @ApiOkResponse({ type: CertificateVerificationDto })
  // 401 only for a token that is sent but invalid; no token is fine.
  @ApiErrors(400, 401, 404)
  verify(@Param() params: VerifyCertificateParamsDto): Promise<CertificateVerificationDto> {
    return this.certificates.verify(params.certificateNumber);
  }

  @Get(':id')
  @ApiOperation({
    summary: 'One certificate',
    description:
      'For its student, the course owner and admins; for anybody else it does not exist (404).',
  })
  @ApiOkResponse({ type: CertificateResponseDto })
  @ApiErrors(400, 401, 404)
  get(
    @CurrentUser() caller: AuthUser,
    @Param('id', ParseIntIdPipe) id: number,
  ): Promise<CertificateResponseDto> {
    return this.certificates.get(caller, id);
  }

  @Post(':id/revoke')
  @HttpCode(200)
  @Roles('instructor', 'admin')
  @ApiOperation({
    summary: 'Revoke a certificate (course owner or admin)',
    description:
      '404 for a certificate of another instructor, 409 CERTIFICATE_ALREADY_REVOKED the second time.',
  })
  @ApiOkResponse({ type: CertificateResponseDto })
  @ApiErrors(400, 401, 403, 404, 409, 413)
  revoke(
    @CurrentUser() caller: AuthUser,
    @Param('id', ParseIntIdPipe) id: number,
    @Body() dto: RevokeCertificateDto,
  ): Promise<CertificateResponseDto> {
    return this.certificates.revoke(caller, id, dto);
  }
}
