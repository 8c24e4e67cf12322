import { BadRequestException } from '@nestjs/common';

/*
 * Content versions as HTTP names them: the ETag `"<version>"`, If-Match pinning an edit to one,
 * If-None-Match revalidating a read.
 */

/** The strong ETag of a content version, as the API fixes it: `"<version>"`. */
export function etagOf(version: number): string {
  return `"${version}"`;
}

/** Parses `If-Match: "<version>"` (quotes and W/ optional); absent or `*` pins nothing. */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '' || header.trim() === '*') return undefined;
  const match = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(header);
  if (!match) {
    throw new BadRequestException({
      message: 'If-Match must be the ETag of a content version, like "3"',
      code: 'INVALID_IF_MATCH',
    });
  }
  return Number(match[1]);
}

/** True when `If-None-Match` names this version (or is `*`). */
export function noneMatchHits(header: string | undefined, version: number): boolean {
  if (!header) return false;
  const tag = etagOf(version);
  return header
    .split(',')
    .map((t) => t.trim().replace(/^W\//, ''))
    .some((t) => t === '*' || t === tag);
}
