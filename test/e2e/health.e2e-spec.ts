import { freePort, startStack } from '../../scripts/lib/embedded-stack';
import { createCourse, newUser } from '../support/factories';
import { createTestApp, TestApp } from '../support/create-test-app';

describe('HealthController (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('is live without a token', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/health/live' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('is ready with PostgreSQL, MongoDB and Redis up', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/health/ready' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      status: 'ok',
      info: { postgres: { status: 'up' }, mongodb: { status: 'up' } },
    });
  });

  it('stays ready but reports degraded when Redis is unreachable', async () => {
    const port = await freePort();
    const noRedis = await createTestApp({ REDIS_URL: `redis://127.0.0.1:${port}` });
    try {
      const res = await noRedis.app.inject({ method: 'GET', url: '/health/ready' });
      expect(res.statusCode).toBe(200);
      expect(res.json().info.redis).toMatchObject({ degraded: true });
    } finally {
      await noRedis.close();
    }
  });

  it('answers 503 with Retry-After and the error shape when PostgreSQL is down', async () => {
    const port = await freePort();
    const noPg = await createTestApp({
      DATABASE_URL: `postgres://postgres:postgres@127.0.0.1:${port}/nothing`,
      DB_TIMEOUT_MS: '500',
    });
    try {
      const res = await noPg.app.inject({ method: 'GET', url: '/health/ready' });
      expect(res.statusCode).toBe(503);
      expect(res.headers['retry-after']).toBeDefined();
      expect(res.json()).toMatchObject({ statusCode: 503, error: 'Service Unavailable' });
      const courses = await noPg.app.inject({ method: 'GET', url: '/api/v1/courses' });
      expect(courses.statusCode).toBe(503);
      expect(courses.json().code).toBe('DEPENDENCY_UNAVAILABLE');
    } finally {
      await noPg.close();
    }
  });

  it('answers 503 with Retry-After, not hanging, when MongoDB goes away under a running app', async () => {
    const mongo = await startStack({
      databaseUrl: process.env.DATABASE_URL,
      redisUrl: process.env.REDIS_URL || undefined,
      databaseName: 'course_service_outage',
    });
    const app = await createTestApp({ MONGODB_URI: mongo.mongodbUri, DB_TIMEOUT_MS: '500' });
    try {
      const owner = newUser('instructor');
      const course = await createCourse(app.app, owner, { publish: true });
      const url = `/api/v1/courses/${course.id}/content/modules`;
      const added = await app.app.inject({
        method: 'POST',
        url,
        headers: owner.headers,
        payload: { title: 'x' },
      });
      expect(added.statusCode).toBe(201);
      await mongo.stop();

      const write = await app.app.inject({
        method: 'POST',
        url,
        headers: owner.headers,
        payload: { title: 'y' },
      });
      expect(write.statusCode).toBe(503);
      expect(write.headers['retry-after']).toBeDefined();
      expect(write.json()).toMatchObject({ statusCode: 503, code: 'DEPENDENCY_UNAVAILABLE' });
      const ready = await app.app.inject({ method: 'GET', url: '/health/ready' });
      expect(ready.statusCode).toBe(503);
    } finally {
      await app.close();
      await mongo.stop();
    }
  });

  it('serves the OpenAPI document at /docs-json', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/docs-json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.paths['/api/v1/courses'].post.responses).toHaveProperty('201');
    expect(doc.paths['/api/v1/courses'].post.responses).toHaveProperty('413');
  });

  it('echoes a caller X-Request-Id and makes one up otherwise', async () => {
    const given = await t.app.inject({
      method: 'GET',
      url: '/health/live',
      headers: { 'x-request-id': 'abc-123' },
    });
    expect(given.headers['x-request-id']).toBe('abc-123');
    const made = await t.app.inject({ method: 'GET', url: '/health/live' });
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});
