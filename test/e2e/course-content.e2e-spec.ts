import { ContentCacheService } from '../../src/cache/content-cache.service';
import { CourseContentRepository } from '../../src/course-content/course-content.repository';
import { freePort } from '../../scripts/lib/embedded-stack';
import { ContentClient, enrollDirectly } from '../support/content-client';
import { createTestApp, TestApp } from '../support/create-test-app';
import { createCourse, newUser } from '../support/factories';

const OBJECT_ID = /^[0-9a-f]{24}$/;

describe('CourseContentController (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const owner = newUser('instructor');
  const other = newUser('instructor');
  const student = newUser('student');
  const outsider = newUser('student');
  const admin = newUser('admin');

  async function newCourse(publish = true): Promise<ContentClient> {
    const course = await createCourse(t.app, owner, { publish });
    return new ContentClient(t.app, course.id);
  }

  describe('instructor flow', () => {
    it('gives every new module, lesson, quiz, summary and resource an ObjectId and is_active', async () => {
      const c = await newCourse();
      const created = await c.post('/modules', owner.headers, { title: 'Intro', order: 1 });
      expect(created.statusCode).toBe(201);
      expect(created.headers.etag).toBe('"1"');
      const moduleId = created.json().modules[0].module_id;
      expect(moduleId).toMatch(OBJECT_ID);
      expect(created.headers.location).toBe(
        `/api/v1/courses/${c.courseId}/content/modules/${moduleId}`,
      );

      const lessonId = await c.item(owner.headers, moduleId, 'lessons', {
        title: 'Welcome',
        type: 'video',
        content: 'Hello',
        duration_minutes: 90,
      });
      const quizId = await c.item(owner.headers, moduleId, 'quizzes', { passing_score: 70 });
      const summaryId = await c.item(owner.headers, moduleId, 'summaries', { content: 'Recap' });
      const res = await c.post(
        `/modules/${moduleId}/lessons/${lessonId}/resources`,
        owner.headers,
        {
          name: 'Slides',
          url: 'https://example.com/slides.pdf',
          type: 'pdf',
        },
      );
      expect(res.statusCode).toBe(201);
      expect(res.headers.etag).toBe('"5"');
      const doc = res.json();
      const module = doc.modules[0];
      for (const id of [lessonId, quizId, summaryId, module.lessons[0].resources[0].resource_id]) {
        expect(id).toMatch(OBJECT_ID);
      }
      expect(module.is_active).toBe(true);
      expect(module.lessons[0]).toMatchObject({
        lesson_id: lessonId,
        is_active: true,
        content: 'Hello',
      });
      expect(module.lessons[0].resources[0]).toMatchObject({ is_active: true, type: 'pdf' });
      expect(module.quizzes[0]).toMatchObject({
        quiz_id: quizId,
        is_active: true,
        passing_score: 70,
      });
      expect(module.summaries[0]).toMatchObject({ summary_id: summaryId, is_active: true });
      expect(doc.metadata).toMatchObject({
        total_modules: 1,
        total_lessons: 1,
        total_duration_hours: 1.5,
      });
      expect(doc).not.toHaveProperty('_id');
    });

    it('keeps a given id, rejects a malformed one (400) and a duplicate one (409)', async () => {
      const c = await newCourse();
      const id = 'AAAAAAAAAAAAAAAAAAAAAAAA';
      const res = await c.post('/modules', owner.headers, { title: 'Given', module_id: id });
      expect(res.statusCode).toBe(201);
      expect(res.json().modules[0].module_id).toBe(id.toLowerCase());
      expect(
        (await c.post('/modules', owner.headers, { title: 'x', module_id: '123' })).statusCode,
      ).toBe(400);
      const dup = await c.post(`/modules/${id.toLowerCase()}/lessons`, owner.headers, {
        title: 'Clash',
        type: 'text',
        lesson_id: id.toLowerCase(),
      });
      expect(dup.statusCode).toBe(409);
      expect(dup.json().code).toBe('DUPLICATE_ID');
      expect((await c.get(owner.headers)).json().version).toBe(1);
    });

    it('soft-deletes, hides from students, keeps for the owner, and restores', async () => {
      const c = await newCourse();
      await enrollDirectly(t, student.id, c.courseId);
      const moduleId = await c.module(owner.headers);
      const lessonId = await c.item(owner.headers, moduleId, 'lessons');
      const keptId = await c.item(owner.headers, moduleId, 'lessons', { title: 'Kept' });

      const deleted = await c.delete(`/modules/${moduleId}/lessons/${lessonId}`, owner.headers);
      expect(deleted.statusCode).toBe(200);
      const lessonsFor = async (headers: Record<string, string>, query = '') =>
        (await c.get(headers, query)).json().modules[0].lessons as {
          lesson_id: string;
          is_active: boolean;
        }[];
      expect((await lessonsFor(student.headers)).map((l) => l.lesson_id)).toEqual([keptId]);
      expect((await lessonsFor(owner.headers)).map((l) => l.lesson_id)).toEqual([keptId]);
      const all = await lessonsFor(owner.headers, '?include_inactive=true');
      expect(all.find((l) => l.lesson_id === lessonId)).toMatchObject({ is_active: false });
      expect((await c.get(owner.headers)).json().metadata.total_lessons).toBe(1);

      const restored = await c.patch(`/modules/${moduleId}/lessons/${lessonId}`, owner.headers, {
        is_active: true,
      });
      expect(restored.statusCode).toBe(200);
      expect((await lessonsFor(student.headers)).map((l) => l.lesson_id).sort()).toEqual(
        [lessonId, keptId].sort(),
      );
    });

    it('PUT replaces the tree and keeps omitted items as inactive', async () => {
      const c = await newCourse();
      const moduleA = await c.module(owner.headers, { title: 'A' });
      const moduleB = await c.module(owner.headers, { title: 'B' });
      const lesson1 = await c.item(owner.headers, moduleA, 'lessons', { title: 'L1' });
      await c.item(owner.headers, moduleA, 'lessons', { title: 'L2' });

      const res = await c.put(owner.headers, {
        modules: [
          {
            module_id: moduleA,
            title: 'A renamed',
            lessons: [{ lesson_id: lesson1, title: 'L1', type: 'text' }],
          },
          { title: 'C (new)', lessons: [{ title: 'New lesson', type: 'video' }] },
        ],
        metadata: { tags: ['python'] },
      });
      expect(res.statusCode).toBe(200);
      const doc = res.json();
      const a = doc.modules.find((m: { module_id: string }) => m.module_id === moduleA);
      const b = doc.modules.find((m: { module_id: string }) => m.module_id === moduleB);
      expect(a.title).toBe('A renamed');
      expect(
        a.lessons.map((l: { title: string; is_active: boolean }) => [l.title, l.is_active]),
      ).toEqual([
        ['L1', true],
        ['L2', false],
      ]);
      expect(b.is_active).toBe(false);
      expect(doc.modules).toHaveLength(3);
      // The response shows every item, so its totals do; a student's view counts active ones.
      expect(doc.metadata).toMatchObject({ total_modules: 3, total_lessons: 3, tags: ['python'] });
      expect((await c.get()).json().metadata).toMatchObject({
        total_modules: 2,
        total_lessons: 2,
        tags: ['python'],
      });
    });

    it('names every created kind in Location, and sends none for an edit, a delete or a PUT', async () => {
      const c = await newCourse();
      const base = `/api/v1/courses/${c.courseId}/content`;
      const moduleId = await c.module(owner.headers);
      const ids: Record<string, string> = {};
      for (const [kind, idField] of [
        ['lessons', 'lesson_id'],
        ['quizzes', 'quiz_id'],
        ['summaries', 'summary_id'],
      ]) {
        const path = `/modules/${moduleId}/${kind}`;
        const body = kind === 'lessons' ? { title: 'x', type: 'text' } : { title: 'x' };
        const res = await c.post(path, owner.headers, body);
        expect(res.statusCode).toBe(201);
        ids[kind] = res.json().modules[0][kind][0][idField];
        expect(res.headers.location).toBe(`${base}${path}/${ids[kind]}`);
      }
      const resourcePath = `/modules/${moduleId}/lessons/${ids.lessons}/resources`;
      const resource = await c.post(resourcePath, owner.headers, {
        name: 'r',
        url: 'https://x.io',
        type: 'link',
      });
      const resourceId = resource.json().modules[0].lessons[0].resources[0].resource_id;
      expect(resource.headers.location).toBe(`${base}${resourcePath}/${resourceId}`);

      const paths = [
        `${resourcePath}/${resourceId}`,
        `/modules/${moduleId}/lessons/${ids.lessons}`,
        `/modules/${moduleId}/quizzes/${ids.quizzes}`,
        `/modules/${moduleId}/summaries/${ids.summaries}`,
        `/modules/${moduleId}`,
      ];
      let version = 5;
      for (const path of paths) {
        const patched = await c.patch(path, owner.headers, { is_active: true });
        const deleted = await c.delete(path, { ...owner.headers, 'if-match': `"${version + 1}"` });
        version += 2;
        for (const res of [patched, deleted]) {
          expect([res.statusCode, res.headers.location]).toEqual([200, undefined]);
        }
        expect(deleted.headers.etag).toBe(`"${version}"`);
      }
      const put = await c.put(owner.headers, { modules: [] });
      expect([put.statusCode, put.headers.location, put.headers.etag]).toEqual([
        200,
        undefined,
        `"${version + 1}"`,
      ]);
      const module = (await c.get(owner.headers, '?include_inactive=true')).json().modules[0];
      const flags = [
        module.is_active,
        module.lessons[0].is_active,
        module.lessons[0].resources[0].is_active,
        module.quizzes[0].is_active,
        module.summaries[0].is_active,
      ];
      expect(flags).toEqual([false, false, false, false, false]);
    });
  });

  describe('limits count active items', () => {
    const lessons = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ title: `L${i}`, type: 'text' }));
    const expectLimit = (res: { statusCode: number; json(): { code: string } }) => {
      expect(res.statusCode).toBe(409);
      expect(res.json().code).toBe('CONTENT_LIMIT_REACHED');
    };

    it('takes a lesson into a full module after one was deleted, and a PUT of the whole tree back', async () => {
      const c = await newCourse();
      const put = await c.put(owner.headers, {
        modules: [{ title: 'Full', lessons: lessons(300) }],
      });
      expect(put.statusCode).toBe(200);
      const moduleId = put.json().modules[0].module_id;
      const deleted = put.json().modules[0].lessons[0].lesson_id;
      const path = `/modules/${moduleId}/lessons`;

      expect((await c.delete(`${path}/${deleted}`, owner.headers)).statusCode).toBe(200);
      expect((await c.post(path, owner.headers, { title: 'Fits', type: 'text' })).statusCode).toBe(
        201,
      );
      expectLimit(await c.post(path, owner.headers, { title: 'One too many', type: 'text' }));
      expectLimit(await c.patch(`${path}/${deleted}`, owner.headers, { is_active: true }));

      // What the owner reads, 301 lessons with one deleted and the metadata, goes back as is.
      const all = (await c.get(owner.headers, '?include_inactive=true')).json();
      const back = await c.put(owner.headers, { modules: all.modules, metadata: all.metadata });
      expect(back.statusCode).toBe(200);
      expect(back.json().modules).toEqual(all.modules);
      expect((await c.get()).json().metadata.total_lessons).toBe(300);
    });

    it('takes a module after one of 200 was deleted', async () => {
      const c = await newCourse();
      const modules = Array.from({ length: 200 }, (_, i) => ({ title: `M${i}` }));
      const put = await c.put(owner.headers, { modules });
      expect(put.statusCode).toBe(200);
      expectLimit(await c.post('/modules', owner.headers, { title: 'One too many' }));
      const deleted = put.json().modules[0].module_id;
      expect((await c.delete(`/modules/${deleted}`, owner.headers)).statusCode).toBe(200);
      expect((await c.post('/modules', owner.headers, { title: 'Fits' })).statusCode).toBe(201);
      expectLimit(await c.patch(`/modules/${deleted}`, owner.headers, { is_active: true }));
    });

    it('takes a resource into a full lesson after one was deleted', async () => {
      const c = await newCourse();
      const resource = { name: 'R', url: 'https://example.com/r', type: 'link' };
      const put = await c.put(owner.headers, {
        modules: [
          {
            title: 'M',
            lessons: [{ title: 'L', type: 'text', resources: Array(50).fill(resource) }],
          },
        ],
      });
      expect(put.statusCode).toBe(200);
      const [module] = put.json().modules;
      const path = `/modules/${module.module_id}/lessons/${module.lessons[0].lesson_id}/resources`;
      expectLimit(await c.post(path, owner.headers, resource));
      const deleted = module.lessons[0].resources[0].resource_id;
      expect((await c.delete(`${path}/${deleted}`, owner.headers)).statusCode).toBe(200);
      expect((await c.post(path, owner.headers, resource)).statusCode).toBe(201);
      expectLimit(await c.patch(`${path}/${deleted}`, owner.headers, { is_active: true }));
    });
  });

  describe('metadata counts what each view shows', () => {
    it('gives every caller totals of the modules and items in their response', async () => {
      const c = await newCourse();
      await enrollDirectly(t, student.id, c.courseId);
      const published = await c.module(owner.headers, { title: 'Published', order: 0 });
      const hidden = await c.module(owner.headers, { title: 'Unpublished', is_published: false });
      await c.item(owner.headers, published, 'lessons', { duration_minutes: 30 });
      await c.item(owner.headers, published, 'lessons', { duration_minutes: 15, is_preview: true });
      const gone = await c.item(owner.headers, published, 'lessons', { duration_minutes: 600 });
      await c.delete(`/modules/${published}/lessons/${gone}`, owner.headers);
      await c.item(owner.headers, published, 'quizzes');
      await c.item(owner.headers, published, 'summaries');
      const goneSummary = await c.item(owner.headers, published, 'summaries');
      await c.item(owner.headers, hidden, 'lessons', { duration_minutes: 45 });
      await c.item(owner.headers, hidden, 'quizzes');
      const write = await c.delete(`/modules/${published}/summaries/${goneSummary}`, owner.headers);

      const shown = {
        total_modules: 1,
        total_lessons: 2,
        total_quizzes: 1,
        total_summaries: 1,
        total_duration_hours: 0.75,
        tags: [],
      };
      for (const headers of [{}, outsider.headers, student.headers, owner.headers]) {
        expect((await c.get(headers)).json().metadata).toEqual(shown);
      }
      const everything = (await c.get(owner.headers, '?include_inactive=true')).json();
      expect(everything.metadata).toEqual({
        total_modules: 2,
        total_lessons: 4,
        total_quizzes: 2,
        total_summaries: 2,
        total_duration_hours: 11.5,
        tags: [],
      });
      expect(write.json()).toEqual(everything);
    });
  });

  describe('role-aware reads', () => {
    let c: ContentClient;
    beforeAll(async () => {
      c = await newCourse();
      await enrollDirectly(t, student.id, c.courseId);
      const published = await c.module(owner.headers, { title: 'Published', order: 0 });
      await c.module(owner.headers, { title: 'Unpublished', order: 1, is_published: false });
      const lesson = await c.item(owner.headers, published, 'lessons', { content: 'secret body' });
      await c.item(owner.headers, published, 'lessons', {
        content: 'preview body',
        is_preview: true,
      });
      await c.item(owner.headers, published, 'summaries', { content: 'summary body' });
      await c.post(`/modules/${published}/lessons/${lesson}/resources`, owner.headers, {
        name: 'Notes',
        url: 'http://example.com/notes',
        type: 'link',
      });
    });

    it('shows anonymous callers and non-enrolled students the syllabus without bodies', async () => {
      for (const headers of [{}, outsider.headers, other.headers]) {
        const res = await c.get(headers);
        expect(res.statusCode).toBe(200);
        const [module] = res.json().modules;
        expect(res.json().modules).toHaveLength(1);
        expect(module.lessons[0]).toMatchObject({ content: null, resources: [] });
        expect(module.lessons[1]).toMatchObject({ content: 'preview body', is_preview: true });
        expect(module.summaries[0].content).toBeNull();
      }
    });

    it('shows enrolled students bodies and resources, but not unpublished modules', async () => {
      const res = await c.get(student.headers);
      const modules = res.json().modules;
      expect(modules).toHaveLength(1);
      expect(modules[0].lessons[0].content).toBe('secret body');
      expect(modules[0].lessons[0].resources).toHaveLength(1);
      expect(modules[0].summaries[0].content).toBe('summary body');
    });

    it('shows owner and admin unpublished modules with include_inactive, and forbids it to others', async () => {
      for (const headers of [owner.headers, admin.headers]) {
        expect((await c.get(headers)).json().modules).toHaveLength(1);
        expect((await c.get(headers, '?include_inactive=true')).json().modules).toHaveLength(2);
      }
      expect((await c.get(student.headers, '?include_inactive=true')).statusCode).toBe(403);
      expect((await c.get({}, '?include_inactive=true')).statusCode).toBe(403);
      expect((await c.get(owner.headers, '?include_inactive=maybe')).statusCode).toBe(400);
    });

    it('hides a draft course content from everybody but owner and admin', async () => {
      const draft = await newCourse(false);
      await draft.module(owner.headers);
      expect((await draft.get()).statusCode).toBe(404);
      expect((await draft.get(student.headers)).statusCode).toBe(404);
      expect((await draft.get(owner.headers)).statusCode).toBe(200);
      expect((await draft.get(admin.headers)).statusCode).toBe(200);
    });

    it('shows a course content to everybody from the moment it is published', async () => {
      const draft = await newCourse(false);
      await draft.module(owner.headers, { title: 'Soon' });
      expect((await draft.get()).statusCode).toBe(404);
      const published = await t.app.inject({
        method: 'PATCH',
        url: `/api/v1/courses/${draft.courseId}`,
        headers: owner.headers,
        payload: { status: 'published' },
      });
      expect(published.statusCode).toBe(200);
      const res = await draft.get();
      expect(res.statusCode).toBe(200);
      expect(res.json().modules[0].title).toBe('Soon');
    });

    it('answers an empty tree at version 0 for a published course without content', async () => {
      const empty = await newCourse();
      const res = await empty.get();
      expect(res.statusCode).toBe(200);
      expect(res.headers.etag).toBe('"0"');
      expect(res.json()).toMatchObject({ course_id: empty.courseId, version: 0, modules: [] });
    });
  });

  describe('authorization of writes', () => {
    it('refuses every write to students, other instructors and anonymous callers, changing nothing', async () => {
      const c = await newCourse();
      const moduleId = await c.module(owner.headers);
      const lessonId = await c.item(owner.headers, moduleId, 'lessons');
      const quizId = await c.item(owner.headers, moduleId, 'quizzes');
      const summaryId = await c.item(owner.headers, moduleId, 'summaries');
      const resource = await c.post(
        `/modules/${moduleId}/lessons/${lessonId}/resources`,
        owner.headers,
        {
          name: 'R',
          url: 'https://example.com/r',
          type: 'link',
        },
      );
      const resourceId = resource.json().modules[0].lessons[0].resources[0].resource_id;
      const before = (await c.get(owner.headers, '?include_inactive=true')).body;

      const m = `/modules/${moduleId}`;
      const writes: [string, string, unknown][] = [
        ['PUT', '', { modules: [] }],
        ['POST', '/modules', { title: 'x' }],
        ['PATCH', m, { title: 'x' }],
        ['DELETE', m, undefined],
        ['POST', `${m}/lessons`, { title: 'x', type: 'text' }],
        ['PATCH', `${m}/lessons/${lessonId}`, { title: 'x' }],
        ['DELETE', `${m}/lessons/${lessonId}`, undefined],
        ['POST', `${m}/quizzes`, { title: 'x' }],
        ['PATCH', `${m}/quizzes/${quizId}`, { title: 'x' }],
        ['DELETE', `${m}/quizzes/${quizId}`, undefined],
        ['POST', `${m}/summaries`, { title: 'x' }],
        ['PATCH', `${m}/summaries/${summaryId}`, { title: 'x' }],
        ['DELETE', `${m}/summaries/${summaryId}`, undefined],
        [
          'POST',
          `${m}/lessons/${lessonId}/resources`,
          { name: 'x', url: 'https://x.io', type: 'link' },
        ],
        ['PATCH', `${m}/lessons/${lessonId}/resources/${resourceId}`, { name: 'x' }],
        ['DELETE', `${m}/lessons/${lessonId}/resources/${resourceId}`, undefined],
      ];
      const callers: [Record<string, string>, number][] = [
        [student.headers, 403],
        [other.headers, 403],
        [{}, 401],
      ];
      for (const [method, path, payload] of writes) {
        for (const [headers, status] of callers) {
          const res = await t.app.inject({
            method: method as 'GET',
            url: `/api/v1/courses/${c.courseId}/content${path}`,
            headers,
            ...(payload === undefined ? {} : { payload: payload as object }),
          });
          expect([method, path, res.statusCode]).toEqual([method, path, status]);
          expect(res.json()).toMatchObject({ statusCode: status });
        }
      }
      expect((await c.get(owner.headers, '?include_inactive=true')).body).toBe(before);

      const byAdmin = await c.patch(m, admin.headers, { title: 'Admin edit' });
      expect(byAdmin.statusCode).toBe(200);
      expect(byAdmin.json().modules[0].title).toBe('Admin edit');
    });

    it('answers 404 for writes to a course that does not exist', async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/courses/2147480000/content/modules',
        headers: admin.headers,
        payload: { title: 'x' },
      });
      expect(res.statusCode).toBe(404);
    });
  });

  describe('concurrency', () => {
    it('keeps all 20 lessons added in parallel to one module', async () => {
      const c = await newCourse();
      const moduleId = await c.module(owner.headers);
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          c.post(`/modules/${moduleId}/lessons`, owner.headers, {
            title: `Parallel ${i}`,
            type: 'text',
          }),
        ),
      );
      expect(results.map((r) => r.statusCode)).toEqual(Array(20).fill(201));
      const doc = (await c.get(owner.headers)).json();
      expect(doc.modules[0].lessons).toHaveLength(20);
      expect(new Set(doc.modules[0].lessons.map((l: { title: string }) => l.title)).size).toBe(20);
      expect(doc.version).toBe(21);
    });

    it('keeps all modules when the first writes to a course race to create its document', async () => {
      const c = await newCourse();
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          c.post('/modules', owner.headers, { title: `First ${i}` }),
        ),
      );
      expect(results.map((r) => r.statusCode)).toEqual(Array(10).fill(201));
      const doc = (await c.get(owner.headers)).json();
      expect(doc.modules).toHaveLength(10);
      expect(doc.version).toBe(10);
    });

    it('lets exactly one of two writes with the same If-Match through (the other 412, no change)', async () => {
      const c = await newCourse();
      const moduleId = await c.module(owner.headers);
      const etag = (await c.get(owner.headers)).headers.etag as string;
      const [a, b] = await Promise.all(
        ['First', 'Second'].map((title) =>
          c.patch(`/modules/${moduleId}`, { ...owner.headers, 'if-match': etag }, { title }),
        ),
      );
      expect([a.statusCode, b.statusCode].sort()).toEqual([200, 412]);
      const winner = a.statusCode === 200 ? 'First' : 'Second';
      const loser = a.statusCode === 200 ? b : a;
      expect(loser.json()).toMatchObject({ statusCode: 412, code: 'VERSION_MISMATCH' });
      const doc = (await c.get(owner.headers)).json();
      expect(doc.modules[0].title).toBe(winner);
      expect(doc.version).toBe(2);
    });

    it('answers 304 for If-None-Match with the current ETag unless enrolling could change the view, and 400 for a malformed If-Match', async () => {
      const c = await newCourse();
      await c.module(owner.headers);
      const first = await c.get();
      const again = await c.get({ 'if-none-match': first.headers.etag as string });
      expect(again.statusCode).toBe(304);
      expect(again.body).toBe('');
      const bad = await c.post(
        '/modules',
        { ...owner.headers, 'if-match': 'yesterday' },
        { title: 'x' },
      );
      expect(bad.statusCode).toBe(400);
    });
  });

  describe('cache', () => {
    it('serves the second read from Redis and shows a write on the very next read', async () => {
      const c = await newCourse();
      const moduleId = await c.module(owner.headers, { title: 'Before' });
      expect((await c.get()).headers['x-cache']).toBe('MISS');
      const hit = await c.get();
      expect(hit.headers['x-cache']).toBe('HIT');
      expect(hit.json().modules[0].title).toBe('Before');

      await c.patch(`/modules/${moduleId}`, owner.headers, { title: 'After' });
      const next = await c.get();
      expect(next.headers['x-cache']).toBe('MISS');
      expect(next.json().modules[0].title).toBe('After');
      expect((await c.get()).headers['x-cache']).toBe('HIT');
    });

    it('never lets a reader that started before a write put the old document back', async () => {
      const c = await newCourse();
      const moduleId = await c.module(owner.headers, { title: 'Old' });
      const cache = t.app.get(ContentCacheService);
      const repository = t.app.get(CourseContentRepository);

      // A reader misses and reads MongoDB...
      const generation = await cache.generation(c.courseId);
      expect((await cache.entry(c.courseId))?.json).toBeNull();
      const stale = await repository.findByCourseId(c.courseId);
      // ...a write is acknowledged meanwhile...
      expect(
        (await c.patch(`/modules/${moduleId}`, owner.headers, { title: 'New' })).statusCode,
      ).toBe(200);
      // ...and only then does the slow reader try to fill the cache.
      await cache.fill(c.courseId, generation!, JSON.stringify(stale));

      const res = await c.get();
      expect(res.json().modules[0].title).toBe('New');
      expect((await c.get()).json().modules[0].title).toBe('New');
    });

    it('ends on the latest document when many reads race many writes', async () => {
      const c = await newCourse();
      const moduleId = await c.module(owner.headers);
      const ops: Promise<unknown>[] = [];
      for (let i = 1; i <= 10; i++) {
        ops.push(c.patch(`/modules/${moduleId}`, owner.headers, { title: `v${i}`, order: i }));
        ops.push(c.get(), c.get());
      }
      await Promise.all(ops);
      const fromMongo = await t.app.get(CourseContentRepository).findByCourseId(c.courseId);
      const served = (await c.get()).json();
      expect(served.version).toBe(fromMongo?.version);
      expect(served.modules[0].title).toBe(fromMongo?.modules[0].title);
    });

    it('still answers from MongoDB when Redis is unreachable', async () => {
      const c = await newCourse();
      await c.module(owner.headers, { title: 'No cache' });
      const port = await freePort();
      const noRedis = await createTestApp({ REDIS_URL: `redis://127.0.0.1:${port}` });
      try {
        const res = await noRedis.app.inject({
          method: 'GET',
          url: `/api/v1/courses/${c.courseId}/content`,
        });
        expect(res.statusCode).toBe(200);
        expect(res.headers['x-cache']).toBe('MISS');
        expect(res.json().modules[0].title).toBe('No cache');
        const write = await noRedis.app.inject({
          method: 'POST',
          url: `/api/v1/courses/${c.courseId}/content/modules`,
          headers: owner.headers,
          payload: { title: 'Written without Redis' },
        });
        expect(write.statusCode).toBe(201);
      } finally {
        await noRedis.close();
      }
    });
  });

  describe('bad input', () => {
    let c: ContentClient;
    let moduleId: string;
    let lessonId: string;
    beforeAll(async () => {
      c = await newCourse();
      moduleId = await c.module(owner.headers);
      lessonId = await c.item(owner.headers, moduleId, 'lessons');
    });

    const cases: [string, () => [string, string, unknown], number][] = [
      [
        'a lesson type outside video|text|quiz|assignment',
        () => ['POST', `/modules/${moduleId}/lessons`, { title: 'x', type: 'podcast' }],
        400,
      ],
      [
        'a resource type outside video|pdf|audio|image|link',
        () => [
          'POST',
          `/modules/${moduleId}/lessons/${lessonId}/resources`,
          { name: 'x', url: 'https://x.io', type: 'zip' },
        ],
        400,
      ],
      [
        'a non-http resource url',
        () => [
          'POST',
          `/modules/${moduleId}/lessons/${lessonId}/resources`,
          { name: 'x', url: 'javascript:alert(1)', type: 'link' },
        ],
        400,
      ],
      [
        'an ftp resource url',
        () => [
          'POST',
          `/modules/${moduleId}/lessons/${lessonId}/resources`,
          { name: 'x', url: 'ftp://x.io/f', type: 'link' },
        ],
        400,
      ],
      ['an empty title', () => ['POST', '/modules', { title: '' }], 400],
      ['a 201-char title', () => ['POST', '/modules', { title: 'x'.repeat(201) }], 400],
      ['a negative order', () => ['POST', '/modules', { title: 'x', order: -1 }], 400],
      ['a fractional order', () => ['POST', '/modules', { title: 'x', order: 1.5 }], 400],
      [
        'a negative duration',
        () => ['PATCH', `/modules/${moduleId}/lessons/${lessonId}`, { duration_minutes: -5 }],
        400,
      ],
      [
        'a string duration',
        () => ['PATCH', `/modules/${moduleId}/lessons/${lessonId}`, { duration_minutes: '5' }],
        400,
      ],
      ['a null title on PATCH', () => ['PATCH', `/modules/${moduleId}`, { title: null }], 400],
      [
        'a null order or flag on PATCH',
        () => [
          'PATCH',
          `/modules/${moduleId}`,
          { order: null, is_active: null, is_published: null },
        ],
        400,
      ],
      [
        'a null lesson flag on PATCH',
        () => ['PATCH', `/modules/${moduleId}/lessons/${lessonId}`, { is_preview: null }],
        400,
      ],
      ['null children in a module', () => ['POST', '/modules', { title: 'x', lessons: null }], 400],
      [
        'an oversized lesson body',
        () => [
          'PATCH',
          `/modules/${moduleId}/lessons/${lessonId}`,
          { content: 'x'.repeat(100_001) },
        ],
        400,
      ],
      [
        'a passing score over 100',
        () => ['POST', `/modules/${moduleId}/quizzes`, { title: 'q', passing_score: 101 }],
        400,
      ],
      ['an unknown field', () => ['POST', '/modules', { title: 'x', colour: 'red' }], 400],
      [
        'an unknown nested field',
        () => [
          'PUT',
          '',
          { modules: [{ title: 'x', lessons: [{ title: 'l', type: 'text', secret: 1 }] }] },
        ],
        400,
      ],
      [
        'too many active modules',
        () => ['PUT', '', { modules: Array.from({ length: 201 }, (_, i) => ({ title: `m${i}` })) }],
        409,
      ],
      [
        'metadata totals of the wrong type',
        () => ['PUT', '', { modules: [], metadata: { total_modules: 'three' } }],
        400,
      ],
      ['a module id that is not 24 hex', () => ['PATCH', '/modules/12', { title: 'x' }], 400],
      [
        'a lesson id that is not 24 hex',
        () => ['PATCH', `/modules/${moduleId}/lessons/zzzzzzzzzzzzzzzzzzzzzzzz`, { title: 'x' }],
        400,
      ],
      [
        'a course id that is not an integer',
        () => ['PATCH', `/modules/${moduleId}`, { title: 'x' }],
        400,
      ],
      [
        'an unknown module',
        () => ['PATCH', '/modules/0123456789abcdef01234567', { title: 'x' }],
        404,
      ],
      [
        'an unknown lesson',
        () => ['DELETE', `/modules/${moduleId}/lessons/0123456789abcdef01234567`, undefined],
        404,
      ],
      ['a stale If-Match', () => ['PATCH', `/modules/${moduleId}`, { title: 'x' }], 412],
    ];

    it.each(cases)(
      'rejects %s with the documented status and changes nothing',
      async (label, build, status) => {
        const before = (await c.get(owner.headers, '?include_inactive=true')).body;
        const [method, path, payload] = build();
        const url =
          label === 'a course id that is not an integer'
            ? `/api/v1/courses/abc/content${path}`
            : `/api/v1/courses/${c.courseId}/content${path}`;
        const headers =
          label === 'a stale If-Match' ? { ...owner.headers, 'if-match': '"1"' } : owner.headers;
        const res = await t.app.inject({
          method: method as 'GET',
          url,
          headers,
          ...(payload === undefined ? {} : { payload: payload as object }),
        });
        expect(res.statusCode).toBe(status);
        expect(res.json()).toMatchObject({ statusCode: status });
        expect(typeof res.json().message).toBe('string');
        expect((await c.get(owner.headers, '?include_inactive=true')).body).toBe(before);
      },
    );

    it('answers 413 when a write would make the document too large, and keeps the old one', async () => {
      const big = await newCourse();
      const lessons = Array.from({ length: 9 }, (_, i) => ({
        title: `Big ${i}`,
        type: 'text',
        content: 'x'.repeat(95_000),
      }));
      let last = 200;
      let writes = 0;
      while (last === 200 && writes < 10) {
        last = (await big.put(owner.headers, { modules: [{ title: `M${writes}`, lessons }] }))
          .statusCode;
        writes++;
      }
      expect(last).toBe(413);
      const doc = (await big.get(owner.headers, '?include_inactive=true')).json();
      expect(doc.version).toBe(writes - 1);
    });
  });
});
