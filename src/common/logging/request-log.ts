import { FastifyReply, FastifyRequest, LogController } from 'fastify';
import pino, { Logger } from 'pino';
import type { AuthUser } from '../auth/auth-user';
import type { AppConfig } from '../../config/app-config';

/** The one pino logger of the process: Fastify's request logger and Nest's application logger. */
export function createRootLogger(config: AppConfig): Logger {
  return pino({
    level: config.LOG_LEVEL,
    redact: ['req.headers.authorization', 'req.headers.cookie'],
  });
}

/**
 * Fastify's request logging, one line per request, by the request's own child logger (it
 * carries `reqId`). Not pino-http as Nest middleware: that ran an Express-style middleware chain
 * and an async context per request, a fifth of the cost of a cached read. Health probes are not
 * logged; a 4xx is a warning, a 5xx an error.
 */
export class RequestLog extends LogController {
  constructor() {
    super({ disableRequestLogging: (request) => request.url?.startsWith('/health/') ?? false });
  }

  override incomingRequest(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    if (this.isLogDisabled(request)) return;
    const status = reply.statusCode;
    const user = (request as { user?: AuthUser }).user;
    request.log[error || status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info'](
      {
        req: { method: request.method, url: request.url },
        res: { statusCode: status },
        responseTime: reply.elapsedTime,
        userId: user?.id,
        err: error ?? undefined,
      },
      'request completed',
    );
  }
}
