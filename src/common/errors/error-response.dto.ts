import { ApiExtraModels, ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';

export class FieldErrorDto {
  @ApiProperty({ example: 'title' })
  field: string;

  @ApiProperty({
    type: [String],
    example: ['title must be shorter than or equal to 200 characters'],
  })
  messages: string[];
}

/** The one error shape every failing response has. */
@ApiExtraModels(FieldErrorDto)
export class ErrorResponseDto {
  @ApiProperty({ example: 400 })
  statusCode: number;

  @ApiProperty({ example: 'Bad Request' })
  error: string;

  @ApiProperty({ example: 'Validation failed' })
  message: string;

  @ApiProperty({
    example: 'VALIDATION_FAILED',
    description:
      'Stable machine-readable code, on every error: VALIDATION_FAILED, INVALID_JSON, ' +
      'UNSUPPORTED_MEDIA_TYPE, ROUTE_NOT_FOUND, UNAUTHENTICATED, DEPENDENCY_UNAVAILABLE, ' +
      'a business rule such as ENROLLMENT_REQUIRED, or the status name (NOT_FOUND, ...)',
  })
  code: string;

  @ApiPropertyOptional({
    description:
      'Validation errors: the list of per-field problems. Business-rule errors: an object with ' +
      'the values behind the error (for example `{ "current_version": 3 }`).',
    oneOf: [
      { type: 'array', items: { $ref: getSchemaPath(FieldErrorDto) } },
      { type: 'object', additionalProperties: true },
    ],
  })
  details?: FieldErrorDto[] | Record<string, unknown>;
}
