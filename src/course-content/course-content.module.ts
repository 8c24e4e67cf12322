import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { CoursesModule } from '../courses/courses.module';
import { EnrollmentsModule } from '../enrollments/enrollments.module';
import { CourseContentController } from './course-content.controller';
import { CourseContentReader } from './course-content.reader';
import { CourseContentRepository } from './course-content.repository';
import { COURSE_CONTENT_MODEL, CourseContentSchema } from './course-content.schema';
import { CourseContentService } from './course-content.service';

@Module({
  imports: [
    MongooseModule.forFeature([{ name: COURSE_CONTENT_MODEL, schema: CourseContentSchema }]),
    CoursesModule,
    EnrollmentsModule,
  ],
  controllers: [CourseContentController],
  providers: [CourseContentService, CourseContentRepository, CourseContentReader],
  exports: [CourseContentReader],
})
export class CourseContentModule {}
