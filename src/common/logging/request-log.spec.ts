import type { FastifyReply, FastifyRequest } from 'fastify';
import { RequestLog } from './request-log';

function completed(url: string, statusCode: number, user?: { id: number }) {
  const log = { info: jest.fn(), warn: jest.fn(), error: jest.fn() };
  const request = { url, method: 'GET', log, user } as unknown as FastifyRequest;
  const reply = { statusCode, elapsedTime: 1.5 } as unknown as FastifyReply;
  const controller = new RequestLog();
  controller.incomingRequest();
  controller.requestCompleted(null, request, reply);
  return log;
}

describe(RequestLog.name, () => {
  it('writes one line per request with status, time and the caller, at a level by status', () => {
    const ok = completed('/api/v1/courses', 200, { id: 42 });
    expect(ok.info).toHaveBeenCalledWith(
      {
        req: { method: 'GET', url: '/api/v1/courses' },
        res: { statusCode: 200 },
        responseTime: 1.5,
        userId: 42,
        err: undefined,
      },
      'request completed',
    );
    expect(completed('/api/v1/courses/x', 400).warn).toHaveBeenCalledTimes(1);
    expect(completed('/api/v1/courses', 503).error).toHaveBeenCalledTimes(1);
  });

  it('does not log health probes', () => {
    const log = completed('/health/ready', 200);
    expect([...Object.values(log)].every((fn) => fn.mock.calls.length === 0)).toBe(true);
  });
});
