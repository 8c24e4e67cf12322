import { BadRequestException, UnsupportedMediaTypeException } from '@nestjs/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/**
 * Bodies are JSON and nothing else. Fastify would also parse text/plain (which then fails
 * validation with a misleading message) and Nest would add form-urlencoded (which can create
 * a resource from `title=x`); both are removed, and every other media type, or a body without
 * one, answers 415 with a stable code. The app must be created with `bodyParser: false` so Nest
 * does not add its parsers back.
 */
export function acceptJsonBodiesOnly(fastify: FastifyInstance): void {
  // Prototype poisoning is refused, as Fastify's own JSON parser does by default.
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    // Some clients send the JSON content type on a request without a body (a DELETE, say):
    // that is no body rather than malformed JSON.
    const text = body.toString();
    if (text === '') return done(null, undefined);
    void parseJson(request, text, (error, value) =>
      error ? done(invalidJson()) : done(null, value),
    );
  });
  fastify.addContentTypeParser('*', (request, _payload, done) => {
    // An unknown route answers 404 whatever its body is.
    if (request.is404) return done(null, undefined);
    done(
      new UnsupportedMediaTypeException({
        message: `Request bodies must be JSON (Content-Type: application/json); got ${describe(request)}`,
        code: 'UNSUPPORTED_MEDIA_TYPE',
      }),
    );
  });
}

function describe(request: FastifyRequest): string {
  const type = request.headers['content-type'];
  return type ? type.split(';')[0].trim() || 'an empty Content-Type' : 'no Content-Type';
}

function invalidJson(): BadRequestException {
  return new BadRequestException({
    message: 'The request body is not valid JSON (or sets __proto__ or constructor.prototype)',
    code: 'INVALID_JSON',
  });
}
