import { ContentCacheService } from '../../src/cache/content-cache.service';
import { RedisService } from '../../src/cache/redis.service';
import { CourseContentRepository } from '../../src/course-content/course-content.repository';
import { ContentClient, enrollDirectly } from '../support/content-client';
import { createTestApp, TestApp } from '../support/create-test-app';
import { createCourse, newUser } from '../support/factories';

/**
 * The content cache across processes: two instances of the app on the same databases, as two
 * replicas behind a load balancer. MongoDB reads are counted where they happen, at the repository.
 */
describe('content cache (e2e)', () => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    [a, b] = await Promise.all([createTestApp(), createTestApp()]);
  });
  afterAll(() => Promise.all([a.close(), b.close()]));
  afterEach(() => jest.restoreAllMocks());

  const owner = newUser('instructor');
  const student = newUser('student');

  async function course(): Promise<{ onA: ContentClient; onB: ContentClient; moduleId: string }> {
    const { id } = await createCourse(a.app, owner, { publish: true });
    const onA = new ContentClient(a.app, id);
    const moduleId = await onA.module(owner.headers, { title: 'v0' });
    return { onA, onB: new ContentClient(b.app, id), moduleId };
  }

  const mongoReads = (t: TestApp) =>
    jest.spyOn(t.app.get(CourseContentRepository), 'findByCourseId');

  it('answers 500 concurrent cold readers on one instance with one MongoDB read', async () => {
    const { onA } = await course();
    const reads = mongoReads(a);
    const answers = await Promise.all(Array.from({ length: 500 }, () => onA.get()));
    expect(answers.every((r) => r.statusCode === 200 && r.json().modules[0].title === 'v0')).toBe(
      true,
    );
    expect(reads).toHaveBeenCalledTimes(1);
  });

  it('coalesces a cold stampede across instances into one MongoDB read (fill lease)', async () => {
    const { onA, onB, moduleId } = await course();
    await onA.patch(`/modules/${moduleId}`, owner.headers, { title: 'v1' });
    const [readsA, readsB] = [mongoReads(a), mongoReads(b)];
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) => (i % 2 ? onA.get() : onB.get())),
    );
    expect(new Set(answers.map((r) => r.json().modules[0].title))).toEqual(new Set(['v1']));
    expect(readsA.mock.calls.length + readsB.mock.calls.length).toBe(1);
  });

  it('never serves a stale view on one instance after a write acknowledged by the other', async () => {
    const { onA, onB, moduleId } = await course();
    await enrollDirectly(a, student.id, onA.courseId);
    for (let i = 1; i <= 5; i++) {
      // Warm every view on B, then write on A: B's next read of each view shows the write.
      for (const headers of [{}, student.headers, owner.headers]) await onB.get(headers);
      const write = await onA.patch(`/modules/${moduleId}`, owner.headers, { title: `v${i}` });
      expect(write.statusCode).toBe(200);
      for (const headers of [{}, student.headers, owner.headers]) {
        const read = await onB.get(headers);
        expect(read.json().modules[0].title).toBe(`v${i}`);
        expect(read.headers.etag).toBe(write.headers.etag);
      }
    }
  });

  it('reads MongoDB, not its memory, on an instance that lost Redis', async () => {
    const { onA, moduleId } = await course();
    const isolated = await createTestApp();
    try {
      const onIsolated = new ContentClient(isolated.app, onA.courseId);
      expect((await onIsolated.get()).json().modules[0].title).toBe('v0');
      expect((await onIsolated.get()).headers['x-cache']).toBe('HIT');
      isolated.app.get(RedisService).client!.disconnect();
      await onA.patch(`/modules/${moduleId}`, owner.headers, { title: 'while cut off' });
      const read = await onIsolated.get();
      expect(read.statusCode).toBe(200);
      expect(read.headers['x-cache']).toBe('MISS');
      expect(read.json().modules[0].title).toBe('while cut off');
    } finally {
      await isolated.close();
    }
  });

  it('starts a lost generation at a random number, so no view made before can match it', async () => {
    const { onA, onB, moduleId } = await course();
    await onB.get();
    const redis = a.app.get(RedisService).client!;
    const key = ContentCacheService.generationKey(onA.courseId);
    const before = await redis.get(key);
    // Redis lost its data (restart without persistence): the next write starts a new count.
    await redis.del(key, ContentCacheService.key(onA.courseId));
    await onA.patch(`/modules/${moduleId}`, owner.headers, { title: 'after the loss' });
    const after = await redis.get(key);
    expect(after).toMatch(/^\d{12,}$/);
    expect(after).not.toBe(before);
    expect((await onB.get()).json().modules[0].title).toBe('after the loss');
  });

  it('keeps the same answers through the cache and through the validating handler', async () => {
    const { onA } = await course();
    const cached = await onA.get(owner.headers, '?include_inactive=true');
    expect(cached.statusCode).toBe(200);
    expect(cached.json().modules[0].title).toBe('v0');
    for (const query of ['?include_inactive=yes', '?unknown=1', '?include_inactive=true&x=1']) {
      const rejected = await onA.get(owner.headers, query);
      expect(rejected.statusCode).toBe(400);
      expect(rejected.json().code).toBe('VALIDATION_FAILED');
    }
    const badId = await a.app.inject({ method: 'GET', url: '/api/v1/courses/0/content' });
    expect(badId.json()).toMatchObject({ statusCode: 400, code: 'INVALID_ID' });
  });
});
