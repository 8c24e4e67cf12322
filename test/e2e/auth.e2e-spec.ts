import { JwtService } from '@nestjs/jwt';
import {
  bearer,
  bearerSignedWith,
  createTestApp,
  expiredBearer,
  TestApp,
} from '../support/create-test-app';
import { newUser } from '../support/factories';

describe('JwtAuthGuard (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const post = (headers: Record<string, string>) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/courses',
      headers,
      payload: { title: 'Auth test' },
    });

  it('answers 401 without a token', async () => {
    const res = await post({});
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({
      statusCode: 401,
      error: 'Unauthorized',
      code: 'UNAUTHENTICATED',
    });
  });

  it.each([
    ['a malformed header', { authorization: 'Token abc' }],
    ['garbage', { authorization: 'Bearer not.a.jwt' }],
    [
      'a token signed with another secret',
      bearerSignedWith('another-secret-0123456789', 5, 'instructor'),
    ],
    ['an expired token', expiredBearer(5, 'instructor')],
  ])('answers 401 for %s', async (_label, headers) => {
    const res = await post(headers);
    expect(res.statusCode).toBe(401);
    expect(typeof res.json().message).toBe('string');
  });

  it('answers 401 for a token whose sub is not an integer or whose role is unknown', async () => {
    const jwt = new JwtService({ secret: process.env.JWT_SECRET });
    for (const claims of [
      { sub: 'abc', role: 'instructor' },
      { sub: 1.5, role: 'instructor' },
      { sub: 9, role: 'superuser' },
    ]) {
      const res = await post({ authorization: `Bearer ${jwt.sign(claims)}` });
      expect(res.statusCode).toBe(401);
    }
  });

  it('answers 403 for a student on an instructor route', async () => {
    const res = await post(newUser('student').headers);
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({
      statusCode: 403,
      error: 'Forbidden',
      code: 'ROLE_NOT_ALLOWED',
    });
  });

  it('accepts sub as a numeric string', async () => {
    const res = await post(bearer(424242, 'instructor', { subAsString: true }));
    expect(res.statusCode).toBe(201);
    expect(res.json().instructor_id).toBe(424242);
  });

  it('lets anonymous callers read public routes', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/courses' });
    expect(res.statusCode).toBe(200);
  });
});
