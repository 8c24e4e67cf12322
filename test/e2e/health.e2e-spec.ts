import Ajv from 'ajv';
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
    const ready = () => t.app.inject({ method: 'GET', url: '/health/ready' });
    let res = await ready();
    // Redis connects in the background after start-up; until then it is honestly down.
    for (let i = 0; i < 20 && process.env.REDIS_URL && !res.json().info?.redis; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      res = await ready();
    }
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      status: 'ok',
      info: { postgres: { status: 'up' }, mongodb: { status: 'up' } },
      error: {},
    });
    if (process.env.REDIS_URL) expect(res.json().info.redis).toEqual({ status: 'up' });
  });

  it('stays ready, reporting Redis down, when Redis is unreachable', async () => {
    const port = await freePort();
    const noRedis = await createTestApp({ REDIS_URL: `redis://127.0.0.1:${port}` });
    try {
      const res = await noRedis.app.inject({ method: 'GET', url: '/health/ready' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({
        status: 'ok',
        info: { postgres: { status: 'up' }, mongodb: { status: 'up' } },
        error: { redis: { status: 'down', cache: 'unavailable' } },
        details: { redis: { status: 'down' } },
      });
      expect(res.json().info).not.toHaveProperty('redis');
      const doc = (await noRedis.app.inject({ method: 'GET', url: '/docs-json' })).json();
      const schema = doc.paths['/health/ready'].get.responses['200'].content['application/json'];
      const validate = new Ajv({ strict: false }).compile(schema.schema);
      expect(validate(res.json()) ? null : validate.errors).toBeNull();
    } finally {
      await noRedis.close();
    }
  });

  it('reports Redis down as well when readiness fails for another dependency', async () => {
    const [pgPort, redisPort] = await Promise.all([freePort(), freePort()]);
    const app = await createTestApp({
      DATABASE_URL: `postgres://postgres:postgres@127.0.0.1:${pgPort}/nothing`,
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      DB_TIMEOUT_MS: '500',
    });
    try {
      const res = await app.app.inject({ method: 'GET', url: '/health/ready' });
      expect(res.statusCode).toBe(503);
      expect(res.json().details).toMatchObject({
        postgres: { status: 'down' },
        mongodb: { status: 'up' },
        redis: { status: 'down' },
      });
    } finally {
      await app.close();
    }
  });

  it('answers 503 with Retry-After and the error shape when PostgreSQL is down', async () => {
    const student = newUser('student');
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
      for (const url of ['/api/v1/courses', '/api/v1/progress/course/1']) {
        const read = await noPg.app.inject({ method: 'GET', url, headers: student.headers });
        expect(read.statusCode).toBe(503);
        expect(read.json().code).toBe('DEPENDENCY_UNAVAILABLE');
      }
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

  it('turns unready within 2 s of MongoDB going away, before any request notices', async () => {
    const mongo = await startStack({
      databaseUrl: process.env.DATABASE_URL,
      redisUrl: process.env.REDIS_URL || undefined,
      databaseName: 'course_service_ready',
    });
    // The default DB_TIMEOUT_MS: readiness must not wait for the driver to give up.
    const app = await createTestApp({ MONGODB_URI: mongo.mongodbUri, DB_TIMEOUT_MS: '3000' });
    const ready = () => app.app.inject({ method: 'GET', url: '/health/ready' });
    try {
      expect((await ready()).statusCode).toBe(200);
      await mongo.stop();
      const started = Date.now();
      const res = await ready();
      expect(Date.now() - started).toBeLessThan(2000);
      expect(res.statusCode).toBe(503);
      expect(res.headers['retry-after']).toBeDefined();
      expect(res.json().details).toMatchObject({
        postgres: { status: 'up' },
        mongodb: { status: 'down' },
      });
    } finally {
      await app.close();
      await mongo.stop();
    }
  });

  it('turns unready within 2 s when MongoDB stops answering', async () => {
    const mongo = await startStack({
      databaseUrl: process.env.DATABASE_URL,
      redisUrl: process.env.REDIS_URL || undefined,
      databaseName: 'course_service_hung',
    });
    const app = await createTestApp({ MONGODB_URI: mongo.mongodbUri, DB_TIMEOUT_MS: '3000' });
    const ready = () => app.app.inject({ method: 'GET', url: '/health/ready' });
    // The only process this stack started: the MongoDB-wire server. Stopped, it keeps its
    // connections open and never answers, as a hung server does.
    const [pid] = mongo.pids;
    try {
      expect((await ready()).statusCode).toBe(200);
      process.kill(pid, 'SIGSTOP');
      const started = Date.now();
      const res = await ready();
      expect(Date.now() - started).toBeLessThan(2000);
      expect(res.statusCode).toBe(503);
      expect(res.json().details.mongodb).toEqual({
        status: 'down',
        message: 'timeout of 1000 ms exceeded',
      });
    } finally {
      process.kill(pid, 'SIGCONT');
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
