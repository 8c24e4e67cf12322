import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AuthUser } from '../common/auth/auth-user';
import { CurrentUser, Roles } from '../common/auth/auth.decorators';
import { ApiErrors } from '../common/errors/api-errors.decorator';
import { ParseIntIdPipe } from '../common/pipes/id-params.pipe';
import {
  CourseProgressSummaryDto,
  CourseReportDto,
  CourseReportQueryDto,
  MarkCompletedDto,
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
  @ApiCreatedResponse({ type: ProgressResponseDto, description: 'First completion of the item' })
  @ApiOkResponse({
    type: ProgressResponseDto,
    description:
      'Already completed: the same row. A quiz retake keeps the highest score; `score` is the ' +
      'kept one',
  })
  @ApiErrors(400, 401, 403, 404, 409, 413)
  async markCompleted(
    @CurrentUser() caller: AuthUser,
    @Body() dto: MarkCompletedDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ProgressResponseDto> {
    const { progress, created } = await this.progress.markCompleted(caller, dto);
    reply.status(created ? 201 : 200);
    return progress;
  }

  @Delete('progress')
  @HttpCode(204)
  @Roles('student')
  @ApiNoContentResponse({ description: 'The item is not completed any more (idempotent)' })
  @ApiErrors(400, 401, 403, 404, 413)
  unmark(@CurrentUser() caller: AuthUser, @Body() dto: ProgressItemDto): Promise<void> {
    return this.progress.unmark(caller, dto);
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
