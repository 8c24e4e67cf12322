import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { ContentClient } from '../support/content-client';
import { createTestApp, TestApp } from '../support/create-test-app';
import { createCourse, newUser } from '../support/factories';

interface Operation {
  responses: Record<string, { content?: { 'application/json'?: { schema?: object } } }>;
}
type Paths = Record<string, Record<string, Operation>>;

/**
 * The OpenAPI document is a contract: every operation documents its error statuses
 * with the error schema, and real responses validate against the documented schemas.
 */
describe('OpenAPI contract (e2e)', () => {
  let t: TestApp;
  let doc: { paths: Paths; components: { schemas: Record<string, object> } };
  let ajv: Ajv;

  beforeAll(async () => {
    t = await createTestApp();
    doc = (await t.app.inject({ method: 'GET', url: '/docs-json' })).json();
    ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ components: doc.components }, 'openapi');
  });
  afterAll(() => t.close());

  const operations = () =>
    Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ path, method, op })),
    );

  /** Resolves `#/components/...` refs against the registered document. */
  function schemaFor(path: string, method: string, status: number): object {
    const response = doc.paths[path]?.[method]?.responses[String(status)];
    if (!response) throw new Error(`${method.toUpperCase()} ${path} does not document ${status}`);
    const schema = response.content?.['application/json']?.schema;
    if (!schema) throw new Error(`${method.toUpperCase()} ${path} ${status} has no JSON schema`);
    return JSON.parse(JSON.stringify(schema).replace(/"#\/components/g, '"openapi#/components'));
  }

  function expectValid(path: string, method: string, status: number, body: unknown): void {
    const validate = ajv.compile(schemaFor(path, method, status));
    const ok = validate(body);
    expect({ path, method, status, errors: ok ? null : validate.errors }).toEqual({
      path,
      method,
      status,
      errors: null,
    });
  }

  it('documents 503 and the error schema for every error status of every operation', () => {
    const ops = operations().filter(({ path }) => path.startsWith('/api/'));
    expect(ops.length).toBeGreaterThan(30);
    for (const { path, method, op } of ops) {
      expect([path, method, Object.keys(op.responses)]).toEqual([
        path,
        method,
        expect.arrayContaining(['400', '503']),
      ]);
      for (const [status, response] of Object.entries(op.responses)) {
        if (Number(status) < 400) continue;
        const ref = JSON.stringify(response.content?.['application/json']?.schema ?? {});
        expect([path, method, status, ref]).toEqual([
          path,
          method,
          status,
          expect.stringContaining('ErrorResponseDto'),
        ]);
      }
    }
  });

  it('answers what it documents on the main flows', async () => {
    const owner = newUser('instructor');
    const student = newUser('student');
    const course = await createCourse(t.app, owner, { publish: true });
    const c = new ContentClient(t.app, course.id);
    const moduleId = await c.module(owner.headers, { description: null });
    const lessonId = await c.item(owner.headers, moduleId, 'lessons', { duration_minutes: 5 });
    const created = await c.post(`/modules/${moduleId}/quizzes`, owner.headers, { title: 'Q' });
    expectValid(
      '/api/v1/courses/{courseId}/content/modules/{moduleId}/quizzes',
      'post',
      201,
      created.json(),
    );

    const courseRes = await t.app.inject({ method: 'GET', url: `/api/v1/courses/${course.id}` });
    expectValid('/api/v1/courses/{courseId}', 'get', 200, courseRes.json());
    const validateCourse = ajv.compile(schemaFor('/api/v1/courses/{courseId}', 'get', 200));
    expect(validateCourse({ ...courseRes.json(), id: '1' })).toBe(false);
    const list = await t.app.inject({ method: 'GET', url: '/api/v1/courses' });
    expectValid('/api/v1/courses', 'get', 200, list.json());
    expectValid('/api/v1/courses/{courseId}/content', 'get', 200, (await c.get()).json());

    const enrolled = await t.app.inject({
      method: 'POST',
      url: '/api/v1/enrollments',
      headers: student.headers,
      payload: { course_id: course.id },
    });
    expectValid('/api/v1/enrollments', 'post', 201, enrolled.json());
    const mark = await t.app.inject({
      method: 'POST',
      url: '/api/v1/progress',
      headers: student.headers,
      payload: { course_id: course.id, item_type: 'lesson', item_id: lessonId },
    });
    expectValid('/api/v1/progress', 'post', 201, mark.json());
    const summary = await t.app.inject({
      method: 'GET',
      url: `/api/v1/progress/course/${course.id}`,
      headers: student.headers,
    });
    expectValid('/api/v1/progress/course/{courseId}', 'get', 200, summary.json());
    const report = await t.app.inject({
      method: 'GET',
      url: `/api/v1/courses/${course.id}/progress`,
      headers: owner.headers,
    });
    expectValid('/api/v1/courses/{courseId}/progress', 'get', 200, report.json());

    const invalid = await t.app.inject({
      method: 'POST',
      url: '/api/v1/progress',
      headers: student.headers,
      payload: { course_id: 'x' },
    });
    expectValid('/api/v1/progress', 'post', 400, invalid.json());
    const missing = await t.app.inject({ method: 'GET', url: '/api/v1/courses/2147483000' });
    expectValid('/api/v1/courses/{courseId}', 'get', 404, missing.json());
    const conflict = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/courses/${course.id}`,
      headers: owner.headers,
      payload: { status: 'draft' },
    });
    expect(conflict.json().details).toEqual({ from: 'published', to: 'draft' });
    expectValid('/api/v1/courses/{courseId}', 'patch', 409, conflict.json());
    const xml = await t.app.inject({
      method: 'POST',
      url: '/api/v1/progress',
      headers: { ...student.headers, 'content-type': 'application/xml' },
      payload: '<progress/>',
    });
    expectValid('/api/v1/progress', 'post', 415, xml.json());

    for (const item of ['lesson', 'quiz']) {
      const id = item === 'lesson' ? lessonId : created.json().modules[0].quizzes[0].quiz_id;
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/progress',
        headers: student.headers,
        payload: { course_id: course.id, item_type: item, item_id: id },
      });
    }
    const done = await t.app.inject({
      method: 'GET',
      url: `/api/v1/progress/course/${course.id}`,
      headers: student.headers,
    });
    expect(done.json().next_item).toBeNull();
    expectValid('/api/v1/progress/course/{courseId}', 'get', 200, done.json());
  });

  it('marks public routes as taking a token optionally, and path ids with their real shapes', () => {
    const content = doc.paths['/api/v1/courses/{courseId}/content'].get as unknown as {
      security: object[];
      parameters: { name: string; schema: object }[];
    };
    expect(content.security).toEqual([{}, { bearer: [] }]);
    expect(content.parameters.find((p) => p.name === 'courseId')?.schema).toEqual({
      type: 'integer',
      minimum: 1,
      maximum: 2147483647,
    });
    const lesson = doc.paths[
      '/api/v1/courses/{courseId}/content/modules/{moduleId}/lessons/{lessonId}'
    ].patch as unknown as { security: object[]; parameters: { name: string; schema: object }[] };
    expect(lesson.security).toEqual([{ bearer: [] }]);
    expect(lesson.parameters.find((p) => p.name === 'lessonId')?.schema).toMatchObject({
      pattern: '^[0-9a-fA-F]{24}$',
    });
  });
});
