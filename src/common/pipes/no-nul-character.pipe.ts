import { ArgumentMetadata, BadRequestException, Injectable, PipeTransform } from '@nestjs/common';

const NUL = '\u0000';
/** A body nested deeper than this is walked no further; the size cap bounds it anyway. */
const MAX_DEPTH = 64;

/**
 * Refuses U+0000 in any string of a body, query or path parameter, naming the field, before
 * anything reaches a database: PostgreSQL cannot store it, and its refusal would otherwise
 * surface as a server error instead of the caller's mistake.
 */
@Injectable()
export class NoNulCharacterPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'custom') return value;
    const field = findNul(value, metadata.data ?? '', 0);
    if (field !== undefined) {
      const name = field || metadata.type;
      const message = `${name} must not contain the NUL character (U+0000)`;
      throw new BadRequestException({
        message: `Validation failed: ${message}`,
        code: 'VALIDATION_FAILED',
        details: [{ field: name, messages: [message] }],
      });
    }
    return value;
  }
}

/** The dotted path of the first string holding U+0000 (also in a key), or undefined. */
function findNul(value: unknown, path: string, depth: number): string | undefined {
  if (typeof value === 'string') return value.includes(NUL) ? path : undefined;
  if (value === null || typeof value !== 'object' || depth > MAX_DEPTH) return undefined;
  for (const [key, child] of Object.entries(value)) {
    const childPath = path ? `${path}.${key}` : key;
    if (key.includes(NUL)) return childPath.replaceAll(NUL, '\\u0000');
    const found = findNul(child, childPath, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}
