import { createTestApp, TestApp } from '../support/create-test-app';
import { createCourse, newUser } from '../support/factories';

describe('CoursesController (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const owner = newUser('instructor');
  const other = newUser('instructor');
  const student = newUser('student');
  const admin = newUser('admin');

  const get = (url: string, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'GET', url, headers });
  const patch = (id: number, headers: Record<string, string>, payload: unknown) =>
    t.app.inject({
      method: 'PATCH',
      url: `/api/v1/courses/${id}`,
      headers,
      payload: payload as object,
    });

  describe('POST /courses', () => {
    it('creates a draft owned by the calling instructor', async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/courses',
        headers: owner.headers,
        payload: { title: '  Intro to Rust  ', description: 'Systems programming' },
      });
      expect(res.statusCode).toBe(201);
      const body = res.json();
      expect(body).toMatchObject({
        title: 'Intro to Rust',
        description: 'Systems programming',
        instructor_id: owner.id,
        status: 'draft',
      });
      expect(Number.isInteger(body.id)).toBe(true);
      expect(new Date(body.created_at).toString()).not.toBe('Invalid Date');
    });

    it.each([
      ['an unknown field', { title: 'x', instructor_id: 1 }],
      ['a missing title', {}],
      ['an empty title', { title: '   ' }],
      ['a title over 200 chars', { title: 'x'.repeat(201) }],
      ['a title of the wrong type', { title: 42 }],
      ['a non-object body', [1, 2]],
    ])('answers 400 with field details for %s and stores nothing', async (_l, payload) => {
      const before = (await get('/api/v1/courses?limit=100', owner.headers)).json().total;
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/courses',
        headers: owner.headers,
        payload: payload as object,
      });
      expect(res.statusCode).toBe(400);
      const body = res.json();
      expect(body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(typeof body.message).toBe('string');
      expect(body.stack).toBeUndefined();
      expect((await get('/api/v1/courses?limit=100', owner.headers)).json().total).toBe(before);
    });

    it('answers 413 for a 2 MB body', async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/courses',
        headers: { ...owner.headers, 'content-type': 'application/json' },
        payload: JSON.stringify({ title: 'x'.repeat(2 * 1024 * 1024) }),
      });
      expect(res.statusCode).toBe(413);
      expect(res.json()).toMatchObject({ statusCode: 413, error: 'Payload Too Large' });
    });

    it('answers 400 for malformed JSON', async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/courses',
        headers: { ...owner.headers, 'content-type': 'application/json' },
        payload: '{"title":',
      });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    });
  });

  describe('GET /courses/:courseId', () => {
    it('answers 400 for a non-integer id and 404 for an unknown one', async () => {
      for (const bad of ['abc', '1.5', '-1', '0', '99999999999']) {
        const res = await get(`/api/v1/courses/${bad}`);
        expect(res.statusCode).toBe(400);
        expect(res.json().code).toBe('INVALID_ID');
      }
      const missing = await get('/api/v1/courses/2147483000');
      expect(missing.statusCode).toBe(404);
      expect(missing.json()).toMatchObject({ statusCode: 404, code: 'COURSE_NOT_FOUND' });
    });

    it('hides a draft from everybody but its owner and admins', async () => {
      const draft = await createCourse(t.app, owner);
      expect((await get(`/api/v1/courses/${draft.id}`)).statusCode).toBe(404);
      expect((await get(`/api/v1/courses/${draft.id}`, student.headers)).statusCode).toBe(404);
      expect((await get(`/api/v1/courses/${draft.id}`, other.headers)).statusCode).toBe(404);
      expect((await get(`/api/v1/courses/${draft.id}`, owner.headers)).statusCode).toBe(200);
      expect((await get(`/api/v1/courses/${draft.id}`, admin.headers)).statusCode).toBe(200);
    });
  });

  describe('GET /courses', () => {
    it('lists published courses for everybody and own drafts for their instructor', async () => {
      const mine = newUser('instructor');
      const published = await createCourse(t.app, mine, { publish: true });
      const draft = await createCourse(t.app, mine);
      const ids = (headers: Record<string, string>) =>
        get(`/api/v1/courses?instructor_id=${mine.id}`, headers).then((r) =>
          (r.json().items as { id: number }[]).map((c) => c.id),
        );
      expect(await ids({})).toEqual([published.id]);
      expect(await ids(student.headers)).toEqual([published.id]);
      expect(await ids(other.headers)).toEqual([published.id]);
      expect((await ids(mine.headers)).sort()).toEqual([published.id, draft.id].sort());
      expect((await ids(admin.headers)).sort()).toEqual([published.id, draft.id].sort());
    });

    it('paginates with skip/limit and reports the total', async () => {
      const mine = newUser('instructor');
      for (let i = 0; i < 3; i++) await createCourse(t.app, mine, { publish: true });
      const page = (await get(`/api/v1/courses?instructor_id=${mine.id}&skip=1&limit=1`)).json();
      expect(page).toMatchObject({ total: 3, skip: 1, limit: 1 });
      expect(page.items).toHaveLength(1);
    });

    it.each(['limit=0', 'limit=101', 'skip=-1', 'skip=1e20', 'limit=abc', 'status=open', 'foo=1'])(
      'answers 400 for %s',
      async (query) => {
        const res = await get(`/api/v1/courses?${query}`);
        expect(res.statusCode).toBe(400);
      },
    );
  });

  describe('PATCH /courses/:courseId', () => {
    it('moves draft -> published -> archived and refuses other moves with 409', async () => {
      const course = await createCourse(t.app, owner);
      expect((await patch(course.id, owner.headers, { status: 'archived' })).statusCode).toBe(409);
      expect((await patch(course.id, owner.headers, { status: 'published' })).json().status).toBe(
        'published',
      );
      const back = await patch(course.id, owner.headers, { status: 'draft' });
      expect(back.statusCode).toBe(409);
      expect(back.json().code).toBe('INVALID_STATUS_TRANSITION');
      expect((await patch(course.id, owner.headers, { status: 'archived' })).json().status).toBe(
        'archived',
      );
      expect((await patch(course.id, owner.headers, { status: 'published' })).statusCode).toBe(409);
    });

    it('lets the owner and admins edit, and refuses others without changing anything', async () => {
      const course = await createCourse(t.app, owner, { publish: true });
      expect((await patch(course.id, other.headers, { title: 'Hijacked' })).statusCode).toBe(403);
      expect((await patch(course.id, student.headers, { title: 'Hijacked' })).statusCode).toBe(403);
      expect((await patch(course.id, {}, { title: 'Hijacked' })).statusCode).toBe(401);
      expect((await get(`/api/v1/courses/${course.id}`)).json().title).toBe(course.title);

      const edited = await patch(course.id, owner.headers, { title: 'Renamed', description: null });
      expect(edited.statusCode).toBe(200);
      expect(edited.json()).toMatchObject({ title: 'Renamed', description: null });
      expect((await patch(course.id, admin.headers, { title: 'By admin' })).json().title).toBe(
        'By admin',
      );
    });

    it('never moves a course back when a status change races an archive', async () => {
      for (let round = 0; round < 8; round++) {
        const course = await createCourse(t.app, owner, { publish: true });
        const [renamed, archived] = await Promise.all([
          patch(course.id, owner.headers, { status: 'published', title: `Round ${round}` }),
          patch(course.id, admin.headers, { status: 'archived' }),
        ]);
        expect(archived.statusCode).toBe(200);
        // Either the rename landed first, or it re-decided on the archived course and was refused.
        expect([200, 409]).toContain(renamed.statusCode);
        const after = (await get(`/api/v1/courses/${course.id}`)).json();
        expect(after.status).toBe('archived');
        expect(after.title).toBe(renamed.statusCode === 200 ? `Round ${round}` : course.title);
      }
    });

    it('answers 400 for an unknown field, a bad or null status or a null title, and changes nothing', async () => {
      const course = await createCourse(t.app, owner);
      expect((await patch(course.id, owner.headers, { instructor_id: other.id })).statusCode).toBe(
        400,
      );
      expect((await patch(course.id, owner.headers, { status: 'live' })).statusCode).toBe(400);
      expect((await patch(course.id, owner.headers, { status: null })).statusCode).toBe(400);
      expect((await patch(course.id, owner.headers, { title: null })).statusCode).toBe(400);
      const after = (await get(`/api/v1/courses/${course.id}`, owner.headers)).json();
      expect(after).toMatchObject({ instructor_id: owner.id, status: 'draft' });
    });
  });
});
