import { setTimeout as sleep } from 'node:timers/promises';
import { ContentClient } from '../support/content-client';
import { createTestApp, TestApp } from '../support/create-test-app';
import { createCourse, enrollStudent, newUser } from '../support/factories';

const ROUNDS = 50;

/**
 * Completion is one transition: whatever races it, an enrollment that is not completed never
 * holds a valid certificate, and a completed one holds exactly one.
 */
describe('Completion racing a status change (e2e)', () => {
  let t: TestApp;
  const owner = newUser('instructor');
  let courseId: number;
  let lessonId: string;

  beforeAll(async () => {
    t = await createTestApp();
    courseId = (await createCourse(t.app, owner, { publish: true })).id;
    const content = new ContentClient(t.app, courseId);
    lessonId = await content.item(owner.headers, await content.module(owner.headers), 'lessons');
  });
  afterAll(() => t.close());

  const enrolledStudent = () => enrollStudent(t.app, courseId);
  const markLesson = (app: TestApp, headers: Record<string, string>) =>
    app.app.inject({
      method: 'POST',
      url: '/api/v1/progress',
      headers,
      payload: { course_id: courseId, item_type: 'lesson', item_id: lessonId },
    });
  const requestCertificate = (app: TestApp, headers: Record<string, string>) =>
    app.app.inject({
      method: 'POST',
      url: '/api/v1/certificates',
      headers,
      payload: { course_id: courseId },
    });

  const suspend = (enrollmentId: number) =>
    t.app.inject({
      method: 'PATCH',
      url: `/api/v1/enrollments/${enrollmentId}`,
      headers: owner.headers,
      payload: { status: 'suspended' },
    });

  /** The enrollment's status and its certificates; checks the invariant and returns the status. */
  async function expectInvariant(app: TestApp, enrollmentId: number): Promise<string> {
    const [{ status }] = await app.sql<{ status: string }>(
      'select status from enrollments where id = ?',
      [enrollmentId],
    );
    const [{ valid }] = await app.sql<{ valid: number }>(
      'select count(*)::int as valid from certificates where enrollment_id = ? and not is_revoked',
      [enrollmentId],
    );
    expect({ status, valid }).toEqual(
      status === 'completed' ? { status, valid: 1 } : { status, valid: 0 },
    );
    return status;
  }

  it(`never leaves a certificate on a suspended enrollment when the last completion races a suspension (${ROUNDS} rounds)`, async () => {
    const outcomes = new Set<string>();
    for (let round = 0; round < ROUNDS; round++) {
      const student = await enrolledStudent();
      const marking = markLesson(t, student.headers);
      await sleep(round % 4);
      const [marked, suspended] = await Promise.all([marking, suspend(student.enrollmentId)]);
      expect([200, 201, 403]).toContain(marked.statusCode);
      expect([200, 409]).toContain(suspended.statusCode);
      outcomes.add(await expectInvariant(t, student.enrollmentId));
    }
    expect([...outcomes].every((s) => s === 'completed' || s === 'suspended')).toBe(true);
  });

  it(`never issues from POST /certificates on an enrollment suspended meanwhile (${ROUNDS} rounds)`, async () => {
    const manual = await createTestApp({ AUTO_ISSUE_CERTIFICATES: 'false' });
    try {
      for (let round = 0; round < ROUNDS; round++) {
        const student = await enrolledStudent();
        // At 100% but still active, as after the owner removed the only item left to do.
        await t.sql(
          `insert into progress (user_id, course_id, item_type, item_id) values (?, ?, 'lesson', ?)`,
          [student.id, courseId, lessonId],
        );
        const requesting = requestCertificate(manual, student.headers);
        await sleep(round % 4);
        const [requested] = await Promise.all([requesting, suspend(student.enrollmentId)]);
        expect([201, 403]).toContain(requested.statusCode);
        const status = await expectInvariant(manual, student.enrollmentId);
        expect(requested.statusCode).toBe(status === 'completed' ? 201 : 403);
      }
    } finally {
      await manual.close();
    }
  });

  it('completes without a certificate when automatic issuing is off, and issues on request', async () => {
    const manual = await createTestApp({ AUTO_ISSUE_CERTIFICATES: 'false' });
    try {
      const student = await enrolledStudent();
      const marked = await markLesson(manual, student.headers);
      expect(marked.statusCode).toBe(201);
      const [{ status }] = await t.sql<{ status: string }>(
        'select status from enrollments where id = ?',
        [student.enrollmentId],
      );
      expect(status).toBe('completed');
      const requested = await requestCertificate(manual, student.headers);
      expect(requested.statusCode).toBe(201);
      await expectInvariant(manual, student.enrollmentId);
    } finally {
      await manual.close();
    }
  });
});
