import { ContentClient } from '../support/content-client';
import { createTestApp, TestApp } from '../support/create-test-app';
import { createCourse, enrollStudent, newUser } from '../support/factories';

type Headers = Record<string, string>;

describe('ProgressController (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const owner = newUser('instructor');
  const admin = newUser('admin');

  const sql = <T>(query: string, params: unknown[] = []) => t.sql<T>(query, params);

  /** A published course with one module: 2 lessons, a quiz and a summary. */
  async function course() {
    const created = await createCourse(t.app, owner, { publish: true, title: 'Progress course' });
    const c = new ContentClient(t.app, created.id);
    const moduleId = await c.module(owner.headers, { title: 'Basics' });
    const lesson1 = await c.item(owner.headers, moduleId, 'lessons', { title: 'L1', order: 0 });
    const lesson2 = await c.item(owner.headers, moduleId, 'lessons', { title: 'L2', order: 1 });
    const quiz = await c.item(owner.headers, moduleId, 'quizzes', { title: 'Q', order: 2 });
    const summary = await c.item(owner.headers, moduleId, 'summaries', { title: 'S', order: 3 });
    return { c, courseId: created.id, moduleId, lesson1, lesson2, quiz, summary };
  }

  const enrolledStudent = (courseId: number) => enrollStudent(t.app, courseId);

  const mark = (headers: Headers, payload: Record<string, unknown>) =>
    t.app.inject({ method: 'POST', url: '/api/v1/progress', headers, payload });
  const unmark = (headers: Headers, payload: Record<string, unknown>) =>
    t.app.inject({ method: 'DELETE', url: '/api/v1/progress', headers, payload });
  const summary = (headers: Headers, courseId: number) =>
    t.app.inject({ method: 'GET', url: `/api/v1/progress/course/${courseId}`, headers });
  const enrollment = (headers: Headers, id: number) =>
    t.app.inject({ method: 'GET', url: `/api/v1/enrollments/${id}`, headers });
  const progressRows = (userId: number, courseId: number) =>
    sql<{ n: number }>(
      'select count(*)::int as n from progress where user_id = ? and course_id = ?',
      [userId, courseId],
    ).then((r) => r[0].n);

  describe('progress checklist', () => {
    it('marks a lesson, a quiz (with score) and a summary, and reports the right percentage', async () => {
      const k = await course();
      const s = await enrolledStudent(k.courseId);
      const lesson = await mark(s.headers, {
        course_id: k.courseId,
        item_type: 'lesson',
        item_id: k.lesson1,
      });
      expect(lesson.statusCode).toBe(201);
      expect(lesson.json()).toMatchObject({
        user_id: s.id,
        course_id: k.courseId,
        item_type: 'lesson',
        item_id: k.lesson1,
        score: null,
      });
      const quiz = await mark(s.headers, {
        course_id: k.courseId,
        item_type: 'quiz',
        item_id: k.quiz,
        score: 87.5,
      });
      expect(quiz.statusCode).toBe(201);
      expect(quiz.json().score).toBe(87.5);
      expect(
        (await mark(s.headers, { course_id: k.courseId, item_type: 'summary', item_id: k.summary }))
          .statusCode,
      ).toBe(201);

      const res = await summary(s.headers, k.courseId);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({
        course_id: k.courseId,
        user_id: s.id,
        total_items: 4,
        completed_items: 3,
        completion_percentage: 75,
        completed_lessons: [k.lesson1],
        completed_quizzes: [k.quiz],
        completed_summaries: [k.summary],
        has_certificate: false,
        is_complete: false,
        next_item: { item_type: 'lesson', item_id: k.lesson2, title: 'L2', module_id: k.moduleId },
      });
      expect(res.json().modules).toEqual([
        {
          module_id: k.moduleId,
          title: 'Basics',
          total_items: 4,
          completed_items: 3,
          completion_percentage: 75,
        },
      ]);
      const after = (await enrollment(s.headers, s.enrollmentId)).json();
      expect(after.started_at).not.toBeNull();
      expect(after.last_accessed_at).not.toBeNull();
    });

    it('recalculates when a lesson is soft-deleted and when a lesson is added, touching no progress row', async () => {
      const k = await course();
      const s = await enrolledStudent(k.courseId);
      await mark(s.headers, { course_id: k.courseId, item_type: 'lesson', item_id: k.lesson1 });
      expect((await summary(s.headers, k.courseId)).json().completion_percentage).toBe(25);

      await k.c.delete(`/modules/${k.moduleId}/lessons/${k.lesson2}`, owner.headers);
      expect((await summary(s.headers, k.courseId)).json()).toMatchObject({
        total_items: 3,
        completion_percentage: 33.33,
      });

      await k.c.item(owner.headers, k.moduleId, 'lessons', { title: 'New' });
      expect((await summary(s.headers, k.courseId)).json()).toMatchObject({
        total_items: 4,
        completion_percentage: 25,
      });
      expect(await progressRows(s.id, k.courseId)).toBe(1);
    });

    it('completes the enrollment and issues one certificate at 100%, which survives new content', async () => {
      const k = await course();
      const s = await enrolledStudent(k.courseId);
      for (const [item_type, item_id] of [
        ['lesson', k.lesson1],
        ['lesson', k.lesson2],
        ['quiz', k.quiz],
        ['summary', k.summary],
      ]) {
        expect(
          (await mark(s.headers, { course_id: k.courseId, item_type, item_id })).statusCode,
        ).toBe(201);
      }
      const done = (await summary(s.headers, k.courseId)).json();
      expect(done).toMatchObject({
        completion_percentage: 100,
        is_complete: true,
        has_certificate: true,
        next_item: null,
      });
      expect((await enrollment(s.headers, s.enrollmentId)).json()).toMatchObject({
        status: 'completed',
      });
      expect((await enrollment(s.headers, s.enrollmentId)).json().completed_at).not.toBeNull();

      const certs = await t.app.inject({
        method: 'GET',
        url: '/api/v1/certificates/me',
        headers: s.headers,
      });
      expect(certs.json().total).toBe(1);
      const number = certs.json().items[0].certificate_number;

      await k.c.item(owner.headers, k.moduleId, 'lessons', { title: 'Added later' });
      const later = (await summary(s.headers, k.courseId)).json();
      expect(later).toMatchObject({
        completion_percentage: 80,
        is_complete: false,
        has_certificate: true,
      });
      expect((await enrollment(s.headers, s.enrollmentId)).json().status).toBe('completed');
      const verify = await t.app.inject({
        method: 'GET',
        url: `/api/v1/certificates/verify/${number}`,
      });
      expect(verify.json()).toMatchObject({ valid: true, is_revoked: false });
    });

    it('treats a repeated completion as idempotent: same row, 200, no duplicate', async () => {
      const k = await course();
      const s = await enrolledStudent(k.courseId);
      const payload = { course_id: k.courseId, item_type: 'lesson', item_id: k.lesson1 };
      const first = await mark(s.headers, payload);
      const second = await mark(s.headers, { ...payload, item_id: k.lesson1.toUpperCase() });
      expect([first.statusCode, second.statusCode]).toEqual([201, 200]);
      expect(second.json().id).toBe(first.json().id);
      expect(await progressRows(s.id, k.courseId)).toBe(1);
    });

    it('keeps the highest score of quiz retakes and answers with the kept score', async () => {
      const k = await course();
      const s = await enrolledStudent(k.courseId);
      const retake = (score?: number) =>
        mark(s.headers, { course_id: k.courseId, item_type: 'quiz', item_id: k.quiz, score });
      const first = await retake(60);
      expect([first.statusCode, first.json().score]).toEqual([201, 60]);
      const better = await retake(85.5);
      expect([better.statusCode, better.json().score]).toEqual([200, 85.5]);
      expect(better.json().id).toBe(first.json().id);
      const worse = await retake(40);
      expect([worse.statusCode, worse.json().score]).toEqual([200, 85.5]);
      const unscored = await retake();
      expect([unscored.statusCode, unscored.json().score]).toEqual([200, 85.5]);

      const scores = [70, 99, 91, 88, 97, 99.5, 72, 90];
      await Promise.all(scores.map((score) => retake(score)));
      const [{ score }] = await sql<{ score: number }>(
        'select score::float8 as score from progress where user_id = ? and item_id = ?',
        [s.id, k.quiz],
      );
      expect(score).toBe(99.5);
      expect(await progressRows(s.id, k.courseId)).toBe(1);
    });

    it('refuses progress for a user who is not enrolled', async () => {
      const k = await course();
      const stranger = newUser('student');
      const res = await mark(stranger.headers, {
        course_id: k.courseId,
        item_type: 'lesson',
        item_id: k.lesson1,
      });
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe('ENROLLMENT_REQUIRED');
      expect((await summary(stranger.headers, k.courseId)).statusCode).toBe(403);
      expect(await progressRows(stranger.id, k.courseId)).toBe(0);
    });
  });

  describe('un-completing', () => {
    it('removes the completion, is idempotent, and keeps a completed enrollment completed', async () => {
      const k = await course();
      const s = await enrolledStudent(k.courseId);
      const payload = { course_id: k.courseId, item_type: 'lesson', item_id: k.lesson1 };
      await mark(s.headers, payload);
      expect((await unmark(s.headers, payload)).statusCode).toBe(204);
      expect((await unmark(s.headers, payload)).statusCode).toBe(204);
      expect(await progressRows(s.id, k.courseId)).toBe(0);
    });
  });

  describe('bad input changes nothing', () => {
    let k: Awaited<ReturnType<typeof course>>;
    let s: Awaited<ReturnType<typeof enrolledStudent>>;
    beforeAll(async () => {
      k = await course();
      s = await enrolledStudent(k.courseId);
    });

    it.each([
      [
        'an unknown course',
        () => ({ course_id: 2147480001, item_type: 'lesson', item_id: k.lesson1 }),
        404,
        'COURSE_NOT_FOUND',
      ],
      [
        'an item not in the course',
        () => ({ course_id: k.courseId, item_type: 'lesson', item_id: 'ffffffffffffffffffffffff' }),
        404,
        'ITEM_NOT_IN_COURSE',
      ],
      [
        'an item of another type',
        () => ({ course_id: k.courseId, item_type: 'quiz', item_id: k.lesson1 }),
        404,
        'ITEM_NOT_IN_COURSE',
      ],
      [
        'a wrong item_type',
        () => ({ course_id: k.courseId, item_type: 'module', item_id: k.lesson1 }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'a malformed item_id',
        () => ({ course_id: k.courseId, item_type: 'lesson', item_id: '42' }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'a score above 100',
        () => ({ course_id: k.courseId, item_type: 'quiz', item_id: k.quiz, score: 101 }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'a negative score',
        () => ({ course_id: k.courseId, item_type: 'quiz', item_id: k.quiz, score: -1 }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'a null score',
        () => ({ course_id: k.courseId, item_type: 'quiz', item_id: k.quiz, score: null }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'a score on a lesson',
        () => ({ course_id: k.courseId, item_type: 'lesson', item_id: k.lesson1, score: 50 }),
        400,
        'SCORE_NOT_ALLOWED',
      ],
      [
        'a course_id string',
        () => ({ course_id: String(k.courseId), item_type: 'lesson', item_id: k.lesson1 }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'an unknown field',
        () => ({ course_id: k.courseId, item_type: 'lesson', item_id: k.lesson1, user_id: 1 }),
        400,
        'VALIDATION_FAILED',
      ],
    ])('answers %s with its status', async (_label, payload, status, code) => {
      const res = await mark(s.headers, payload());
      expect(res.statusCode).toBe(status);
      expect(res.json()).toMatchObject({ statusCode: status, code });
      expect(await progressRows(s.id, k.courseId)).toBe(0);
    });

    it('refuses dropped and suspended enrollments with 403', async () => {
      const dropped = await enrolledStudent(k.courseId);
      await t.app.inject({
        method: 'PATCH',
        url: `/api/v1/enrollments/${dropped.enrollmentId}`,
        headers: dropped.headers,
        payload: { status: 'dropped' },
      });
      const suspended = await enrolledStudent(k.courseId);
      await t.app.inject({
        method: 'PATCH',
        url: `/api/v1/enrollments/${suspended.enrollmentId}`,
        headers: owner.headers,
        payload: { status: 'suspended' },
      });
      for (const who of [dropped, suspended]) {
        const res = await mark(who.headers, {
          course_id: k.courseId,
          item_type: 'lesson',
          item_id: k.lesson1,
        });
        expect(res.statusCode).toBe(403);
        expect(res.json().code).toBe('ENROLLMENT_NOT_ACTIVE');
        expect(await progressRows(who.id, k.courseId)).toBe(0);
      }
    });

    it('refuses instructors and anonymous callers', async () => {
      const payload = { course_id: k.courseId, item_type: 'lesson', item_id: k.lesson1 };
      expect((await mark(owner.headers, payload)).statusCode).toBe(403);
      expect((await mark({}, payload)).statusCode).toBe(401);
      expect((await summary({}, k.courseId)).statusCode).toBe(401);
      expect((await summary(s.headers, 0)).statusCode).toBe(400);
    });
  });

  describe('concurrency', () => {
    it('stores one row for 50 parallel identical completions', async () => {
      const k = await course();
      const s = await enrolledStudent(k.courseId);
      const payload = { course_id: k.courseId, item_type: 'lesson', item_id: k.lesson1 };
      const results = await Promise.all(Array.from({ length: 50 }, () => mark(s.headers, payload)));
      const statuses = results.map((r) => r.statusCode).sort();
      expect(statuses.filter((x) => x === 201)).toHaveLength(1);
      expect(statuses.filter((x) => x === 200)).toHaveLength(49);
      expect(new Set(results.map((r) => r.json().id)).size).toBe(1);
      expect(await progressRows(s.id, k.courseId)).toBe(1);
    });

    it('never fails when completions and un-completions of one item race', async () => {
      const k = await course();
      const s = await enrolledStudent(k.courseId);
      const payload = { course_id: k.courseId, item_type: 'lesson', item_id: k.lesson1 };
      const statuses: number[] = [];
      for (let round = 0; round < 30; round++) {
        const results = await Promise.all([
          mark(s.headers, payload),
          mark(s.headers, payload),
          unmark(s.headers, payload),
        ]);
        statuses.push(...results.map((r) => r.statusCode));
      }
      expect(statuses.filter((x) => ![200, 201, 204].includes(x))).toEqual([]);
      expect(await progressRows(s.id, k.courseId)).toBeLessThanOrEqual(1);
    });

    it('completes once and issues one certificate when the last two items are completed in parallel', async () => {
      const k = await course();
      const s = await enrolledStudent(k.courseId);
      await mark(s.headers, { course_id: k.courseId, item_type: 'lesson', item_id: k.lesson1 });
      await mark(s.headers, { course_id: k.courseId, item_type: 'lesson', item_id: k.lesson2 });
      const last = await Promise.all([
        mark(s.headers, { course_id: k.courseId, item_type: 'quiz', item_id: k.quiz }),
        mark(s.headers, { course_id: k.courseId, item_type: 'summary', item_id: k.summary }),
      ]);
      expect(last.map((r) => r.statusCode)).toEqual([201, 201]);
      const certificates = await sql<{ n: number }>(
        'select count(*)::int as n from certificates where enrollment_id = ?',
        [s.enrollmentId],
      );
      expect(certificates[0].n).toBe(1);
      expect((await enrollment(s.headers, s.enrollmentId)).json().status).toBe('completed');
    });
  });

  describe('POST /certificates (manual issue)', () => {
    it('refuses below 100% with the current percentage, then issues idempotently at 100%', async () => {
      const noAuto = await createTestApp({ AUTO_ISSUE_CERTIFICATES: 'false' });
      try {
        const k = await course();
        const s = await enrolledStudent(k.courseId);
        const request = () =>
          noAuto.app.inject({
            method: 'POST',
            url: '/api/v1/certificates',
            headers: s.headers,
            payload: { course_id: k.courseId },
          });
        const markHere = (item_type: string, item_id: string) =>
          noAuto.app.inject({
            method: 'POST',
            url: '/api/v1/progress',
            headers: s.headers,
            payload: { course_id: k.courseId, item_type, item_id },
          });

        await markHere('lesson', k.lesson1);
        const early = await request();
        expect(early.statusCode).toBe(409);
        expect(early.json()).toMatchObject({ code: 'COMPLETION_REQUIRED' });
        expect(early.json().message).toContain('25');

        await markHere('lesson', k.lesson2);
        await markHere('quiz', k.quiz);
        await markHere('summary', k.summary);
        expect((await enrollment(s.headers, s.enrollmentId)).json().status).toBe('completed');
        expect((await summary(s.headers, k.courseId)).json().has_certificate).toBe(false);

        const first = await request();
        const again = await request();
        expect([first.statusCode, again.statusCode]).toEqual([201, 200]);
        expect(again.json().certificate_number).toBe(first.json().certificate_number);
      } finally {
        await noAuto.close();
      }
    });
  });

  describe('GET /courses/:courseId/progress (report)', () => {
    it('lists every enrolled student with figures, sorted and paginated, for owner and admin only', async () => {
      const k = await course();
      const a = await enrolledStudent(k.courseId);
      const b = await enrolledStudent(k.courseId);
      const c = await enrolledStudent(k.courseId);
      for (const [who, items] of [
        [a, [['lesson', k.lesson1]]],
        [
          b,
          [
            ['lesson', k.lesson1],
            ['lesson', k.lesson2],
            ['quiz', k.quiz],
            ['summary', k.summary],
          ],
        ],
        [
          c,
          [
            ['lesson', k.lesson1],
            ['quiz', k.quiz],
          ],
        ],
      ] as const) {
        for (const [item_type, item_id] of items) {
          await mark(who.headers, { course_id: k.courseId, item_type, item_id });
        }
      }
      const report = await t.app.inject({
        method: 'GET',
        url: `/api/v1/courses/${k.courseId}/progress?sort=completion_percentage&order=desc&limit=2`,
        headers: owner.headers,
      });
      expect(report.statusCode).toBe(200);
      const body = report.json();
      expect(body).toMatchObject({ total: 3, skip: 0, limit: 2 });
      expect(body.items).toEqual([
        expect.objectContaining({
          student_id: b.id,
          enrollment_id: b.enrollmentId,
          status: 'completed',
          completed_items: 4,
          total_items: 4,
          completion_percentage: 100,
          has_certificate: true,
        }),
        expect.objectContaining({
          student_id: c.id,
          status: 'active',
          completed_items: 2,
          completion_percentage: 50,
          has_certificate: false,
        }),
      ]);
      expect(typeof body.items[0].last_activity_at).toBe('string');

      const asc = await t.app.inject({
        method: 'GET',
        url: `/api/v1/courses/${k.courseId}/progress?sort=student_id&order=asc&skip=2`,
        headers: admin.headers,
      });
      expect(asc.json().items.map((r: { student_id: number }) => r.student_id)).toEqual([c.id]);

      const other = newUser('instructor');
      const forbidden = await t.app.inject({
        method: 'GET',
        url: `/api/v1/courses/${k.courseId}/progress`,
        headers: other.headers,
      });
      expect(forbidden.statusCode).toBe(403);
      const bad = await t.app.inject({
        method: 'GET',
        url: `/api/v1/courses/${k.courseId}/progress?sort=name`,
        headers: owner.headers,
      });
      expect(bad.statusCode).toBe(400);
    });
  });
});
