import { CertificatesService } from '../../src/certificates/certificates.service';
import { createTestApp, TestApp } from '../support/create-test-app';
import { createCourse, CourseFixture, newUser } from '../support/factories';

type User = ReturnType<typeof newUser>;

describe('CertificatesController (e2e)', () => {
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
  const inject = (
    method: 'GET' | 'POST',
    url: string,
    headers: Record<string, string> = {},
    payload?: unknown,
  ) => t.app.inject({ method, url: `/api/v1${url}`, headers, payload: payload as object });
  const certRow = async (id: number) =>
    (await sql('select * from certificates where id = ?', [id]))[0];
  const certCount = async (studentId: number) =>
    (await sql('select count(*)::int as n from certificates where student_id = ?', [studentId]))[0]
      .n as number;

  async function enrolledStudent(courseId = course.id, user: User = newUser('student')) {
    const res = await inject('POST', '/enrollments', user.headers, { course_id: courseId });
    expect(res.statusCode).toBe(201);
    return { user, enrollmentId: res.json().id as number, courseId };
  }

  /** What the progress code does on reaching 100%: complete the enrollment, issue the certificate. */
  async function certified(courseId = course.id, user?: User) {
    const e = await enrolledStudent(courseId, user);
    await sql(`update enrollments set status = 'completed', completed_at = now() where id = ?`, [
      e.enrollmentId,
    ]);
    const issued = await t.app
      .get(CertificatesService)
      .issueForEnrollment({ id: e.enrollmentId, studentId: e.user.id, courseId });
    if (!issued) throw new Error('certified: no certificate for a completed enrollment');
    return { ...e, certificate: issued.certificate };
  }

  it('documents every status of every certificate operation in OpenAPI', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/docs-json' })).json();
    const statuses = (path: string, method: string) =>
      Object.keys(doc.paths[`/api/v1${path}`][method].responses).sort();
    expect(statuses('/certificates', 'post')).toEqual(
      ['200', '201', '400', '401', '403', '404', '409', '413', '415', '503'].sort(),
    );
    expect(statuses('/certificates/me', 'get')).toEqual(['200', '400', '401', '403', '503']);
    expect(statuses('/certificates/{id}', 'get')).toEqual(['200', '400', '401', '404', '503']);
    expect(statuses('/certificates/verify/{certificateNumber}', 'get')).toEqual([
      '200',
      '400',
      '401',
      '404',
      '503',
    ]);
    expect(statuses('/certificates/{id}/revoke', 'post')).toEqual(
      ['200', '400', '401', '403', '404', '409', '413', '415', '503'].sort(),
    );
  });

  describe('CertificatesService.issueForEnrollment', () => {
    it('issues exactly once under 10 concurrent calls, with an unguessable number', async () => {
      const e = await enrolledStudent();
      await sql(`update enrollments set status = 'completed' where id = ?`, [e.enrollmentId]);
      const service = t.app.get(CertificatesService);
      const results = await Promise.all(
        Array.from({ length: 10 }, () =>
          service.issueForEnrollment({
            id: e.enrollmentId,
            studentId: e.user.id,
            courseId: course.id,
          }),
        ),
      );
      expect(results.filter((r) => r?.created)).toHaveLength(1);
      expect(new Set(results.map((r) => r?.certificate.id)).size).toBe(1);
      expect(results[0]?.certificate.certificateNumber).toMatch(/^CERT-[A-Z2-7]{26}$/);
      expect(await certCount(e.user.id)).toBe(1);
    });

    it('issues nothing for an enrollment that is not completed', async () => {
      const service = t.app.get(CertificatesService);
      for (const status of ['active', 'suspended', 'dropped']) {
        const e = await enrolledStudent();
        await sql(`update enrollments set status = ? where id = ?`, [status, e.enrollmentId]);
        const issued = await service.issueForEnrollment({
          id: e.enrollmentId,
          studentId: e.user.id,
          courseId: course.id,
        });
        expect(issued).toBeNull();
        expect(await certCount(e.user.id)).toBe(0);
      }
    });

    it('draws a different number for every certificate', async () => {
      const numbers = new Set<string>();
      for (let i = 0; i < 5; i++) numbers.add((await certified()).certificate.certificateNumber);
      expect(numbers.size).toBe(5);
    });
  });

  describe('POST /certificates', () => {
    it('answers 403 ENROLLMENT_REQUIRED for a student who is not enrolled, storing nothing', async () => {
      const student = newUser('student');
      const res = await inject('POST', '/certificates', student.headers, { course_id: course.id });
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({ statusCode: 403, code: 'ENROLLMENT_REQUIRED' });
      expect(await certCount(student.id)).toBe(0);
    });

    it.each(['dropped', 'suspended'])(
      'answers 403 ENROLLMENT_REQUIRED for a %s enrollment',
      async (status) => {
        const e = await enrolledStudent();
        await sql('update enrollments set status = ? where id = ?', [status, e.enrollmentId]);
        const res = await inject('POST', '/certificates', e.user.headers, { course_id: course.id });
        expect(res.statusCode).toBe(403);
        expect(res.json().code).toBe('ENROLLMENT_REQUIRED');
        expect(await certCount(e.user.id)).toBe(0);
      },
    );

    it('answers 404 for an unknown or draft course', async () => {
      const student = newUser('student');
      const draft = await createCourse(t.app, owner);
      for (const courseId of [2147483000, draft.id]) {
        const res = await inject('POST', '/certificates', student.headers, { course_id: courseId });
        expect(res.statusCode).toBe(404);
        expect(res.json().code).toBe('COURSE_NOT_FOUND');
      }
    });

    it('returns the existing certificate with 200, unchanged, on a repeated request', async () => {
      const { user, certificate } = await certified();
      const before = await certRow(certificate.id);
      const res = await inject('POST', '/certificates', user.headers, { course_id: course.id });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({
        id: certificate.id,
        certificate_number: certificate.certificateNumber,
        is_revoked: false,
      });
      expect(await certRow(certificate.id)).toEqual(before);
      expect(await certCount(user.id)).toBe(1);
    });

    it.each([
      ['an unknown field', { course_id: 1, student_id: 2 }],
      ['a missing course_id', {}],
      ['a course_id as a string', { course_id: '1' }],
      ['a course_id of 0', { course_id: 0 }],
      ['a non-object body', [1]],
    ])('answers 400 for %s', async (_label, payload) => {
      const student = newUser('student');
      const res = await inject('POST', '/certificates', student.headers, payload);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    });

    it('is for students only', async () => {
      for (const user of [owner, admin]) {
        const res = await inject('POST', '/certificates', user.headers, { course_id: course.id });
        expect(res.statusCode).toBe(403);
      }
      expect((await inject('POST', '/certificates', {}, { course_id: course.id })).statusCode).toBe(
        401,
      );
    });
  });

  describe('GET /certificates/me', () => {
    it("lists only the caller's certificates, newest first, paginated", async () => {
      const student = newUser('student');
      const a = await certified(course.id, student);
      const other = await createCourse(t.app, owner, { publish: true });
      const b = await certified(other.id, student);
      await certified();

      const all = (await inject('GET', '/certificates/me', student.headers)).json();
      expect(all).toMatchObject({ total: 2, skip: 0, limit: 20 });
      expect(all.items.map((c: { id: number }) => c.id)).toEqual([
        b.certificate.id,
        a.certificate.id,
      ]);
      expect(all.items[0]).toEqual({
        id: b.certificate.id,
        enrollment_id: b.enrollmentId,
        student_id: student.id,
        course_id: other.id,
        certificate_number: b.certificate.certificateNumber,
        issued_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
        is_revoked: false,
        revoked_at: null,
        revocation_reason: null,
      });
      const page = (await inject('GET', '/certificates/me?skip=1&limit=1', student.headers)).json();
      expect(page).toMatchObject({
        total: 2,
        skip: 1,
        limit: 1,
        items: [{ id: a.certificate.id }],
      });
    });

    it('answers 400 for bad paging, 403 for non-students, 401 without a token', async () => {
      const student = newUser('student');
      for (const q of ['limit=0', 'limit=101', 'skip=-1', 'foo=1']) {
        expect((await inject('GET', `/certificates/me?${q}`, student.headers)).statusCode).toBe(
          400,
        );
      }
      expect((await inject('GET', '/certificates/me', owner.headers)).statusCode).toBe(403);
      expect((await inject('GET', '/certificates/me')).statusCode).toBe(401);
    });
  });

  describe('GET /certificates/:id', () => {
    it('shows the certificate to its student, the owner and admins, 404 to others', async () => {
      const { user, certificate } = await certified();
      const url = `/certificates/${certificate.id}`;
      for (const who of [user, owner, admin]) {
        const res = await inject('GET', url, who.headers);
        expect(res.statusCode).toBe(200);
        expect(res.json()).toMatchObject({ id: certificate.id, student_id: user.id });
      }
      for (const who of [newUser('student'), otherInstructor]) {
        const res = await inject('GET', url, who.headers);
        expect(res.statusCode).toBe(404);
        expect(res.json().code).toBe('CERTIFICATE_NOT_FOUND');
      }
      expect((await inject('GET', url)).statusCode).toBe(401);
    });

    it('answers 400 for a bad id and 404 for an unknown one', async () => {
      for (const bad of ['abc', '0', '1.5', '99999999999']) {
        expect((await inject('GET', `/certificates/${bad}`, admin.headers)).statusCode).toBe(400);
      }
      expect((await inject('GET', '/certificates/2147483000', admin.headers)).statusCode).toBe(404);
    });
  });

  describe('GET /certificates/verify/:certificateNumber', () => {
    it('tells anybody, without a token, that a certificate is valid, and nothing more', async () => {
      const { user, certificate } = await certified();
      const res = await inject('GET', `/certificates/verify/${certificate.certificateNumber}`);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        valid: true,
        is_revoked: false,
        certificate_number: certificate.certificateNumber,
        course_id: course.id,
        course_title: course.title,
        student_id: user.id,
        issued_at: certificate.issuedAt.toISOString(),
        revoked_at: null,
      });
    });

    it('answers 404 for an unknown number and 400 for a malformed one', async () => {
      const unknown = await inject('GET', '/certificates/verify/CERT-AAAAAAAAAAAAAAAAAAAAAAAAAA');
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json().code).toBe('CERTIFICATE_NOT_FOUND');
      for (const bad of ['CERT%20X', 'x'.repeat(65), "CERT-'or'1'='1"]) {
        const res = await inject('GET', `/certificates/verify/${encodeURIComponent(bad)}`);
        expect(res.statusCode).toBe(400);
      }
    });
  });

  describe('POST /certificates/:id/revoke', () => {
    const revoke = (id: number | string, headers: Record<string, string>, payload: unknown) =>
      inject('POST', `/certificates/${id}/revoke`, headers, payload);

    it('lets the owner revoke once; verify then reports it invalid', async () => {
      const { certificate } = await certified();
      const res = await revoke(certificate.id, owner.headers, { reason: '  Plagiarism  ' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({
        id: certificate.id,
        is_revoked: true,
        revoked_at: expect.any(String),
        revocation_reason: 'Plagiarism',
      });
      const before = await certRow(certificate.id);
      const twice = await revoke(certificate.id, admin.headers, { reason: 'Again' });
      expect(twice.statusCode).toBe(409);
      expect(twice.json().code).toBe('CERTIFICATE_ALREADY_REVOKED');
      expect(await certRow(certificate.id)).toEqual(before);

      const verified = (
        await inject('GET', `/certificates/verify/${certificate.certificateNumber}`)
      ).json();
      expect(verified).toMatchObject({
        valid: false,
        is_revoked: true,
        revoked_at: res.json().revoked_at,
      });
      expect(verified.revocation_reason).toBeUndefined();
    });

    it('lets an admin revoke', async () => {
      const { certificate } = await certified();
      const res = await revoke(certificate.id, admin.headers, { reason: 'Issued in error' });
      expect(res.statusCode).toBe(200);
      expect(res.json().is_revoked).toBe(true);
    });

    it('refuses the student (403), other instructors (404) and anonymous callers (401)', async () => {
      const { user, certificate } = await certified();
      const before = await certRow(certificate.id);
      expect((await revoke(certificate.id, user.headers, { reason: 'x' })).statusCode).toBe(403);
      const other = await revoke(certificate.id, otherInstructor.headers, { reason: 'x' });
      expect(other.statusCode).toBe(404);
      expect((await revoke(certificate.id, {}, { reason: 'x' })).statusCode).toBe(401);
      expect(await certRow(certificate.id)).toEqual(before);
    });

    it.each([
      ['a missing reason', {}],
      ['an empty reason', { reason: '   ' }],
      ['a reason over 500 chars', { reason: 'x'.repeat(501) }],
      ['a reason of the wrong type', { reason: 5 }],
      ['an unknown field', { reason: 'x', is_revoked: false }],
    ])('answers 400 for %s and changes nothing', async (_label, payload) => {
      const { certificate } = await certified();
      const before = await certRow(certificate.id);
      const res = await revoke(certificate.id, owner.headers, payload);
      expect(res.statusCode).toBe(400);
      expect(await certRow(certificate.id)).toEqual(before);
    });

    it('accepts a reason of exactly 500 chars', async () => {
      const { certificate } = await certified();
      const res = await revoke(certificate.id, owner.headers, { reason: 'y'.repeat(500) });
      expect(res.statusCode).toBe(200);
    });

    it('answers 400 for a bad id and 404 for an unknown one', async () => {
      expect((await revoke('abc', admin.headers, { reason: 'x' })).statusCode).toBe(400);
      expect((await revoke(2147483000, admin.headers, { reason: 'x' })).statusCode).toBe(404);
    });

    it('revokes exactly once under concurrent requests', async () => {
      const { certificate } = await certified();
      const results = await Promise.all(
        Array.from({ length: 5 }, () => revoke(certificate.id, owner.headers, { reason: 'x' })),
      );
      expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409, 409, 409, 409]);
    });
  });
});
