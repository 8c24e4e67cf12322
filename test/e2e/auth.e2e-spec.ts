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
      const res = await post({ authorization: `Bearer ${jwt.sign(claims, { expiresIn: '1h' })}` });
      expect(res.statusCode).toBe(401);
    }
  });

  it('answers 401 for a token without "exp", which would be valid forever', async () => {
    const jwt = new JwtService({ secret: process.env.JWT_SECRET });
    const res = await post({ authorization: `Bearer ${jwt.sign({ sub: 5, role: 'instructor' })}` });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({
      code: 'UNAUTHENTICATED',
      message: expect.stringMatching(/exp/),
    });
  });

  it('checks "iss" and "aud" when JWT_ISSUER and JWT_AUDIENCE are set', async () => {
    const strict = await createTestApp({
      JWT_ISSUER: 'https://auth.example',
      JWT_AUDIENCE: 'courses',
    });
    try {
      const jwt = new JwtService({ secret: process.env.JWT_SECRET });
      const withClaims = (extra: object) => ({
        authorization: `Bearer ${jwt.sign({ sub: 5, role: 'instructor', ...extra }, { expiresIn: '1h' })}`,
      });
      const create = (headers: Record<string, string>) =>
        strict.app.inject({
          method: 'POST',
          url: '/api/v1/courses',
          headers,
          payload: { title: 'Issuer test' },
        });
      const good = { iss: 'https://auth.example', aud: 'courses' };
      expect((await create(withClaims(good))).statusCode).toBe(201);
      for (const bad of [
        {},
        { aud: 'courses' },
        { ...good, iss: 'https://evil.example' },
        { iss: 'https://auth.example' },
        { ...good, aud: 'billing' },
      ]) {
        const res = await create(withClaims(bad));
        expect({ bad, status: res.statusCode }).toEqual({ bad, status: 401 });
        expect(res.json().code).toBe('UNAUTHENTICATED');
      }
      // Without the settings, neither claim is required.
      expect((await post(withClaims({ iss: 'anyone' }))).statusCode).toBe(201);
    } finally {
      await strict.close();
    }
  });

  it('lets health probes ignore the Authorization header, however bad', async () => {
    for (const authorization of [
      'Token abc',
      'Bearer not.a.jwt',
      expiredBearer(5, 'admin').authorization,
    ]) {
      for (const url of ['/health/live', '/health/ready']) {
        const res = await t.app.inject({ method: 'GET', url, headers: { authorization } });
        expect({ url, authorization, status: res.statusCode }).toEqual({
          url,
          authorization,
          status: 200,
        });
      }
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
