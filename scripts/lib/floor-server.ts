import Fastify, { FastifyReply } from 'fastify';
import Redis from 'ioredis';
import { JwtPayload, verify } from 'jsonwebtoken';
import { MongoClient } from 'mongodb';
import { createSecretKey, KeyObject } from 'node:crypto';
import { Pool } from 'pg';
import { CourseContent } from '../../src/course-content/domain/content.types';
import { ContentAudience, viewContent } from '../../src/course-content/domain/content-view';
import {
  Completion,
  computeProgress,
  CountedItem,
  countedItems,
} from '../../src/progress/domain/progress-calculator';

/**
 * The floor of `npm run bench`: the service's hot reads served by bare Fastify, ioredis, pg and
 * jsonwebtoken, no Nest, each the cheapest way this stack allows, on the service's paths:
 * - GET /api/v1/courses/:id/content, anonymous: one Redis GET of the public view, stored
 *   serialized (its version in front) by the first read, and that body sent as it is;
 * - the same with a student's token: the token verified, then the enrollment's status (one
 *   indexed SQL query, prepared) and the enrolled view from Redis, both at once;
 * - GET /api/v1/progress/course/:id: the token verified, the counted items held in process and
 *   ONE prepared SQL query for status, certificate and completed keys, then computeProgress.
 * Views and counted items are computed once per course from the MongoDB document with the
 * service's own pure functions; the floor is read-only and never sees an edit. Other readers
 * (instructors, admins) are not served. Environment: PORT, DATABASE_URL, MONGODB_URI, REDIS_URL,
 * JWT_SECRET, CACHE_KEY_PREFIX. It stops on SIGTERM, SIGINT or when its parent's IPC channel
 * closes.
 */

const JSON_TYPE = 'application/json; charset=utf-8';
const ENROLLED = new Set(['active', 'completed']);
const NEWLINE = 0x0a;

interface Prepared {
  items: CountedItem[];
  /** What was stored in Redis, for a read that finds the entry gone. */
  views: Record<'public' | 'enrolled', Buffer>;
}

/** Stored views outlive any run; they are not kept forever in a shared Redis. */
const VIEW_TTL_SECONDS = 3600;

async function main(): Promise<void> {
  const env = process.env as Record<string, string>;
  const pg = new Pool({ connectionString: env.DATABASE_URL, max: 10 });
  // An idle connection that the server ends (a Ctrl-C reaches PostgreSQL too) is not a crash.
  pg.on('error', () => undefined);
  const redis = new Redis(env.REDIS_URL, { keyPrefix: `${env.CACHE_KEY_PREFIX ?? ''}floor:` });
  const mongo = await new MongoClient(env.MONGODB_URI).connect();
  const contents = mongo.db().collection<CourseContent>('course_content');
  const key: KeyObject = createSecretKey(Buffer.from(env.JWT_SECRET));
  const app = Fastify({ logger: false });

  const viewKey = (audience: ContentAudience, courseId: number) => `view:${audience}:${courseId}`;
  const versionKey = (courseId: number) => `version:${courseId}`;
  const prepared = new Map<number, Promise<Prepared | null>>();

  /**
   * Once per course: the course must exist and not be a draft; each view is serialized as
   * `<version>\n<json>` into Redis, the counted items stay here. Null when there is nothing to
   * read (the service answers an empty tree there; no benchmarked course is like that).
   */
  const prepare = (courseId: number): Promise<Prepared | null> => {
    let known = prepared.get(courseId);
    if (!known) {
      known = (async () => {
        const { rows } = await pg.query<{ status: string }>(
          'select status from courses where id = $1',
          [courseId],
        );
        if (!rows.length || rows[0].status === 'draft') return null;
        const doc = await contents.findOne({ course_id: courseId }, { projection: { _id: 0 } });
        if (!doc) return null;
        const stored = (audience: ContentAudience) =>
          Buffer.from(`${doc.version}\n${JSON.stringify(viewContent(doc, audience))}`);
        const views = { public: stored('public'), enrolled: stored('enrolled') };
        await redis
          .multi()
          .set(viewKey('public', courseId), views.public, 'EX', VIEW_TTL_SECONDS)
          .set(viewKey('enrolled', courseId), views.enrolled, 'EX', VIEW_TTL_SECONDS)
          .set(versionKey(courseId), String(doc.version))
          .exec();
        return { items: countedItems(doc), views };
      })();
      prepared.set(courseId, known);
      known.catch(() => prepared.delete(courseId));
    }
    return known;
  };

  /** A stored view, `<version>\n<json>`, read with one GET (prepared on a miss). */
  const storedView = async (audience: 'public' | 'enrolled', courseId: number) => {
    const hit = await redis.getBuffer(viewKey(audience, courseId));
    return hit ?? (await prepare(courseId))?.views[audience] ?? null;
  };

  const sendView = (reply: FastifyReply, stored: Buffer | null) => {
    if (!stored) return reply.code(404).send({ statusCode: 404 });
    const newline = stored.indexOf(NEWLINE);
    return reply
      .header('content-type', JSON_TYPE)
      .header('etag', `"${stored.toString('latin1', 0, newline)}"`)
      .send(stored.subarray(newline + 1));
  };

  /** The caller's claims, or undefined after answering 401. */
  const claimsOf = (header: string, reply: FastifyReply) => {
    try {
      const claims = verify(header.slice(7), key, { algorithms: ['HS256'] }) as JwtPayload;
      return { id: Number(claims.sub), role: claims.role as string };
    } catch {
      void reply.code(401).send({ statusCode: 401 });
      return undefined;
    }
  };

  const courseIdOf = (raw: string) => (/^\d{1,9}$/.test(raw) ? Number(raw) : undefined);

  app.get('/health', async () => ({ status: 'ok' }));

  app.get<{ Params: { id: string } }>('/api/v1/courses/:id/content', async (req, reply) => {
    const courseId = courseIdOf(req.params.id);
    if (courseId === undefined) return reply.code(400).send({ statusCode: 400 });
    const header = req.headers.authorization;
    if (!header) return sendView(reply, await storedView('public', courseId));
    const caller = claimsOf(header, reply);
    if (!caller) return reply;
    if (caller.role !== 'student') return sendView(reply, await storedView('public', courseId));
    const [enrollment, enrolledView] = await Promise.all([
      pg.query<{ status: string }>({
        name: 'floor-enrollment-status',
        text: 'select status from enrollments where student_id = $1 and course_id = $2',
        values: [caller.id, courseId],
      }),
      storedView('enrolled', courseId),
    ]);
    const enrolled = enrollment.rows.length > 0 && ENROLLED.has(enrollment.rows[0].status);
    return sendView(reply, enrolled ? enrolledView : await storedView('public', courseId));
  });

  app.get<{ Params: { id: string } }>('/api/v1/progress/course/:id', async (req, reply) => {
    const courseId = courseIdOf(req.params.id);
    if (courseId === undefined) return reply.code(400).send({ statusCode: 400 });
    const caller = claimsOf(req.headers.authorization ?? '', reply);
    if (!caller) return reply;
    if (caller.role !== 'student') return reply.code(403).send({ statusCode: 403 });
    // The counted items live here; whether they are still current takes one small GET, as it
    // would for any server of which more than one instance runs.
    const [course, { rows }] = await Promise.all([
      redis.get(versionKey(courseId)).then(() => prepare(courseId)),
      pg.query<{ status: string; has_certificate: boolean; done: [string, string][] | null }>({
        name: 'floor-student-progress',
        text: `select e.status,
                 exists (select 1 from certificates c
                         where c.enrollment_id = e.id and not c.is_revoked) as has_certificate,
                 (select json_agg(json_build_array(p.item_type, p.item_id)
                                  order by p.completed_at, p.id)
                  from progress p
                  where p.user_id = e.student_id and p.course_id = e.course_id) as done
               from enrollments e
               where e.student_id = $1 and e.course_id = $2`,
        values: [caller.id, courseId],
      }),
    ]);
    if (!course) return reply.code(404).send({ statusCode: 404 });
    if (!rows.length || !ENROLLED.has(rows[0].status)) {
      return reply.code(403).send({ statusCode: 403 });
    }
    const completions: Completion[] = (rows[0].done ?? []).map(([itemType, itemId]) => ({
      itemType,
      itemId,
    }));
    const figures = computeProgress(course.items, completions);
    const idsOf = (type: string) =>
      completions.filter((c) => c.itemType === type).map((c) => c.itemId);
    return {
      course_id: courseId,
      user_id: caller.id,
      total_items: figures.total_items,
      completed_items: figures.completed_items,
      completion_percentage: figures.completion_percentage,
      completed_lessons: idsOf('lesson'),
      completed_quizzes: idsOf('quiz'),
      completed_summaries: idsOf('summary'),
      has_certificate: rows[0].has_certificate,
      is_complete: figures.is_complete,
      modules: figures.modules,
      next_item: figures.next_item,
    };
  });

  await app.listen({ port: Number(env.PORT), host: '127.0.0.1' });

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await app.close();
    await Promise.allSettled([pg.end(), redis.quit(), mongo.close()]);
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  // Started with an IPC channel: it closes when the benchmark goes, however it goes.
  process.on('disconnect', () => void stop());
}

main().catch((error: unknown) => {
  process.stderr.write(`floor server: ${String(error)}\n`);
  process.exit(1);
});
