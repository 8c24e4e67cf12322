import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthUser } from '../common/auth/auth-user';
import { CurrentUser, Roles } from '../common/auth/auth.decorators';
import { ApiErrors } from '../common/errors/api-errors.decorator';
import { CreatedOrOk } from '../common/http/created-or-ok';
import { ParseIntIdPipe } from '../common/pipes/id-params.pipe';
import {
  CreateEnrollmentDto,
  EnrollmentListResponseDto,
  EnrollmentResponseDto,
  ListEnrollmentsQueryDto,
  UpdateEnrollmentDto,
} from './dto/enrollment.dto';
import { EnrollmentsService, EnrollResult } from './enrollments.service';

@ApiTags('enrollments')
@ApiBearerAuth()
@Controller()
export class EnrollmentsController {
  constructor(private readonly enrollments: EnrollmentsService) {}

  @Post('enrollments')
  @Roles('student')
  @ApiOperation({
    summary: 'Enroll the calling student in a published course',
    description:
      '201 with a new enrollment; 200 when the student had dropped the course: the same ' +
      'enrollment (same id, progress kept) becomes active again. An active, suspended or ' +
      'completed enrollment is a 409 (code ALREADY_ENROLLED) that changes nothing; an archived ' +
      'course is a 409 (COURSE_NOT_OPEN); a missing or draft course is a 404.',
  })
  @CreatedOrOk('enrollment', {
    type: EnrollmentResponseDto,
    created: 'Enrolled',
    ok: 'A dropped enrollment was re-activated (same id)',
  })
  @ApiErrors(400, 401, 403, 404, 409, 413)
  enroll(@CurrentUser() caller: AuthUser, @Body() dto: CreateEnrollmentDto): Promise<EnrollResult> {
    return this.enrollments.enroll(caller, dto);
  }

  @Get('enrollments/me')
  @Roles('student')
  @ApiOperation({ summary: "The calling student's enrollments, newest first" })
  @ApiOkResponse({ type: EnrollmentListResponseDto })
  @ApiErrors(400, 401, 403)
  listMine(
    @CurrentUser() caller: AuthUser,
    @Query() query: ListEnrollmentsQueryDto,
  ): Promise<EnrollmentListResponseDto> {
    return this.enrollments.listMine(caller, query);
  }

  @Get('enrollments/:id')
  @ApiOperation({
    summary: 'One enrollment',
    description:
      'For the enrolled student, the course owner and admins; for anybody else it does not ' +
      'exist (404), so enrollment ids reveal nothing.',
  })
  @ApiOkResponse({ type: EnrollmentResponseDto })
  @ApiErrors(400, 401, 404)
  get(
    @CurrentUser() caller: AuthUser,
    @Param('id', ParseIntIdPipe) id: number,
  ): Promise<EnrollmentResponseDto> {
    return this.enrollments.get(caller, id);
  }

  @Patch('enrollments/:id')
  @ApiOperation({
    summary: 'Change the status of an enrollment',
    description:
      'The student may drop an active enrollment; the course owner and admins may also suspend, ' +
      'lift a suspension, drop and re-activate. 409 (INVALID_STATUS_TRANSITION) for a move the ' +
      'rules do not have (completed is final; completed is reached only through progress); 403 ' +
      '(STATUS_CHANGE_NOT_ALLOWED) for a move the caller may not make; 404 for an enrollment ' +
      'the caller cannot see.',
  })
  @ApiOkResponse({ type: EnrollmentResponseDto })
  @ApiErrors(400, 401, 403, 404, 409, 413)
  changeStatus(
    @CurrentUser() caller: AuthUser,
    @Param('id', ParseIntIdPipe) id: number,
    @Body() dto: UpdateEnrollmentDto,
  ): Promise<EnrollmentResponseDto> {
    return this.enrollments.changeStatus(caller, id, dto);
  }

  @Get('courses/:courseId/enrollments')
  @Roles('instructor', 'admin')
  @ApiTags('courses')
  @ApiOperation({
    summary: 'Enrollments of a course, newest first (course owner or admin)',
    description: '404 for a course the caller cannot see, 403 for a visible course not theirs.',
  })
  @ApiOkResponse({ type: EnrollmentListResponseDto })
  @ApiErrors(400, 401, 403, 404)
  listForCourse(
    @CurrentUser() caller: AuthUser,
    @Param('courseId', ParseIntIdPipe) courseId: number,
    @Query() query: ListEnrollmentsQueryDto,
  ): Promise<EnrollmentListResponseDto> {
    return this.enrollments.listForCourse(caller, courseId, query);
  }
}
