import { CertificatesService } from '../../src/certificates/certificates.service';
import { ContentClient } from '../support/content-client';
import { createTestApp, TestApp } from '../support/create-test-app';
import { createCourse, CourseFixture, newUser } from '../support/factories';

type Headers = Record<string, string>;

/**
 * Input that no handler should ever see: a NUL character anywhere, a body that is not JSON, a
 * value of the wrong type. Each gets a 4xx with a stable code and changes nothing.
 */
describe('Bad input (e2e)', () => {
  let t: TestApp;
  let course: CourseFixture;
  let content: ContentClient;
  const owner = newUser('instructor');
  const student = newUser('student');

  beforeAll(async () => {
    t = await createTestApp();
    course = await createCourse(t.app, owner, { publish: true, title: 'Bad input' });
    content = new ContentClient(t.app, course.id);
    await content.module(owner.headers, { title: 'Only module' });
  });
  afterAll(() => t.close());

  const json = (method: 'POST' | 'PATCH' | 'PUT', url: string, headers: Headers, body: string) =>
    t.app.inject({
      method,
      url,
      headers: { ...headers, 'content-type': 'application/json' },
      payload: body,
    });

  /** What every table and document these requests could touch holds now. */
  async function snapshot() {
    const [courses] = await t.sql(
      `select count(*)::int as n, coalesce(max(updated_at)::text, '') as changed from courses
       where instructor_id = ?`,
      [owner.id],
    );
    const enrollments = await t.sql(
      'select id, status, enrollment_source from enrollments where course_id = ? order by id',
      [course.id],
    );
    const certificates = await t.sql(
      'select id, is_revoked, revocation_reason from certificates where course_id = ? order by id',
      [course.id],
    );
    const tree = (await content.get(owner.headers, '?include_inactive=true')).json();
    return { courses, enrollments, certificates, tree };
  }

  function expectFieldError(res: { statusCode: number; json(): unknown }, field: string) {
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      statusCode: 400,
      code: 'VALIDATION_FAILED',
      message: expect.stringContaining(`${field} must not contain the NUL character`),
      details: [{ field, messages: [expect.stringContaining('U+0000')] }],
    });
  }

  describe('a NUL character (U+0000)', () => {
    let enrollmentId: number;
    let certificateId: number;

    beforeAll(async () => {
      const enrolled = await t.app.inject({
        method: 'POST',
        url: '/api/v1/enrollments',
        headers: student.headers,
        payload: { course_id: course.id },
      });
      enrollmentId = enrolled.json().id;
      await t.sql(`update enrollments set status = 'completed' where id = ?`, [enrollmentId]);
      const issued = await t.app
        .get(CertificatesService)
        .issueForEnrollment({ id: enrollmentId, studentId: student.id, courseId: course.id });
      certificateId = issued!.certificate.id;
    });

    it('is a 400 naming the field in a query, a body or a path, and changes nothing', async () => {
      const before = await snapshot();
      const moduleId = before.tree.modules[0].module_id as string;
      const cases: [string, () => ReturnType<typeof json>][] = [
        ['q', () => t.app.inject({ method: 'GET', url: '/api/v1/courses?q=a%00b' })],
        ['title', () => json('POST', '/api/v1/courses', owner.headers, '{"title":"x\\u0000"}')],
        [
          'description',
          () =>
            json('POST', '/api/v1/courses', owner.headers, '{"title":"x","description":"\\u0000"}'),
        ],
        [
          'title',
          () =>
            json('PATCH', `/api/v1/courses/${course.id}`, owner.headers, '{"title":"a\\u0000"}'),
        ],
        [
          'enrollment_source',
          () =>
            json(
              'POST',
              '/api/v1/enrollments',
              newUser('student').headers,
              `{"course_id":${course.id},"enrollment_source":"web\\u0000"}`,
            ),
        ],
        [
          'reason',
          () =>
            json(
              'POST',
              `/api/v1/certificates/${certificateId}/revoke`,
              owner.headers,
              '{"reason":"a\\u0000b"}',
            ),
        ],
        [
          'title',
          () =>
            json(
              'PATCH',
              `/api/v1/courses/${course.id}/content/modules/${moduleId}`,
              owner.headers,
              '{"title":"M\\u0000"}',
            ),
        ],
        [
          'modules.0.lessons.0.title',
          () =>
            json(
              'PUT',
              `/api/v1/courses/${course.id}/content`,
              owner.headers,
              '{"modules":[{"title":"M","lessons":[{"title":"L\\u0000","type":"text"}]}]}',
            ),
        ],
        [
          'certificateNumber',
          () => t.app.inject({ method: 'GET', url: '/api/v1/certificates/verify/CERT-A%00B' }),
        ],
        [
          'status',
          () =>
            t.app.inject({
              method: 'GET',
              url: `/api/v1/courses/${course.id}/enrollments?status=active%00`,
              headers: owner.headers,
            }),
        ],
      ];
      for (const [field, send] of cases) {
        const res = await send();
        expect(res.headers['retry-after']).toBeUndefined();
        expectFieldError(res, field);
      }
      expect(await snapshot()).toEqual(before);
    });
  });

  describe('a body that is not JSON', () => {
    it.each([
      ['text/plain', { 'content-type': 'text/plain' }, '{"title":"x"}', 'text/plain'],
      [
        'form-urlencoded (curl -d without -H)',
        { 'content-type': 'application/x-www-form-urlencoded' },
        'title=x',
        'application/x-www-form-urlencoded',
      ],
      ['no Content-Type', {}, '{"title":"x"}', 'no Content-Type'],
      ['multipart', { 'content-type': 'multipart/form-data; boundary=x' }, '--x--', 'multipart'],
    ])(
      'answers 415 UNSUPPORTED_MEDIA_TYPE for %s and creates nothing',
      async (_l, h, body, got) => {
        const before = await snapshot();
        const res = await t.app.inject({
          method: 'POST',
          url: '/api/v1/courses',
          headers: { ...owner.headers, ...h },
          payload: Buffer.from(body),
        });
        expect(res.statusCode).toBe(415);
        expect(res.json()).toMatchObject({
          statusCode: 415,
          error: 'Unsupported Media Type',
          code: 'UNSUPPORTED_MEDIA_TYPE',
          message: expect.stringContaining(got),
        });
        expect(await snapshot()).toEqual(before);
      },
    );

    it('answers 400 INVALID_JSON for malformed JSON and prototype pollution', async () => {
      for (const body of ['{"title":', '{"__proto__":{"admin":true},"title":"x"}']) {
        const res = await json('POST', '/api/v1/courses', owner.headers, body);
        expect(res.statusCode).toBe(400);
        expect(res.json()).toMatchObject({ code: 'INVALID_JSON' });
      }
    });

    it('accepts JSON with a charset, and reads an empty JSON body as no body', async () => {
      const created = await t.app.inject({
        method: 'POST',
        url: '/api/v1/courses',
        headers: { ...owner.headers, 'content-type': 'application/json; charset=utf-8' },
        payload: '{"title":"With charset"}',
      });
      expect(created.statusCode).toBe(201);
      const empty = await json('POST', '/api/v1/courses', owner.headers, '');
      expect(empty.statusCode).toBe(400);
      expect(empty.json()).toMatchObject({
        code: 'VALIDATION_FAILED',
        details: [{ field: 'title', messages: ['title must be a string'] }],
      });
    });
  });

  describe('every error has a code', () => {
    it('gives an unknown route ROUTE_NOT_FOUND, whatever its body', async () => {
      for (const res of [
        await t.app.inject({ method: 'GET', url: '/api/v1/nope' }),
        await t.app.inject({
          method: 'POST',
          url: '/api/v1/nope',
          headers: { 'content-type': 'text/plain' },
          payload: 'x',
        }),
        await t.app.inject({ method: 'PUT', url: '/api/v1/courses' }),
      ]) {
        expect(res.statusCode).toBe(404);
        expect(res.json()).toMatchObject({ statusCode: 404, code: 'ROUTE_NOT_FOUND' });
      }
    });

    it('gives a body over the limit PAYLOAD_TOO_LARGE', async () => {
      const res = await json(
        'POST',
        '/api/v1/courses',
        owner.headers,
        JSON.stringify({ title: 'x'.repeat(t.config.BODY_LIMIT_BYTES) }),
      );
      expect(res.statusCode).toBe(413);
      expect(res.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    });
  });

  describe('a wrong type', () => {
    it('gets one message per field', async () => {
      const enroll = await t.app.inject({
        method: 'POST',
        url: '/api/v1/enrollments',
        headers: newUser('student').headers,
        payload: { course_id: '1', payment_amount: 'ten' },
      });
      expect(enroll.statusCode).toBe(400);
      expect(enroll.json()).toMatchObject({
        message: 'Validation failed: course_id must be an integer; payment_amount must be a number',
        details: [
          { field: 'course_id', messages: ['course_id must be an integer'] },
          { field: 'payment_amount', messages: ['payment_amount must be a number'] },
        ],
      });
      const page = await t.app.inject({
        method: 'GET',
        url: '/api/v1/enrollments/me?limit=abc&skip=-1',
        headers: student.headers,
      });
      expect(page.statusCode).toBe(400);
      expect(page.json().details).toEqual([
        { field: 'skip', messages: ['skip must not be less than 0'] },
        { field: 'limit', messages: ['limit must be an integer'] },
      ]);
    });
  });
});
