import {
  applyDecorators,
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Param,
  Patch,
  Post,
  Put,
  Query,
  Res,
  UseInterceptors,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiHeader,
  ApiNotModifiedResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { AuthUser } from '../common/auth/auth-user';
import { CurrentUser, Public, Roles } from '../common/auth/auth.decorators';
import { ApiErrors } from '../common/errors/api-errors.decorator';
import { ParseIntIdPipe, ParseObjectIdPipe } from '../common/pipes/id-params.pipe';
import {
  answerRead,
  ContentCacheInterceptor,
  ContentWriteInterceptor,
} from './course-content.http';
import { ContentWrite, CourseContentService } from './course-content.service';
import {
  ContentQueryDto,
  CreateLessonDto,
  CreateModuleDto,
  CreateQuizDto,
  CreateResourceDto,
  CreateSummaryDto,
  ReplaceContentDto,
  UpdateLessonDto,
  UpdateModuleDto,
  UpdateQuizDto,
  UpdateResourceDto,
  UpdateSummaryDto,
} from './dto/content-input.dto';
import { CourseContentResponseDto } from './dto/content-response.dto';

const UPDATED = ApiOkResponse({
  type: CourseContentResponseDto,
  description: 'The full content document (all items); the new version is in ETag',
});
const CREATED = ApiCreatedResponse({
  type: CourseContentResponseDto,
  description: 'The full content document; Location names the created item',
});
const DEACTIVATED = applyDecorators(
  HttpCode(200),
  ApiOkResponse({ type: CourseContentResponseDto, description: 'Soft delete: is_active=false' }),
);

/** A write: by the course owner or an admin, pinned to a version by If-Match if the caller likes. */
function Write(answer: MethodDecorator): MethodDecorator {
  return applyDecorators(
    Roles('instructor', 'admin'),
    ApiHeader({
      name: 'If-Match',
      required: false,
      description: 'ETag ("<version>") the edit is based on; a newer document answers 412',
    }),
    answer,
    ApiErrors(400, 401, 403, 404, 409, 412, 413),
    // ETag and Location of every write, in one place.
    UseInterceptors(ContentWriteInterceptor),
  );
}

@ApiTags('course content')
@ApiBearerAuth()
@Controller('courses/:courseId/content')
export class CourseContentController {
  constructor(private readonly content: CourseContentService) {}

  @Get()
  @Public()
  @UseInterceptors(ContentCacheInterceptor)
  @ApiOkResponse({
    type: CourseContentResponseDto,
    description:
      'What the caller may see. Headers: ETag "<version>", X-Cache HIT|MISS. ' +
      'A course without content yet answers an empty tree at version 0.',
  })
  @ApiNotModifiedResponse({
    description:
      'If-None-Match names the current version (anonymous callers, enrolled students, owner, ' +
      'admin; a signed-in caller who is not enrolled always gets the full view, since enrolling ' +
      'changes it without changing the version)',
  })
  @ApiErrors(400, 401, 403, 404)
  async get(
    @CurrentUser() caller: AuthUser | undefined,
    @Param('courseId', ParseIntIdPipe) courseId: number,
    @Query() query: ContentQueryDto,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Buffer | undefined> {
    const view = await this.content.view(caller, courseId, query.include_inactive ?? false);
    return answerRead(view, ifNoneMatch, reply);
  }

  @Put()
  @Write(UPDATED)
  replace(
    @CurrentUser() caller: AuthUser,
    @Param('courseId', ParseIntIdPipe) courseId: number,
    @Body() dto: ReplaceContentDto,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<ContentWrite> {
    return this.content.replace(caller, courseId, dto, ifMatch);
  }

  @Post('modules')
  @Write(CREATED)
  addModule(
    @CurrentUser() caller: AuthUser,
    @Param('courseId', ParseIntIdPipe) courseId: number,
    @Body() dto: CreateModuleDto,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<ContentWrite> {
    return this.content.add(caller, courseId, 'module', {}, dto, ifMatch);
  }

  @Patch('modules/:moduleId')
  @Write(UPDATED)
  updateModule(
    @CurrentUser() caller: AuthUser,
    @Param('courseId', ParseIntIdPipe) courseId: number,
    @Param('moduleId', ParseObjectIdPipe) moduleId: string,
    @Body() dto: UpdateModuleDto,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<ContentWrite> {
    return this.content.update(caller, courseId, 'module', { id: moduleId }, dto, ifMatch);
  }

  @Delete('modules/:moduleId')
  @Write(DEACTIVATED)
  deleteModule(
    @CurrentUser() caller: AuthUser,
    @Param('courseId', ParseIntIdPipe) courseId: number,
    @Param('moduleId', ParseObjectIdPipe) moduleId: string,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<ContentWrite> {
    return this.content.deactivate(caller, courseId, 'module', { id: moduleId }, ifMatch);
  }

  @Post('modules/:moduleId/lessons')
  @Write(CREATED)
  addLesson(
    @CurrentUser() caller: AuthUser,
    @Param('courseId', ParseIntIdPipe) courseId: number,
    @Param('moduleId', ParseObjectIdPipe) moduleId: string,
    @Body() dto: CreateLessonDto,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<ContentWrite> {
    return this.content.add(caller, courseId, 'lesson', { moduleId }, dto, ifMatch);
  }

  @Patch('modules/:moduleId/lessons/:lessonId')
  @Write(UPDATED)
  updateLesson(
    @CurrentUser() caller: AuthUser,
    @Param('courseId', ParseIntIdPipe) courseId: number,
    @Param('moduleId', ParseObjectIdPipe) moduleId: string,
    @Param('lessonId', ParseObjectIdPipe) lessonId: string,
    @Body() dto: UpdateLessonDto,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<ContentWrite> {
    const at = { moduleId, id: lessonId };
    return this.content.update(caller, courseId, 'lesson', at, dto, ifMatch);
  }

  @Delete('modules/:moduleId/lessons/:lessonId')
  @Write(DEACTIVATED)
  deleteLesson(
    @CurrentUser() caller: AuthUser,
    @Param('courseId', ParseIntIdPipe) courseId: number,
    @Param('moduleId', ParseObjectIdPipe) moduleId: string,
    @Param('lessonId', ParseObjectIdPipe) lessonId: string,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<ContentWrite> {
    return this.content.deactivate(caller, courseId, 'lesson', { moduleId, id: lessonId }, ifMatch);
  }

  @Post('modules/:moduleId/quizzes')
  @Write(CREATED)
  addQuiz(
    @CurrentUser() caller: AuthUser,
    @Param('courseId', ParseIntIdPipe) courseId: number,
    @Param('moduleId', ParseObjectIdPipe) moduleId: string,
    @Body() dto: CreateQuizDto,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<ContentWrite> {
    return this.content.add(caller, courseId, 'quiz', { moduleId }, dto, ifMatch);
  }

  @Patch('modules/:moduleId/quizzes/:quizId')
  @Write(UPDATED)
  updateQuiz(
    @CurrentUser() caller: AuthUser,
    @Param('courseId', ParseIntIdPipe) courseId: number,
    @Param('moduleId', ParseObjectIdPipe) moduleId: string,
    @Param('quizId', ParseObjectIdPipe) quizId: string,
    @Body() dto: UpdateQuizDto,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<ContentWrite> {
    return this.content.update(caller, courseId, 'quiz', { moduleId, id: quizId }, dto, ifMatch);
  }

  @Delete('modules/:moduleId/quizzes/:quizId')
  @Write(DEACTIVATED)
  deleteQuiz(
    @CurrentUser() caller: AuthUser,
    @Param('courseId', ParseIntIdPipe) courseId: number,
    @Param('moduleId', ParseObjectIdPipe) moduleId: string,
    @Param('quizId', ParseObjectIdPipe) quizId: string,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<ContentWrite> {
    return this.content.deactivate(caller, courseId, 'quiz', { moduleId, id: quizId }, ifMatch);
  }

  @Post('modules/:moduleId/summaries')
  @Write(CREATED)
  addSummary(
    @CurrentUser() caller: AuthUser,
    @Param('courseId', ParseIntIdPipe) courseId: number,
    @Param('moduleId', ParseObjectIdPipe) moduleId: string,
    @Body() dto: CreateSummaryDto,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<ContentWrite> {
    return this.content.add(caller, courseId, 'summary', { moduleId }, dto, ifMatch);
  }

  @Patch('modules/:moduleId/summaries/:summaryId')
  @Write(UPDATED)
  updateSummary(
    @CurrentUser() caller: AuthUser,
    @Param('courseId', ParseIntIdPipe) courseId: number,
    @Param('moduleId', ParseObjectIdPipe) moduleId: string,
    @Param('summaryId', ParseObjectIdPipe) summaryId: string,
    @Body() dto: UpdateSummaryDto,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<ContentWrite> {
    const at = { moduleId, id: summaryId };
    return this.content.update(caller, courseId, 'summary', at, dto, ifMatch);
  }

  @Delete('modules/:moduleId/summaries/:summaryId')
  @Write(DEACTIVATED)
  deleteSummary(
    @CurrentUser() caller: AuthUser,
    @Param('courseId', ParseIntIdPipe) courseId: number,
    @Param('moduleId', ParseObjectIdPipe) moduleId: string,
    @Param('summaryId', ParseObjectIdPipe) summaryId: string,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<ContentWrite> {
    const at = { moduleId, id: summaryId };
    return this.content.deactivate(caller, courseId, 'summary', at, ifMatch);
  }

  @Post('modules/:moduleId/lessons/:lessonId/resources')
  @Write(CREATED)
  addResource(
    @CurrentUser() caller: AuthUser,
    @Param('courseId', ParseIntIdPipe) courseId: number,
    @Param('moduleId', ParseObjectIdPipe) moduleId: string,
    @Param('lessonId', ParseObjectIdPipe) lessonId: string,
    @Body() dto: CreateResourceDto,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<ContentWrite> {
    return this.content.add(caller, courseId, 'resource', { moduleId, lessonId }, dto, ifMatch);
  }

  @Patch('modules/:moduleId/lessons/:lessonId/resources/:resourceId')
  @Write(UPDATED)
  updateResource(
    @CurrentUser() caller: AuthUser,
    @Param('courseId', ParseIntIdPipe) courseId: number,
    @Param('moduleId', ParseObjectIdPipe) moduleId: string,
    @Param('lessonId', ParseObjectIdPipe) lessonId: string,
    @Param('resourceId', ParseObjectIdPipe) resourceId: string,
    @Body() dto: UpdateResourceDto,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<ContentWrite> {
    const at = { moduleId, lessonId, id: resourceId };
    return this.content.update(caller, courseId, 'resource', at, dto, ifMatch);
  }

  @Delete('modules/:moduleId/lessons/:lessonId/resources/:resourceId')
  @Write(DEACTIVATED)
  deleteResource(
    @CurrentUser() caller: AuthUser,
    @Param('courseId', ParseIntIdPipe) courseId: number,
    @Param('moduleId', ParseObjectIdPipe) moduleId: string,
    @Param('lessonId', ParseObjectIdPipe) lessonId: string,
    @Param('resourceId', ParseObjectIdPipe) resourceId: string,
    @Headers('if-match') ifMatch: string | undefined,
  ): Promise<ContentWrite> {
    const at = { moduleId, lessonId, id: resourceId };
    return this.content.deactivate(caller, courseId, 'resource', at, ifMatch);
  }
}
