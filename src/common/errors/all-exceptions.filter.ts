import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { NotFoundError, UniqueConstraintViolationException } from '@mikro-orm/core';
import { STATUS_CODES } from 'node:http';
import { DomainError, DomainErrorKind } from './domain-error';
import { ErrorResponseDto } from './error-response.dto';

const KIND_STATUS: Record<DomainErrorKind, number> = {
  invalid: 400,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  precondition_failed: 412,
  too_large: 413,
};

export const RETRY_AFTER_SECONDS = 5;

const CONNECTION_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EPIPE',
  '57P01',
  '57P03',
  '57014',
]);
const MONGO_UNAVAILABLE_NAMES = new Set([
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
]);

interface ErrorLike {
  name?: string;
  code?: string | number;
  statusCode?: number;
  message?: string;
  cause?: unknown;
}

/** True when the error means a database could not be reached or answered in time. */
export function isDependencyUnavailable(error: unknown): boolean {
  for (let e = error as ErrorLike | undefined, depth = 0; e && depth < 4; depth++) {
    if (MONGO_UNAVAILABLE_NAMES.has(e.name ?? '')) return true;
    if (e.name === 'KnexTimeoutError' || e.name === 'ConnectionException') return true;
    if (
      typeof e.code === 'string' &&
      (CONNECTION_ERROR_CODES.has(e.code) || e.code.startsWith('08'))
    ) {
      return true;
    }
    if (/Connection terminated|timeout exceeded when trying to connect/i.test(e.message ?? '')) {
      return true;
    }
    e = e.cause as ErrorLike | undefined;
  }
  return false;
}

/** Maps anything thrown to the single error shape of DESIGN §4; never leaks a stack trace. */
export function toErrorResponse(exception: unknown): ErrorResponseDto {
  if (exception instanceof DomainError) {
    return body(KIND_STATUS[exception.kind], exception.message, exception.code, exception.details);
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const res = exception.getResponse();
    if (typeof res === 'string') return body(status, res);
    const r = res as Record<string, unknown>;
    const message = Array.isArray(r.message)
      ? r.message.join('; ')
      : typeof r.message === 'string'
        ? r.message
        : (STATUS_CODES[status] ?? 'Error');
    return body(
      status,
      message,
      typeof r.code === 'string' ? r.code : undefined,
      r.details as ErrorResponseDto['details'],
    );
  }
  if (exception instanceof UniqueConstraintViolationException) {
    return body(409, 'The resource already exists', 'CONFLICT');
  }
  if (exception instanceof NotFoundError) {
    return body(404, 'Resource not found', 'NOT_FOUND');
  }
  const e = exception as ErrorLike;
  if (e && e.code === 11000) {
    return body(409, 'The resource already exists', 'CONFLICT');
  }
  if (isDependencyUnavailable(exception)) {
    return body(503, 'A backing service is unavailable, retry later', 'DEPENDENCY_UNAVAILABLE');
  }
  // Fastify's own errors (body too large, malformed JSON, unsupported media type) carry a 4xx.
  if (e && typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    const code = typeof e.code === 'string' ? e.code : undefined;
    return body(e.statusCode, fastifyMessage(e.statusCode, e.message), code);
  }
  return body(500, 'Internal server error', 'INTERNAL');
}

function fastifyMessage(status: number, message: string | undefined): string {
  if (status === 413) return 'Request body is too large';
  return message || STATUS_CODES[status] || 'Bad request';
}

function body(
  statusCode: number,
  message: string,
  code?: string,
  details?: ErrorResponseDto['details'],
): ErrorResponseDto {
  const out: ErrorResponseDto = { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message };
  if (code) out.code = code;
  if (details) out.details = details;
  return out;
}

interface ReplyLike {
  status(code: number): ReplyLike;
  header(name: string, value: string): ReplyLike;
  send(payload: unknown): unknown;
  sent?: boolean;
}

@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Exceptions');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<ReplyLike>();
    sendError(reply, exception, this.logger);
  }
}

/** Shared by the Nest filter and Fastify's own error handler, so both answer alike. */
export function sendError(reply: ReplyLike, exception: unknown, logger: Logger): void {
  const payload = toErrorResponse(exception);
  if (payload.statusCode >= 500) {
    const err = exception as Error;
    logger.error(
      { err: { name: err?.name, message: err?.message, stack: err?.stack } },
      `${payload.statusCode} ${payload.message}`,
    );
  }
  if (reply.sent) return;
  if (payload.statusCode === 503) reply.header('Retry-After', String(RETRY_AFTER_SECONDS));
  reply.header('Content-Type', 'application/json; charset=utf-8');
  reply.status(payload.statusCode).send(payload);
}
