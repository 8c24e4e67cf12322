import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

export const MAX_PAGE_SIZE = 100;
/** Keeps OFFSET inside PostgreSQL's bigint and a page request meaningful. */
export const MAX_SKIP = 1_000_000_000;

export class PaginationQueryDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: MAX_SKIP, default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(MAX_SKIP)
  skip = 0;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit = 20;
}

/** Swagger needs a concrete class per item type; subclasses add `items`. */
export class PageMetaDto {
  @ApiProperty({ example: 42 })
  total: number;

  @ApiProperty({ example: 0 })
  skip: number;

  @ApiProperty({ example: 20 })
  limit: number;
}

export interface Page<T> {
  items: T[];
  total: number;
  skip: number;
  limit: number;
}
