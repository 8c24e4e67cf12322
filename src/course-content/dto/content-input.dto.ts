import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  IsUrl,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { IsOmittable } from '../../common/dto/omittable.decorator';
import {
  CONTENT_LIMITS,
  ContentInput,
  LessonInput,
  LessonPatch,
  ModuleInput,
  ModulePatch,
  QuizInput,
  QuizPatch,
  ResourceInput,
  ResourcePatch,
  SummaryInput,
  SummaryPatch,
} from '../domain/content-tree';
import { LESSON_TYPES, LessonType, RESOURCE_TYPES, ResourceType } from '../domain/content.types';

const OBJECT_ID = /^[0-9a-fA-F]{24}$/;
const OBJECT_ID_MESSAGE = '$property must be a 24-character hex ObjectId';
export const MAX_BODY_TEXT = 100_000;
const MAX_ORDER = 1_000_000;
const MAX_DURATION_MINUTES = 100_000;

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
/** `null` is a value a PATCH may set; `undefined` means "leave as is". */
const NullableOptional = () => ValidateIf((_o, v) => v !== undefined && v !== null);

function Title(required: boolean): PropertyDecorator {
  return (target, key) => {
    (required ? ApiProperty : ApiPropertyOptional)({ minLength: 1, maxLength: 200 })(target, key);
    Transform(trim)(target, key);
    if (!required) IsOmittable()(target, key);
    IsString()(target, key);
    Length(1, 200)(target, key);
  };
}

function Order(): PropertyDecorator {
  return (target, key) => {
    ApiPropertyOptional({
      minimum: 0,
      maximum: MAX_ORDER,
      description: 'Position among siblings; defaults to after the last one',
    })(target, key);
    IsOmittable()(target, key);
    IsInt()(target, key);
    Min(0)(target, key);
    Max(MAX_ORDER)(target, key);
  };
}

function Flag(description: string): PropertyDecorator {
  return (target, key) => {
    ApiPropertyOptional({ type: Boolean, description })(target, key);
    IsOmittable()(target, key);
    IsBoolean()(target, key);
  };
}

function GivenId(): PropertyDecorator {
  return (target, key) => {
    ApiPropertyOptional({
      pattern: '^[0-9a-fA-F]{24}$',
      description: 'ObjectId string; generated when omitted; must be unique in the course',
    })(target, key);
    IsOmittable()(target, key);
    Matches(OBJECT_ID, { message: OBJECT_ID_MESSAGE })(target, key);
  };
}

function Body(maxLength: number, description: string): PropertyDecorator {
  return (target, key) => {
    ApiPropertyOptional({ type: String, nullable: true, maxLength, description })(target, key);
    NullableOptional()(target, key);
    IsString()(target, key);
    MaxLength(maxLength)(target, key);
  };
}

/**
 * A list of child items. Its length is not capped here: the limit counts active items only, so
 * a body may restate soft-deleted ones beyond it (the tree functions check the active count).
 */
function Children(type: () => new () => object, activeLimit: number): PropertyDecorator {
  return (target, key) => {
    ApiPropertyOptional({
      type: [type()],
      description: `At most ${activeLimit} of them active`,
    })(target, key);
    IsOmittable()(target, key);
    IsArray()(target, key);
    ValidateNested({ each: true })(target, key);
    Type(type)(target, key);
  };
}

export class CreateResourceDto implements ResourceInput {
  @GivenId()
  resource_id?: string;

  @ApiProperty({ minLength: 1, maxLength: 200 })
  @Transform(trim)
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({ maxLength: 2048, description: 'http(s) URL' })
  @IsString()
  @MaxLength(2048)
  @IsUrl(
    { protocols: ['http', 'https'], require_protocol: true, require_tld: false },
    { message: 'url must be an http(s) URL' },
  )
  url: string;

  @ApiProperty({ enum: RESOURCE_TYPES })
  @IsIn(RESOURCE_TYPES)
  type: ResourceType;

  @Flag('defaults to true; false hides (soft-deletes)')
  is_active?: boolean;
}

export class CreateLessonDto implements LessonInput {
  @GivenId()
  lesson_id?: string;

  @Title(true)
  title: string;

  @ApiProperty({ enum: LESSON_TYPES })
  @IsIn(LESSON_TYPES)
  type: LessonType;

  @Body(MAX_BODY_TEXT, 'Lesson body (text, transcript or embed reference)')
  content?: string | null;

  @ApiPropertyOptional({ type: Number, nullable: true, minimum: 0, maximum: MAX_DURATION_MINUTES })
  @NullableOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_DURATION_MINUTES)
  duration_minutes?: number | null;

  @Order()
  order?: number;

  @Flag('Visible with its body to everybody; defaults to false')
  is_preview?: boolean;

  @Flag('defaults to true; false hides (soft-deletes)')
  is_active?: boolean;

  @Children(() => CreateResourceDto, CONTENT_LIMITS.resourcesPerLesson)
  resources?: CreateResourceDto[];
}

export class CreateQuizDto implements QuizInput {
  @GivenId()
  quiz_id?: string;

  @Title(true)
  title: string;

  @Order()
  order?: number;

  @ApiPropertyOptional({ type: Number, nullable: true, minimum: 0, maximum: 100 })
  @NullableOptional()
  @IsInt()
  @Min(0)
  @Max(100)
  passing_score?: number | null;

  @Flag('defaults to true; false hides (soft-deletes)')
  is_active?: boolean;
}

export class CreateSummaryDto implements SummaryInput {
  @GivenId()
  summary_id?: string;

  @Title(true)
  title: string;

  @Body(MAX_BODY_TEXT, 'Summary text')
  content?: string | null;

  @Order()
  order?: number;

  @Flag('defaults to true; false hides (soft-deletes)')
  is_active?: boolean;
}

export class CreateModuleDto implements ModuleInput {
  @GivenId()
  module_id?: string;

  @Title(true)
  title: string;

  @Body(5000, 'Module description')
  description?: string | null;

  @Order()
  order?: number;

  @Flag('defaults to true; unpublished modules are visible to the owner and admins only')
  is_published?: boolean;

  @Flag('defaults to true; false hides (soft-deletes)')
  is_active?: boolean;

  @Children(() => CreateLessonDto, CONTENT_LIMITS.lessonsPerModule)
  lessons?: CreateLessonDto[];

  @Children(() => CreateQuizDto, CONTENT_LIMITS.quizzesPerModule)
  quizzes?: CreateQuizDto[];

  @Children(() => CreateSummaryDto, CONTENT_LIMITS.summariesPerModule)
  summaries?: CreateSummaryDto[];
}

// PATCH bodies: every field optional, `null` still validated (a title cannot be nulled), and
// ids and children are not editable through the parent (they have their own routes).
const PATCH = { skipNullProperties: false };
export class UpdateResourceDto
  extends PartialType(OmitType(CreateResourceDto, ['resource_id'] as const), PATCH)
  implements ResourcePatch {}
export class UpdateLessonDto
  extends PartialType(OmitType(CreateLessonDto, ['lesson_id', 'resources'] as const), PATCH)
  implements LessonPatch {}
export class UpdateQuizDto
  extends PartialType(OmitType(CreateQuizDto, ['quiz_id'] as const), PATCH)
  implements QuizPatch {}
export class UpdateSummaryDto
  extends PartialType(OmitType(CreateSummaryDto, ['summary_id'] as const), PATCH)
  implements SummaryPatch {}
export class UpdateModuleDto
  extends PartialType(
    OmitType(CreateModuleDto, ['module_id', 'lessons', 'quizzes', 'summaries'] as const),
    PATCH,
  )
  implements ModulePatch {}

function IgnoredTotal(description: string, nullable = false): PropertyDecorator {
  return (target, key) => {
    ApiPropertyOptional({
      type: nullable ? Number : 'integer',
      nullable,
      minimum: 0,
      description: `${description}; accepted and ignored (computed from the tree)`,
    })(target, key);
    (nullable ? NullableOptional() : IsOmittable())(target, key);
    (nullable ? IsNumber() : IsInt())(target, key);
    Min(0)(target, key);
  };
}

/** The legacy API's metadata body; clients send back the totals they read, which are recomputed. */
export class ContentMetadataInputDto implements NonNullable<ContentInput['metadata']> {
  @ApiPropertyOptional({ type: [String], maxItems: 50 })
  @IsOmittable()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @Length(1, 50, { each: true })
  tags?: string[];

  @IgnoredTotal('Modules')
  total_modules?: number;

  @IgnoredTotal('Lessons')
  total_lessons?: number;

  @IgnoredTotal('Quizzes')
  total_quizzes?: number;

  @IgnoredTotal('Summaries')
  total_summaries?: number;

  @IgnoredTotal('Hours', true)
  total_duration_hours?: number | null;
}

export class ReplaceContentDto implements ContentInput {
  @ApiProperty({
    type: [CreateModuleDto],
    description: `At most ${CONTENT_LIMITS.modules} of them active`,
  })
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => CreateModuleDto)
  modules: CreateModuleDto[];

  @ApiPropertyOptional({
    type: ContentMetadataInputDto,
    description: 'Only `tags` is taken; totals are always computed',
  })
  @IsOmittable()
  @ValidateNested()
  @Type(() => ContentMetadataInputDto)
  metadata?: ContentMetadataInputDto;
}

export class ContentQueryDto {
  @ApiPropertyOptional({
    type: Boolean,
    description: 'Owner/admin only: include soft-deleted items and unpublished modules',
  })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  include_inactive?: boolean;
}
