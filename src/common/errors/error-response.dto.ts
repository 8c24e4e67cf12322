import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class FieldErrorDto {
  @ApiProperty({ example: 'title' })
  field: string;

  @ApiProperty({
    type: [String],
    example: ['title must be shorter than or equal to 200 characters'],
  })
  messages: string[];
}

/** The one error shape every failing response has (DESIGN §4). */
export class ErrorResponseDto {
  @ApiProperty({ example: 400 })
  statusCode: number;

  @ApiProperty({ example: 'Bad Request' })
  error: string;

  @ApiProperty({ example: 'Validation failed' })
  message: string;

  @ApiPropertyOptional({
    example: 'VALIDATION_FAILED',
    description: 'Stable machine-readable code',
  })
  code?: string;

  @ApiPropertyOptional({ type: [FieldErrorDto], description: 'Per-field problems (validation)' })
  details?: FieldErrorDto[] | Record<string, unknown>;
}
