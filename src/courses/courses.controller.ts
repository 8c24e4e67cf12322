import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { AuthUser } from '../common/auth/auth-user';
import { CurrentUser, Public, Roles } from '../common/auth/auth.decorators';
import { ApiErrors } from '../common/errors/api-errors.decorator';
import { ParseIntIdPipe } from '../common/pipes/id-params.pipe';
import { CoursesService } from './courses.service';
import {
  CourseListResponseDto,
  CourseResponseDto,
  CreateCourseDto,
  ListCoursesQueryDto,
  UpdateCourseDto,
} from './dto/course.dto';

@ApiTags('courses')
@ApiBearerAuth()
@Controller('courses')
export class CoursesController {
  constructor(private readonly courses: CoursesService) {}

  @Post()
  @Roles('instructor', 'admin')
  @ApiCreatedResponse({
    type: CourseResponseDto,
    description: 'Created as a draft owned by the caller',
  })
  @ApiErrors(400, 401, 403, 413)
  create(
    @CurrentUser() caller: AuthUser,
    @Body() dto: CreateCourseDto,
  ): Promise<CourseResponseDto> {
    return this.courses.create(caller, dto);
  }

  @Get()
  @Public()
  @ApiOkResponse({ type: CourseListResponseDto })
  @ApiErrors(400, 401)
  list(
    @CurrentUser() caller: AuthUser | undefined,
    @Query() query: ListCoursesQueryDto,
  ): Promise<CourseListResponseDto> {
    return this.courses.list(caller, query);
  }

  @Get(':courseId')
  @Public()
  @ApiOkResponse({ type: CourseResponseDto })
  @ApiErrors(400, 401, 404)
  get(
    @CurrentUser() caller: AuthUser | undefined,
    @Param('courseId', ParseIntIdPipe) courseId: number,
  ): Promise<CourseResponseDto> {
    return this.courses.get(caller, courseId);
  }

  @Patch(':courseId')
  @Roles('instructor', 'admin')
  @ApiOkResponse({ type: CourseResponseDto })
  @ApiErrors(400, 401, 403, 404, 409, 413)
  update(
    @CurrentUser() caller: AuthUser,
    @Param('courseId', ParseIntIdPipe) courseId: number,
    @Body() dto: UpdateCourseDto,
  ): Promise<CourseResponseDto> {
    return this.courses.update(caller, courseId, dto);
  }
}
