import { BadRequestException, ExecutionContext } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { lastValueFrom, of } from 'rxjs';
import { etagOf, noneMatchHits, parseIfMatch } from './content-etag';
import { answerRead, ContentWriteInterceptor, locationOf } from './course-content.http';
import type { CallerView, ContentWrite } from './course-content.service';
import { CourseContentResponseDto } from './dto/content-response.dto';

const M = '65f1a2b3c4d5e6f7a8b9c0d1';
const L = '65f1a2b3c4d5e6f7a8b9c0d2';
const X = '65f1a2b3c4d5e6f7a8b9c0d3';

/** A reply that records what the interceptor set on it. */
function fakeReply() {
  const sent = { headers: {} as Record<string, string>, status: 200, type: '' };
  const reply = {
    header(name: string, value: string) {
      sent.headers[name] = value;
      return reply;
    },
    status(code: number) {
      sent.status = code;
      return reply;
    },
    type(contentType: string) {
      sent.type = contentType;
      return reply;
    },
  };
  return { reply, sent };
}

async function intercept(result: ContentWrite) {
  const { reply, sent } = fakeReply();
  const context = {
    switchToHttp: () => ({ getResponse: () => reply }),
  } as unknown as ExecutionContext;
  const body = await lastValueFrom(
    new ContentWriteInterceptor().intercept(context, { handle: () => of(result) }),
  );
  return { body, ...sent };
}

function answer(read: CallerView, ifNoneMatch?: string) {
  const { reply, sent } = fakeReply();
  const body = answerRead(read, ifNoneMatch, reply as unknown as FastifyReply);
  return { body, ...sent };
}

const view = (version: number) => ({ version }) as CourseContentResponseDto;

describe('course-content.http', () => {
  describe(parseIfMatch.name, () => {
    it('reads the version of a strong or weak ETag, quoted or not', () => {
      expect(['"3"', 'W/"3"', '3', ' "3" '].map(parseIfMatch)).toEqual([3, 3, 3, 3]);
    });

    it('pins nothing when the header is absent, empty or *', () => {
      expect([undefined, '', ' ', '*'].map(parseIfMatch)).toEqual([
        undefined,
        undefined,
        undefined,
        undefined,
      ]);
    });

    it('answers 400 INVALID_IF_MATCH for anything else', () => {
      for (const header of ['yesterday', '"3", "4"', '"-1"', '"1234567890"']) {
        const error = (() => {
          try {
            parseIfMatch(header);
          } catch (e) {
            return e;
          }
        })();
        expect(error).toBeInstanceOf(BadRequestException);
        expect((error as BadRequestException).getResponse()).toMatchObject({
          code: 'INVALID_IF_MATCH',
        });
      }
    });
  });

  describe(noneMatchHits.name, () => {
    it('hits when any listed tag, weak or strong, or * names the version', () => {
      expect(noneMatchHits('"2", W/"3"', 3)).toBe(true);
      expect(noneMatchHits('*', 3)).toBe(true);
      expect(noneMatchHits('"2"', 3)).toBe(false);
      expect(noneMatchHits(undefined, 3)).toBe(false);
    });
  });

  describe(locationOf.name, () => {
    it('spells out the route of every kind of created thing under the API prefix', () => {
      const base = '/api/v1/courses/7/content';
      expect([
        locationOf({ courseId: 7, kind: 'module', id: M }),
        locationOf({ courseId: 7, kind: 'lesson', moduleId: M, id: L }),
        locationOf({ courseId: 7, kind: 'quiz', moduleId: M, id: X }),
        locationOf({ courseId: 7, kind: 'summary', moduleId: M, id: X }),
        locationOf({ courseId: 7, kind: 'resource', moduleId: M, lessonId: L, id: X }),
      ]).toEqual([
        `${base}/modules/${M}`,
        `${base}/modules/${M}/lessons/${L}`,
        `${base}/modules/${M}/quizzes/${X}`,
        `${base}/modules/${M}/summaries/${X}`,
        `${base}/modules/${M}/lessons/${L}/resources/${X}`,
      ]);
    });
  });

  describe(answerRead.name, () => {
    const read: CallerView = {
      json: Buffer.from('{"version":4}'),
      version: 4,
      cache: 'HIT',
      revalidatable: true,
    };

    it('answers a read as JSON with its ETag, cache state and Vary', () => {
      expect(answer(read, '"3"')).toEqual({
        body: read.json,
        status: 200,
        type: 'application/json; charset=utf-8',
        headers: { ETag: etagOf(4), 'X-Cache': 'HIT', Vary: 'Authorization' },
      });
    });

    it('answers an empty 304, with the same headers, when If-None-Match names the version', () => {
      const notModified = answer(read, 'W/"4"');
      expect(notModified).toMatchObject({ body: undefined, status: 304, type: '' });
      expect(notModified.headers).toEqual({ ETag: '"4"', 'X-Cache': 'HIT', Vary: 'Authorization' });
    });

    it('never answers 304 to a caller who may not revalidate', () => {
      expect(answer({ ...read, revalidatable: false }, '"4"')).toMatchObject({
        body: read.json,
        status: 200,
      });
    });
  });

  describe(ContentWriteInterceptor.name, () => {
    it('answers a write with the new version as ETag, and a Location only for what it created', async () => {
      const updated = await intercept({ view: view(5) });
      expect(updated).toEqual({ body: view(5), status: 200, type: '', headers: { ETag: '"5"' } });
      const created = await intercept({
        view: view(6),
        created: { courseId: 7, kind: 'lesson', moduleId: M, id: L },
      });
      expect(created.headers).toEqual({
        ETag: '"6"',
        Location: `/api/v1/courses/7/content/modules/${M}/lessons/${L}`,
      });
    });
  });
});
