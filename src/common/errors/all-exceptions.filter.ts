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

/** Node socket errors and PostgreSQL SQLSTATEs that mean the server cannot be reached or used. */
const CONNECTION_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EPIPE',
  '08000', // connection_exception
  '08001', // sqlclient_unable_to_establish_sqlconnection
  '08003', // connection_does_not_exist
  '08004', // sqlserver_rejected_establishment_of_sqlconnection
  '08006', // connection_failure
  '53300', // too_many_connections
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '57014', // query_canceled: our statement timeout, the server is too slow to answer
]);
const MONGO_UNAVAILABLE_NAMES = new Set([
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
]);

/**
 * SQLSTATEs of a statement that PostgreSQL refused because of the values it carried: the
 * request's data, so the request's 4xx. The connection is fine (08P01, a protocol violation,
 * is what a value the wire format cannot carry produces).
 */
const REFUSED_INPUT = /^(22...|23502|23514|08P01)$/;
const CONCURRENCY_FAILURES = new Set(['40001', '40P01']);

/** Codes of errors that carry none of their own. */
const STATUS_CODE_NAMES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  412: 'PRECONDITION_FAILED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'TOO_MANY_REQUESTS',
  500: 'INTERNAL',
  503: 'SERVICE_UNAVAILABLE',
};

interface ErrorLike {
  name?: string;
  code?: string | number;
  statusCode?: number;
  message?: string;
  cause?: unknown;
}

/** The error and the errors it wraps (MikroORM and Mongoose keep the driver's as `cause`). */
function* causeChain(error: unknown): Generator<ErrorLike> {
  for (let e = error as ErrorLike | undefined, depth = 0; e && depth < 4; depth++) {
    yield e;
    e = e.cause as ErrorLike | undefined;
  }
}

function sqlState(error: unknown): string | undefined {
  for (const e of causeChain(error)) {
    if (typeof e.code === 'string' && /^(?=.*\d)[0-9A-Z]{5}$/.test(e.code)) return e.code;
  }
  return undefined;
}

/** True when the error means a database could not be reached or answered in time. */
export function isDependencyUnavailable(error: unknown): boolean {
  for (const e of causeChain(error)) {
    if (MONGO_UNAVAILABLE_NAMES.has(e.name ?? '')) return true;
    if (e.name === 'KnexTimeoutError' || e.name === 'ConnectionException') return true;
    if (typeof e.code === 'string' && CONNECTION_ERROR_CODES.has(e.code)) return true;
    if (/Connection terminated|timeout exceeded when trying to connect/i.test(e.message ?? '')) {
      return true;
    }
  }
  return false;
}

/** Maps anything thrown to the single error shape of the API; never leaks a stack trace. */
export function toErrorResponse(exception: unknown): ErrorResponseDto {
  if (exception instanceof DomainError) {
    return body(KIND_STATUS[exception.kind], exception.message, exception.code, exception.details);
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const res = exception.getResponse();
    if (typeof res === 'string') return body(status, res, defaultCode(status, res));
    const r = res as Record<string, unknown>;
    const message = Array.isArray(r.message)
      ? r.message.join('; ')
      : typeof r.message === 'string'
        ? r.message
        : (STATUS_CODES[status] ?? 'Error');
    return body(
      status,
      message,
      typeof r.code === 'string' ? r.code : defaultCode(status, message),
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
  const state = sqlState(exception);
  if (state && REFUSED_INPUT.test(state)) {
    return body(400, 'A value in the request cannot be stored', 'INVALID_INPUT');
  }
  if (state && CONCURRENCY_FAILURES.has(state)) {
    return body(
      409,
      'Another request changed the same data at the same time; retry',
      'CONCURRENT_UPDATE',
    );
  }
  if (e && typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return body(e.statusCode, fastifyMessage(e.statusCode, e.message), defaultCode(e.statusCode));
  }
  return body(500, 'Internal server error', 'INTERNAL');
}

/** Nest's router answers an unknown route with "Cannot <METHOD> <path>". */
function defaultCode(status: number, message = ''): string {
  if (status === 404 && /^Cannot [A-Z]+ \//.test(message)) return 'ROUTE_NOT_FOUND';
  return STATUS_CODE_NAMES[status] ?? (status >= 500 ? 'INTERNAL' : 'BAD_REQUEST');
}

function fastifyMessage(status: number, message: string | undefined): string {
  if (status === 413) return 'Request body is too large';
  return message || STATUS_CODES[status] || 'Bad request';
}

function body(
  statusCode: number,
  message: string,
  code: string,
  details?: ErrorResponseDto['details'],
): ErrorResponseDto {
  const out: ErrorResponseDto = {
    statusCode,
    error: STATUS_CODES[statusCode] ?? 'Error',
    message,
    code,
  };
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
