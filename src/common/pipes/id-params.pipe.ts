import { ArgumentMetadata, BadRequestException, Injectable, PipeTransform } from '@nestjs/common';

const MAX_INT4 = 2_147_483_647;
const OBJECT_ID = /^[0-9a-fA-F]{24}$/;

/** Integer path ids (PostgreSQL serials): anything else is a 400, never a database error. */
@Injectable()
export class ParseIntIdPipe implements PipeTransform<string, number> {
  transform(value: string, metadata: ArgumentMetadata): number {
    const n = parseIntId(value);
    if (n === undefined) {
      throw new BadRequestException({
        message: `${metadata.data ?? 'id'} must be a positive integer`,
        code: 'INVALID_ID',
      });
    }
    return n;
  }
}

/**
 * A path id as the database stores it (a positive int4), or undefined. Takes what the global
 * ValidationPipe may already have turned into a number, too.
 */
export function parseIntId(value: unknown): number | undefined {
  const n = /^\d{1,10}$/.test(String(value)) ? Number(value) : NaN;
  return Number.isInteger(n) && n >= 1 && n <= MAX_INT4 ? n : undefined;
}

/** Content item ids are 24-hex ObjectId strings, normalised to lower case. */
@Injectable()
export class ParseObjectIdPipe implements PipeTransform<string, string> {
  transform(value: string, metadata: ArgumentMetadata): string {
    if (!OBJECT_ID.test(value)) {
      throw new BadRequestException({
        message: `${metadata.data ?? 'id'} must be a 24-character hex ObjectId`,
        code: 'INVALID_ID',
      });
    }
    return value.toLowerCase();
  }
}
