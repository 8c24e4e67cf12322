import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AuthUser } from '../common/auth/auth-user';
import { CurrentUser, Roles } from '../common/auth/auth.decorators';
import { ApiErrors } from '../common/errors/api-errors.decorator';
import { CreatedOrOk } from '../common/http/created-or-ok';
import { ParseIntIdPipe } from '../common/pipes/id-params.pipe';
import {
  CompleteItemDto,
  CourseProgressSummaryDto,
  CourseReportDto,
  CourseReportQueryDto,
  ProgressItemDto,
  ProgressResponseDto,
} from './dto/progress.dto';
import { ProgressService } from './progress.service';

@ApiTags('progress')
@ApiBearerAuth()
@Controller()
export class ProgressController {
  constructor(private readonly progress: ProgressService) {}

  @Post('progress')
  @Roles('student')
  @CreatedOrOk('progress', {
    type: ProgressResponseDto,
    created: 'First completion of the item',
    ok:
      'Already completed: the same row. A quiz retake keeps the highest score; `score` is the ' +
      'kept one',
  })
  @ApiErrors(400, 401, 403, 404, 409, 413)
  completeItem(@CurrentUser() caller: AuthUser, @Body() dto: CompleteItemDto) {
    return this.progress.completeItem(caller, dto);
  }

  @Delete('progress')
  @HttpCode(204)
  @Roles('student')
  @ApiNoContentResponse({ description: 'The item is not completed any more (idempotent)' })
  @ApiErrors(400, 401, 403, 404, 413)
  uncompleteItem(@CurrentUser() caller: AuthUser, @Body() dto: ProgressItemDto): Promise<void> {
    return this.progress.uncompleteItem(caller, dto);
  }

  @Get('progress/course/:courseId')
  @Roles('student')
  @ApiOkResponse({ type: CourseProgressSummaryDto })
  @ApiErrors(400, 401, 403, 404)
  summary(
    @CurrentUser() caller: AuthUser,
    @Param('courseId', ParseIntIdPipe) courseId: number,
  ): Promise<CourseProgressSummaryDto> {
    return this.progress.summary(caller, courseId);
  }

  @Get('courses/:courseId/progress')
  @Roles('instructor', 'admin')
  @ApiOkResponse({
    type: CourseReportDto,
    description: 'Every enrollment of the course with its figures',
  })
  @ApiErrors(400, 401, 403, 404)
  report(
    @CurrentUser() caller: AuthUser,
    @Param('courseId', ParseIntIdPipe) courseId: number,
    @Query() query: CourseReportQueryDto,
  ): Promise<CourseReportDto> {
    return this.progress.courseReport(caller, courseId, query);
  }
}
