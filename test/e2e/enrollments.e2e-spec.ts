import {
  ENROLLMENT_STATUSES,
  EnrollmentStatus,
} from '../../src/enrollments/domain/enrollment-status';
import { ENROLLMENT_TRANSITIONS } from '../../src/enrollments/domain/enrollment-transitions';
import { EnrollmentsService } from '../../src/enrollments/enrollments.service';
import { createTestApp, TestApp } from '../support/create-test-app';
import { createCourse, CourseFixture, newUser } from '../support/factories';

type User = ReturnType<typeof newUser>;

describe('EnrollmentsController (e2e)', () => {
  let t: TestApp;
  let course: CourseFixture;
  const owner = newUser('instructor');
  const otherInstructor = newUser('instructor');
  const admin = newUser('admin');

  beforeAll(async () => {
    t = await createTestApp();
    course = await createCourse(t.app, owner, { publish: true });
  });
  afterAll(() => t.close());

  const sql = (query: string, params: unknown[] = []) => t.sql(query, params);
  const enroll = (user: { headers: Record<string, string> }, payload: unknown) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/enrollments',
      headers: user.headers,
      payload: payload as object,
    });
  const get = (url: string, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'GET', url, headers });
  const patch = (id: number | string, headers: Record<string, string>, payload: unknown) =>
    t.app.inject({
      method: 'PATCH',
      url: `/api/v1/enrollments/${id}`,
      headers,
      payload: payload as object,
    });
  /** The stored row, read straight from PostgreSQL: proves a refusal changed nothing. */
  const row = async (id: number) => (await sql('select * from enrollments where id = ?', [id]))[0];
  const rowsOf = async (studentId: number) =>
    sql('select * from enrollments where student_id = ?', [studentId]);
  const setStatus = (id: number, status: EnrollmentStatus) =>
    sql(
      `update enrollments set status = ?,
         completed_at = case when ? = 'completed' then now() else completed_at end,
         dropped_at = case when ? = 'dropped' then now() else null end
       where id = ?`,
      [status, status, status, id],
    );
  async function enrolled(user: User = newUser('student'), courseId = course.id) {
    const res = await enroll(user, { course_id: courseId });
    expect(res.statusCode).toBe(201);
    return { user, enrollment: res.json() as { id: number; [k: string]: unknown } };
  }

  it('documents every status of every enrollment operation in OpenAPI', async () => {
    const doc = (await get('/docs-json')).json();
    const statuses = (path: string, method: string) =>
      Object.keys(doc.paths[`/api/v1${path}`][method].responses).sort();
    expect(statuses('/enrollments', 'post')).toEqual(
      ['200', '201', '400', '401', '403', '404', '409', '413', '415', '503'].sort(),
    );
    expect(statuses('/enrollments/me', 'get')).toEqual(['200', '400', '401', '403', '503']);
    expect(statuses('/enrollments/{id}', 'get')).toEqual(['200', '400', '401', '404', '503']);
    expect(statuses('/enrollments/{id}', 'patch')).toEqual(
      ['200', '400', '401', '403', '404', '409', '413', '415', '503'].sort(),
    );
    expect(statuses('/courses/{courseId}/enrollments', 'get')).toEqual(
      ['200', '400', '401', '403', '404', '503'].sort(),
    );
    expect(doc.components.schemas.EnrollmentResponseDto.properties.payment_amount).toMatchObject({
      type: 'number',
      nullable: true,
    });
  });

  describe('POST /enrollments', () => {
    it('enrolls a student with every field as JSON numbers, ISO dates and nulls', async () => {
      const student = newUser('student');
      const res = await enroll(student, {
        course_id: course.id,
        payment_amount: 49.9,
        enrollment_source: '  web  ',
      });
      expect(res.statusCode).toBe(201);
      const body = res.json();
      expect(body).toEqual({
        id: expect.any(Number),
        student_id: student.id,
        course_id: course.id,
        status: 'active',
        enrolled_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
        started_at: null,
        completed_at: null,
        dropped_at: null,
        last_accessed_at: null,
        payment_status: null,
        payment_amount: 49.9,
        enrollment_source: 'web',
        time_spent_minutes: 0,
        created_at: expect.stringMatching(/Z$/),
        updated_at: expect.stringMatching(/Z$/),
      });
      expect((await row(body.id)).payment_amount).toBe('49.90');
    });

    it('stores no payment when none is given and keeps large exact amounts', async () => {
      const { enrollment } = await enrolled();
      expect(enrollment.payment_amount).toBeNull();
      const res = await enroll(newUser('student'), {
        course_id: course.id,
        payment_amount: 99999999.99,
      });
      expect(res.json().payment_amount).toBe(99999999.99);
    });

    it('answers 404 for an unknown or draft course and 409 for an archived one, storing nothing', async () => {
      const student = newUser('student');
      const draft = await createCourse(t.app, owner);
      const archived = await createCourse(t.app, owner, { publish: true });
      await t.app.inject({
        method: 'PATCH',
        url: `/api/v1/courses/${archived.id}`,
        headers: owner.headers,
        payload: { status: 'archived' },
      });
      const missing = await enroll(student, { course_id: 2147483000 });
      expect(missing.statusCode).toBe(404);
      expect(missing.json().code).toBe('COURSE_NOT_FOUND');
      const hidden = await enroll(student, { course_id: draft.id });
      expect(hidden.statusCode).toBe(404);
      expect(hidden.json().code).toBe('COURSE_NOT_FOUND');
      const closed = await enroll(student, { course_id: archived.id });
      expect(closed.statusCode).toBe(409);
      expect(closed.json()).toMatchObject({ statusCode: 409, code: 'COURSE_NOT_OPEN' });
      expect(await rowsOf(student.id)).toHaveLength(0);
    });

    it('lets only students enroll', async () => {
      for (const user of [owner, admin, otherInstructor]) {
        const res = await enroll(user, { course_id: course.id });
        expect(res.statusCode).toBe(403);
        expect(await rowsOf(user.id)).toHaveLength(0);
      }
      expect((await enroll({ headers: {} }, { course_id: course.id })).statusCode).toBe(401);
    });

    it.each([
      ['an unknown field', { course_id: 1, student_id: 5 }],
      ['a missing course_id', {}],
      ['a course_id as a string', { course_id: '1' }],
      ['a course_id of 0', { course_id: 0 }],
      ['a fractional course_id', { course_id: 1.5 }],
      ['a course_id beyond int4', { course_id: 2147483648 }],
      ['a negative payment', { course_id: 1, payment_amount: -1 }],
      ['a payment with 3 decimals', { course_id: 1, payment_amount: 1.234 }],
      ['a payment as a string', { course_id: 1, payment_amount: '10' }],
      ['a payment over NUMERIC(10,2)', { course_id: 1, payment_amount: 1e9 }],
      ['an empty source', { course_id: 1, enrollment_source: '  ' }],
      ['a source over 100 chars', { course_id: 1, enrollment_source: 'x'.repeat(101) }],
      ['a source of the wrong type', { course_id: 1, enrollment_source: 7 }],
      ['a non-object body', [1]],
    ])('answers 400 for %s and stores nothing', async (_label, payload) => {
      // Validation runs before any look-up, so course 1 need not exist.
      const student = newUser('student');
      const res = await enroll(student, payload);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(await rowsOf(student.id)).toHaveLength(0);
    });

    it('answers 409 ALREADY_ENROLLED for an active enrollment and changes nothing', async () => {
      const { user, enrollment } = await enrolled();
      const before = await row(enrollment.id);
      const res = await enroll(user, { course_id: course.id, payment_amount: 10 });
      expect(res.statusCode).toBe(409);
      expect(res.json()).toMatchObject({
        code: 'ALREADY_ENROLLED',
        details: { enrollment_id: enrollment.id, status: 'active' },
      });
      expect(await row(enrollment.id)).toEqual(before);
    });

    it('creates exactly one row for 10 identical concurrent requests, never a 500', async () => {
      const student = newUser('student');
      const results = await Promise.all(
        Array.from({ length: 10 }, () => enroll(student, { course_id: course.id })),
      );
      const statuses = results.map((r) => r.statusCode).sort();
      expect(statuses).toEqual([201, ...Array(9).fill(409)]);
      expect(results.filter((r) => r.statusCode === 409).map((r) => r.json().code)).toEqual(
        Array(9).fill('ALREADY_ENROLLED'),
      );
      expect(await rowsOf(student.id)).toHaveLength(1);
    });

    it('re-activates a dropped enrollment: same id, 200, progress kept, dropped_at cleared', async () => {
      const { user, enrollment } = await enrolled();
      await sql(
        `insert into progress (user_id, course_id, item_type, item_id) values (?, ?, 'lesson', ?)`,
        [user.id, course.id, 'aaaaaaaaaaaaaaaaaaaaaaaa'],
      );
      const dropped = await patch(enrollment.id, user.headers, { status: 'dropped' });
      expect(dropped.statusCode).toBe(200);
      expect(dropped.json().status).toBe('dropped');
      expect(dropped.json().dropped_at).toEqual(expect.any(String));

      const again = await enroll(user, { course_id: course.id, enrollment_source: 'email' });
      expect(again.statusCode).toBe(200);
      expect(again.json()).toMatchObject({
        id: enrollment.id,
        status: 'active',
        dropped_at: null,
        enrolled_at: enrollment.enrolled_at,
        enrollment_source: 'email',
      });
      expect(await rowsOf(user.id)).toHaveLength(1);
      const progress = await sql('select count(*)::int as n from progress where user_id = ?', [
        user.id,
      ]);
      expect(progress[0].n).toBe(1);
    });

    it('refuses to re-enroll in a completed course with 409 and changes nothing', async () => {
      const { user, enrollment } = await enrolled();
      await setStatus(enrollment.id, 'completed');
      const before = await row(enrollment.id);
      const res = await enroll(user, { course_id: course.id });
      expect(res.statusCode).toBe(409);
      expect(res.json()).toMatchObject({
        code: 'ALREADY_ENROLLED',
        details: { status: 'completed' },
      });
      expect(await row(enrollment.id)).toEqual(before);
    });

    it('keeps a suspended student from dropping or re-enrolling to lift the suspension', async () => {
      const { user, enrollment } = await enrolled();
      expect((await patch(enrollment.id, owner.headers, { status: 'suspended' })).statusCode).toBe(
        200,
      );
      const before = await row(enrollment.id);
      const drop = await patch(enrollment.id, user.headers, { status: 'dropped' });
      expect(drop.statusCode).toBe(403);
      expect(drop.json().code).toBe('STATUS_CHANGE_NOT_ALLOWED');
      const lift = await patch(enrollment.id, user.headers, { status: 'active' });
      expect(lift.statusCode).toBe(403);
      const again = await enroll(user, { course_id: course.id });
      expect(again.statusCode).toBe(409);
      expect(again.json().details).toMatchObject({ status: 'suspended' });
      expect(await row(enrollment.id)).toEqual(before);

      const lifted = await patch(enrollment.id, owner.headers, { status: 'active' });
      expect(lifted.statusCode).toBe(200);
      expect(lifted.json().status).toBe('active');
    });

    it('settles concurrent re-enrollments of a dropped enrollment with one 200 and 409s', async () => {
      const { user, enrollment } = await enrolled();
      await setStatus(enrollment.id, 'dropped');
      const results = await Promise.all(
        Array.from({ length: 5 }, () => enroll(user, { course_id: course.id })),
      );
      expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409, 409, 409, 409]);
      expect((await row(enrollment.id)).status).toBe('active');
    });
  });

  describe('PATCH /enrollments/:id transitions', () => {
    const actors = ['student', 'owner', 'admin'] as const;
    const cases = ENROLLMENT_STATUSES.flatMap((from) =>
      ENROLLMENT_STATUSES.flatMap((to) => actors.map((actor) => [from, to, actor] as const)),
    );
    const expected = (from: EnrollmentStatus, to: EnrollmentStatus, actor: string) => {
      const allowed = ENROLLMENT_TRANSITIONS[from][to];
      if (!allowed || (allowed.length === 1 && allowed[0] === 'completion')) return 409;
      return allowed.includes(actor === 'student' ? 'student' : 'manager') ? 200 : 403;
    };

    it.each(cases)('%s -> %s by the %s', async (from, to, actor) => {
      const { user, enrollment } = await enrolled();
      await setStatus(enrollment.id, from);
      const before = await row(enrollment.id);
      const headers = { student: user, owner, admin }[actor].headers;
      const res = await patch(enrollment.id, headers, { status: to });
      const status = expected(from, to, actor);
      expect(res.statusCode).toBe(status);
      if (status !== 200) {
        expect(res.json().code).toBe(
          status === 409 ? 'INVALID_STATUS_TRANSITION' : 'STATUS_CHANGE_NOT_ALLOWED',
        );
        expect(await row(enrollment.id)).toEqual(before);
        return;
      }
      const body = res.json();
      expect(body.status).toBe(to);
      expect(body.dropped_at === null).toBe(to !== 'dropped');
      expect((await row(enrollment.id)).status).toBe(to);
    });

    it('answers 409 for PATCH to completed with a clear message', async () => {
      const { enrollment } = await enrolled();
      const res = await patch(enrollment.id, admin.headers, { status: 'completed' });
      expect(res.statusCode).toBe(409);
      expect(res.json().message).toMatch(/100%/);
    });

    it('hides the enrollment from other students and other instructors (404), unchanged', async () => {
      const { enrollment } = await enrolled();
      const before = await row(enrollment.id);
      for (const user of [newUser('student'), otherInstructor]) {
        const res = await patch(enrollment.id, user.headers, { status: 'dropped' });
        expect(res.statusCode).toBe(404);
        expect(res.json().code).toBe('ENROLLMENT_NOT_FOUND');
      }
      expect((await patch(enrollment.id, {}, { status: 'dropped' })).statusCode).toBe(401);
      expect(await row(enrollment.id)).toEqual(before);
    });

    it.each([
      ['an unknown status', { status: 'finished' }],
      ['a missing status', {}],
      ['an unknown field', { status: 'dropped', dropped_at: '2020-01-01T00:00:00Z' }],
      ['a status of the wrong type', { status: 1 }],
    ])('answers 400 for %s and changes nothing', async (_label, payload) => {
      const { user, enrollment } = await enrolled();
      const before = await row(enrollment.id);
      const res = await patch(enrollment.id, user.headers, payload);
      expect(res.statusCode).toBe(400);
      expect(await row(enrollment.id)).toEqual(before);
    });

    it('answers 400 for a bad id and 404 for an unknown one', async () => {
      for (const bad of ['abc', '0', '-1', '1.5', '99999999999']) {
        const res = await patch(bad, admin.headers, { status: 'dropped' });
        expect(res.statusCode).toBe(400);
        expect(res.json().code).toBe('INVALID_ID');
      }
      expect((await patch(2147483000, admin.headers, { status: 'dropped' })).statusCode).toBe(404);
    });
  });

  describe('GET /enrollments/:id', () => {
    it('shows the enrollment to its student, the owner and admins, 404 to others', async () => {
      const { user, enrollment } = await enrolled();
      const url = `/api/v1/enrollments/${enrollment.id}`;
      for (const who of [user, owner, admin]) {
        const res = await get(url, who.headers);
        expect(res.statusCode).toBe(200);
        expect(res.json()).toEqual(enrollment);
      }
      for (const who of [newUser('student'), otherInstructor]) {
        const res = await get(url, who.headers);
        expect(res.statusCode).toBe(404);
        expect(res.json().code).toBe('ENROLLMENT_NOT_FOUND');
      }
      expect((await get(url)).statusCode).toBe(401);
    });

    it('answers 400 for a bad id and 404 for an unknown one', async () => {
      expect((await get('/api/v1/enrollments/abc', admin.headers)).statusCode).toBe(400);
      expect((await get('/api/v1/enrollments/2147483000', admin.headers)).statusCode).toBe(404);
    });
  });

  describe('GET /enrollments/me', () => {
    it("lists only the caller's enrollments, newest first, with a status filter", async () => {
      const student = newUser('student');
      const courses = [
        await createCourse(t.app, owner, { publish: true }),
        await createCourse(t.app, owner, { publish: true }),
        await createCourse(t.app, owner, { publish: true }),
      ];
      const ids: number[] = [];
      for (const c of courses) ids.push((await enrolled(student, c.id)).enrollment.id);
      await enrolled(newUser('student'), courses[0].id);
      await patch(ids[1], student.headers, { status: 'dropped' });

      const all = (await get('/api/v1/enrollments/me', student.headers)).json();
      expect(all).toMatchObject({ total: 3, skip: 0, limit: 20 });
      expect(all.items.map((e: { id: number }) => e.id)).toEqual([...ids].reverse());
      const dropped = (await get('/api/v1/enrollments/me?status=dropped', student.headers)).json();
      expect(dropped).toMatchObject({ total: 1, items: [{ id: ids[1], status: 'dropped' }] });
      const page = (await get('/api/v1/enrollments/me?skip=1&limit=1', student.headers)).json();
      expect(page).toMatchObject({ total: 3, skip: 1, limit: 1, items: [{ id: ids[1] }] });
      const beyond = (await get('/api/v1/enrollments/me?skip=10', student.headers)).json();
      expect(beyond).toMatchObject({ total: 3, items: [] });
    });

    it.each(['limit=0', 'limit=101', 'skip=-1', 'limit=abc', 'status=open', 'foo=1'])(
      'answers 400 for %s',
      async (query) => {
        const student = newUser('student');
        expect((await get(`/api/v1/enrollments/me?${query}`, student.headers)).statusCode).toBe(
          400,
        );
      },
    );

    it('is for students only', async () => {
      expect((await get('/api/v1/enrollments/me', owner.headers)).statusCode).toBe(403);
      expect((await get('/api/v1/enrollments/me')).statusCode).toBe(401);
    });
  });

  describe('GET /courses/:courseId/enrollments', () => {
    it('lists the course enrollments for the owner and admins, paginated and filtered', async () => {
      const own = await createCourse(t.app, owner, { publish: true });
      const a = await enrolled(newUser('student'), own.id);
      const b = await enrolled(newUser('student'), own.id);
      await setStatus(a.enrollment.id, 'suspended');
      const url = `/api/v1/courses/${own.id}/enrollments`;
      for (const who of [owner, admin]) {
        const res = await get(url, who.headers);
        expect(res.statusCode).toBe(200);
        expect(res.json()).toMatchObject({ total: 2, skip: 0, limit: 20 });
        expect(res.json().items.map((e: { id: number }) => e.id)).toEqual([
          b.enrollment.id,
          a.enrollment.id,
        ]);
      }
      const suspended = (await get(`${url}?status=suspended&limit=1`, owner.headers)).json();
      expect(suspended).toMatchObject({
        total: 1,
        limit: 1,
        items: [{ id: a.enrollment.id, status: 'suspended', student_id: a.user.id }],
      });
    });

    it('refuses students (403), other instructors (403) and anonymous callers (401)', async () => {
      const url = `/api/v1/courses/${course.id}/enrollments`;
      expect((await get(url, newUser('student').headers)).statusCode).toBe(403);
      const other = await get(url, otherInstructor.headers);
      expect(other.statusCode).toBe(403);
      expect(other.json().code).toBe('NOT_COURSE_OWNER');
      expect((await get(url)).statusCode).toBe(401);
    });

    it("answers 404 for an unknown course or another instructor's draft, 400 for bad input", async () => {
      const draft = await createCourse(t.app, owner);
      expect((await get('/api/v1/courses/2147483000/enrollments', owner.headers)).statusCode).toBe(
        404,
      );
      expect(
        (await get(`/api/v1/courses/${draft.id}/enrollments`, otherInstructor.headers)).statusCode,
      ).toBe(404);
      expect((await get('/api/v1/courses/abc/enrollments', owner.headers)).statusCode).toBe(400);
      expect(
        (await get(`/api/v1/courses/${course.id}/enrollments?limit=500`, owner.headers)).statusCode,
      ).toBe(400);
    });
  });

  describe('EnrollmentsService (for progress and certificates)', () => {
    it('finds the enrollment, tells who is enrolled and completes it exactly once', async () => {
      const service = t.app.get(EnrollmentsService);
      const { user, enrollment } = await enrolled();
      expect(await service.isEnrolled(user.id, course.id)).toBe(true);
      expect(await service.isEnrolled(newUser('student').id, course.id)).toBe(false);
      const found = await service.findForStudentAndCourse(user.id, course.id);
      expect(found).toMatchObject({ id: enrollment.id, status: 'active', paymentAmount: null });
      expect(found?.enrolledAt).toBeInstanceOf(Date);

      const results = await Promise.all(Array.from({ length: 5 }, () => service.complete(found!)));
      expect(results.filter(Boolean)).toHaveLength(1);
      const completed = (await get(`/api/v1/enrollments/${enrollment.id}`, user.headers)).json();
      expect(completed).toMatchObject({ status: 'completed', completed_at: expect.any(String) });
      expect(await service.isEnrolled(user.id, course.id)).toBe(true);
      expect(await service.complete(found!)).toBeNull();
    });

    it('does not complete a dropped or suspended enrollment, and those are not enrolled', async () => {
      const service = t.app.get(EnrollmentsService);
      for (const status of ['dropped', 'suspended'] as const) {
        const { user, enrollment } = await enrolled();
        const readWhileActive = await service.findForStudentAndCourse(user.id, course.id);
        await setStatus(enrollment.id, status);
        expect(await service.complete(readWhileActive!)).toBeNull();
        await expect(
          service.complete((await service.findForStudentAndCourse(user.id, course.id))!),
        ).rejects.toMatchObject({ code: 'INVALID_STATUS_TRANSITION' });
        expect(await service.isEnrolled(user.id, course.id)).toBe(false);
        expect((await row(enrollment.id)).status).toBe(status);
      }
    });

    it('sets started_at once and last_accessed_at on every touch', async () => {
      const service = t.app.get(EnrollmentsService);
      const { enrollment } = await enrolled();
      await service.touchAccess(enrollment.id);
      const first = await row(enrollment.id);
      expect(first.started_at).not.toBeNull();
      await new Promise((r) => setTimeout(r, 20));
      await service.touchAccess(enrollment.id);
      const second = await row(enrollment.id);
      expect(second.started_at).toEqual(first.started_at);
      expect(second.last_accessed_at).not.toEqual(first.last_accessed_at);
    });
  });
});
