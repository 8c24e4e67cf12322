import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { STATUS_CODES } from 'node:http';
import { ErrorResponseDto } from './error-response.dto';

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid input (validation details in `details`)',
  401: 'Invalid or expired bearer token, or none on a route that needs one',
  403: 'Authenticated but not allowed',
  404: 'Not found (or not visible to the caller)',
  409: 'Conflict with the current state',
  412: 'If-Match does not match the current version',
  413: 'Request body or resulting document too large',
  415: 'The body is not application/json',
  503: 'A backing service is unavailable; retry after `Retry-After` seconds',
};

/** Documents each error status an operation can answer, all with the one error schema. */
export function ApiErrors(...statuses: number[]): MethodDecorator & ClassDecorator {
  // Every route that takes a body (those that can answer 413) also refuses other media types.
  const withBody = statuses.includes(413) ? [415] : [];
  const all = [...new Set([...statuses, ...withBody, 503])];
  return applyDecorators(
    ...all.map((status) =>
      ApiResponse({
        status,
        description: DESCRIPTIONS[status] ?? STATUS_CODES[status],
        type: ErrorResponseDto,
      }),
    ),
  );
}
