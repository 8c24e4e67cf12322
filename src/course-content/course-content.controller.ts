import {
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
import { ContentWrite, CourseContentService } from './course-content.service';
import {
  addItem,
  addModule,
  addResource,
  replaceContent,
  updateItem,
  updateModule,
  updateResource,
} from './domain/content-tree';
import { ContentView } from './domain/content-view';
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
import { etagOf, noneMatchHits, parseIfMatch } from './http-preconditions';

const IF_MATCH = ApiHeader({
  name: 'If-Match',
  required: false,
  description: 'ETag ("<version>") the edit is based on; a newer document answers 412',
});
const WRITE_ERRORS = ApiErrors(400, 401, 403, 404, 409, 412, 413);
const WRITE_OK = ApiOkResponse({
  type: CourseContentResponseDto,
  description: 'The full content document (all items); the new version is in ETag',
});
const CREATED = ApiCreatedResponse({
  type: CourseContentResponseDto,
  description: 'The full content document; Location names the created item',
});

type Reply = FastifyReply;

@ApiTags('course content')
@ApiBearerAuth()
@Controller('courses/:courseId/content')
export class CourseContentController {
  constructor(private readonly content: CourseContentService) {}

  @Get()
  @Public()
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
    @Res({ passthrough: true }) reply: Reply,
  ): Promise<string | undefined> {
    const { json, version, cache, revalidatable } = await this.content.read(
      caller,
      courseId,
      query.include_inactive ?? false,
    );
    reply.header('ETag', etagOf(version)).header('X-Cache', cache).header('Vary', 'Authorization');
    if (revalidatable && noneMatchHits(ifNoneMatch, version)) {
      reply.status(304);
      return undefined;
    }
    reply.type('application/json; charset=utf-8');
    return json;
  }

  @Put()
  @Roles('instructor', 'admin')
  @IF_MATCH
  @WRITE_OK
  @WRITE_ERRORS
  async replace(
    @CurrentUser() caller: AuthUser,
    @Param('courseId', ParseIntIdPipe) courseId: number,
    @Body() dto: ReplaceContentDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: Reply,
  ): Promise<ContentView> {
    const result = await this.content.write(caller, courseId, parseIfMatch(ifMatch), (c) =>
      replaceContent(c, dto),
    );
    return respond(reply, result, courseId);
  }

  @Post('modules')
  @Roles('instructor', 'admin')
  @IF_MATCH
  @CREATED
  @WRITE_ERRORS
  async addModule(
    @CurrentUser() caller: AuthUser,
    @Param('courseId', ParseIntIdPipe) courseId: number,
    @Body() dto: CreateModuleDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: Reply,
  ): Promise<ContentView> {
    const result = await this.content.write(caller, courseId, parseIfMatch(ifMatch), (c) =>
      addModule(c, dto),
    );
    return respond(reply, result, courseId, (id) => `modules/${id}`);
  }

  @Patch('modules/:moduleId')
  @Roles('instructor', 'admin')
  @IF_MATCH
  @WRITE_OK
  @WRITE_ERRORS
  async updateModule(
    @CurrentUser() caller: AuthUser,
    @Param('courseId', ParseIntIdPipe) courseId: number,
    @Param('moduleId', ParseObjectIdPipe) moduleId: string,
    @Body() dto: UpdateModuleDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: Reply,
  ): Promise<ContentView> {
    const result = await this.content.write(caller, courseId, parseIfMatch(ifMatch), (c) =>
      updateModule(c, moduleId, dto),
    );
    return respond(reply, result, courseId);
  }

  @Delete('modules/:moduleId')
  @HttpCode(200)
  @Roles('instructor', 'admin')
  @IF_MATCH
  @ApiOkResponse({ type: CourseContentResponseDto, description: 'Soft delete: is_active=false' })
  @WRITE_ERRORS
  async deleteModule(
    @CurrentUser() caller: AuthUser,
    @Param('courseId', ParseIntIdPipe) courseId: number,
    @Param('moduleId', ParseObjectIdPipe) moduleId: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: Reply,
  ): Promise<ContentView> {
    const result = await this.content.write(caller, courseId, parseIfMatch(ifMatch), (c) =>
      updateModule(c, moduleId, { is_active: false }),
    );
    return respond(reply, result, courseId);
  }

  @Post('modules/:moduleId/lessons')
  @Roles('instructor', 'admin')
  @IF_MATCH
  @CREATED
  @WRITE_ERRORS
  async addLesson(
    @CurrentUser() caller: AuthUser,
    @Param('courseId', ParseIntIdPipe) courseId: number,
    @Param('moduleId', ParseObjectIdPipe) moduleId: string,
    @Body() dto: CreateLessonDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: Reply,
  ): Promise<ContentView> {
    const result = await this.content.write(caller, courseId, parseIfMatch(ifMatch), (c) =>
      addItem(c, moduleId, 'lesson', dto),
    );
    return respond(reply, result, courseId, (id) => `modules/${moduleId}/lessons/${id}`);
  }

  @Patch('modules/:moduleId/lessons/:lessonId')
  @Roles('instructor', 'admin')
  @IF_MATCH
  @WRITE_OK
  @WRITE_ERRORS
  async updateLesson(
    @CurrentUser() caller: AuthUser,
    @Param('courseId', ParseIntIdPipe) courseId: number,
    @Param('moduleId', ParseObjectIdPipe) moduleId: string,
    @Param('lessonId', ParseObjectIdPipe) lessonId: string,
    @Body() dto: UpdateLessonDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: Reply,
  ): Promise<ContentView> {
    const result = await this.content.write(caller, courseId, parseIfMatch(ifMatch), (c) =>
      updateItem(c, moduleId, 'lesson', lessonId, dto),
    );
    return respond(reply, result, courseId);
  }

  @Delete('modules/:moduleId/lessons/:lessonId')
  @HttpCode(200)
  @Roles('instructor', 'admin')
  @IF_MATCH
  @ApiOkResponse({ type: CourseContentResponseDto, description: 'Soft delete: is_active=false' })
  @WRITE_ERRORS
  async deleteLesson(
    @CurrentUser() caller: AuthUser,
    @Param('courseId', ParseIntIdPipe) courseId: number,
    @Param('moduleId', ParseObjectIdPipe) moduleId: string,
    @Param('lessonId', ParseObjectIdPipe) lessonId: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: Reply,
  ): Promise<ContentView> {
    const result = await this.content.write(caller, courseId, parseIfMatch(ifMatch), (c) =>
      updateItem(c, moduleId, 'lesson', lessonId, { is_active: false }),
    );
    return respond(reply, result, courseId);
  }

  @Post('modules/:moduleId/quizzes')
  @Roles('instructor', 'admin')
  @IF_MATCH
  @CREATED
  @WRITE_ERRORS
  async addQuiz(
    @CurrentUser() caller: AuthUser,
    @Param('courseId', ParseIntIdPipe) courseId: number,
    @Param('moduleId', ParseObjectIdPipe) moduleId: string,
    @Body() dto: CreateQuizDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: Reply,
  ): Promise<ContentView> {
    const result = await this.content.write(caller, courseId, parseIfMatch(ifMatch), (c) =>
      addItem(c, moduleId, 'quiz', dto),
    );
    return respond(reply, result, courseId, (id) => `modules/${moduleId}/quizzes/${id}`);
  }

  @Patch('modules/:moduleId/quizzes/:quizId')
  @Roles('instructor', 'admin')
  @IF_MATCH
  @WRITE_OK
  @WRITE_ERRORS
  async updateQuiz(
    @CurrentUser() caller: AuthUser,
    @Param('courseId', ParseIntIdPipe) courseId: number,
    @Param('moduleId', ParseObjectIdPipe) moduleId: string,
    @Param('quizId', ParseObjectIdPipe) quizId: string,
    @Body() dto: UpdateQuizDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: Reply,
  ): Promise<ContentView> {
    const result = await this.content.write(caller, courseId, parseIfMatch(ifMatch), (c) =>
      updateItem(c, moduleId, 'quiz', quizId, dto),
    );
    return respond(reply, result, courseId);
  }

  @Delete('modules/:moduleId/quizzes/:quizId')
  @HttpCode(200)
  @Roles('instructor', 'admin')
  @IF_MATCH
  @ApiOkResponse({ type: CourseContentResponseDto, description: 'Soft delete: is_active=false' })
  @WRITE_ERRORS
  async deleteQuiz(
    @CurrentUser() caller: AuthUser,
    @Param('courseId', ParseIntIdPipe) courseId: number,
    @Param('moduleId', ParseObjectIdPipe) moduleId: string,
    @Param('quizId', ParseObjectIdPipe) quizId: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: Reply,
  ): Promise<ContentView> {
    const result = await this.content.write(caller, courseId, parseIfMatch(ifMatch), (c) =>
      updateItem(c, moduleId, 'quiz', quizId, { is_active: false }),
    );
    return respond(reply, result, courseId);
  }

  @Post('modules/:moduleId/summaries')
  @Roles('instructor', 'admin')
  @IF_MATCH
  @CREATED
  @WRITE_ERRORS
  async addSummary(
    @CurrentUser() caller: AuthUser,
    @Param('courseId', ParseIntIdPipe) courseId: number,
    @Param('moduleId', ParseObjectIdPipe) moduleId: string,
    @Body() dto: CreateSummaryDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: Reply,
  ): Promise<ContentView> {
    const result = await this.content.write(caller, courseId, parseIfMatch(ifMatch), (c) =>
      addItem(c, moduleId, 'summary', dto),
    );
    return respond(reply, result, courseId, (id) => `modules/${moduleId}/summaries/${id}`);
  }

  @Patch('modules/:moduleId/summaries/:summaryId')
  @Roles('instructor', 'admin')
  @IF_MATCH
  @WRITE_OK
  @WRITE_ERRORS
  async updateSummary(
    @CurrentUser() caller: AuthUser,
    @Param('courseId', ParseIntIdPipe) courseId: number,
    @Param('moduleId', ParseObjectIdPipe) moduleId: string,
    @Param('summaryId', ParseObjectIdPipe) summaryId: string,
    @Body() dto: UpdateSummaryDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: Reply,
  ): Promise<ContentView> {
    const result = await this.content.write(caller, courseId, parseIfMatch(ifMatch), (c) =>
      updateItem(c, moduleId, 'summary', summaryId, dto),
    );
    return respond(reply, result, courseId);
  }

  @Delete('modules/:moduleId/summaries/:summaryId')
  @HttpCode(200)
  @Roles('instructor', 'admin')
  @IF_MATCH
  @ApiOkResponse({ type: CourseContentResponseDto, description: 'Soft delete: is_active=false' })
  @WRITE_ERRORS
  async deleteSummary(
    @CurrentUser() caller: AuthUser,
    @Param('courseId', ParseIntIdPipe) courseId: number,
    @Param('moduleId', ParseObjectIdPipe) moduleId: string,
    @Param('summaryId', ParseObjectIdPipe) summaryId: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: Reply,
  ): Promise<ContentView> {
    const result = await this.content.write(caller, courseId, parseIfMatch(ifMatch), (c) =>
      updateItem(c, moduleId, 'summary', summaryId, { is_active: false }),
    );
    return respond(reply, result, courseId);
  }

  @Post('modules/:moduleId/lessons/:lessonId/resources')
  @Roles('instructor', 'admin')
  @IF_MATCH
  @CREATED
  @WRITE_ERRORS
  async addResource(
    @CurrentUser() caller: AuthUser,
    @Param('courseId', ParseIntIdPipe) courseId: number,
    @Param('moduleId', ParseObjectIdPipe) moduleId: string,
    @Param('lessonId', ParseObjectIdPipe) lessonId: string,
    @Body() dto: CreateResourceDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: Reply,
  ): Promise<ContentView> {
    const result = await this.content.write(caller, courseId, parseIfMatch(ifMatch), (c) =>
      addResource(c, moduleId, lessonId, dto),
    );
    return respond(
      reply,
      result,
      courseId,
      (id) => `modules/${moduleId}/lessons/${lessonId}/resources/${id}`,
    );
  }

  @Patch('modules/:moduleId/lessons/:lessonId/resources/:resourceId')
  @Roles('instructor', 'admin')
  @IF_MATCH
  @WRITE_OK
  @WRITE_ERRORS
  async updateResource(
    @CurrentUser() caller: AuthUser,
    @Param('courseId', ParseIntIdPipe) courseId: number,
    @Param('moduleId', ParseObjectIdPipe) moduleId: string,
    @Param('lessonId', ParseObjectIdPipe) lessonId: string,
    @Param('resourceId', ParseObjectIdPipe) resourceId: string,
    @Body() dto: UpdateResourceDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: Reply,
  ): Promise<ContentView> {
    const result = await this.content.write(caller, courseId, parseIfMatch(ifMatch), (c) =>
      updateResource(c, moduleId, lessonId, resourceId, dto),
    );
    return respond(reply, result, courseId);
  }

  @Delete('modules/:moduleId/lessons/:lessonId/resources/:resourceId')
  @HttpCode(200)
  @Roles('instructor', 'admin')
  @IF_MATCH
  @ApiOkResponse({ type: CourseContentResponseDto, description: 'Soft delete: is_active=false' })
  @WRITE_ERRORS
  async deleteResource(
    @CurrentUser() caller: AuthUser,
    @Param('courseId', ParseIntIdPipe) courseId: number,
    @Param('moduleId', ParseObjectIdPipe) moduleId: string,
    @Param('lessonId', ParseObjectIdPipe) lessonId: string,
    @Param('resourceId', ParseObjectIdPipe) resourceId: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: Reply,
  ): Promise<ContentView> {
    const result = await this.content.write(caller, courseId, parseIfMatch(ifMatch), (c) =>
      updateResource(c, moduleId, lessonId, resourceId, { is_active: false }),
    );
    return respond(reply, result, courseId);
  }
}

/** Sets the new ETag (and Location for a created item) and returns the document. */
function respond(
  reply: Reply,
  result: ContentWrite,
  courseId: number,
  location?: (id: string) => string,
): ContentView {
  reply.header('ETag', etagOf(result.view.version));
  if (location && result.createdId) {
    reply.header('Location', `/api/v1/courses/${courseId}/content/${location(result.createdId)}`);
  }
  return result.view;
}
