import Fastify from 'fastify';
import Redis from 'ioredis';
import { verify } from 'jsonwebtoken';
import { MongoClient } from 'mongodb';
import { Pool } from 'pg';
import { CourseContent } from '../../src/course-content/domain/content.types';
import { viewContent } from '../../src/course-content/domain/content-view';
import { computeProgress, countedItems } from '../../src/progress/domain/progress-calculator';

/**
 * The benchmark baseline: the two hot reads done with bare Fastify, ioredis, pg and
 * the MongoDB driver — same queries, same cache key, same pure functions, none of the framework.
 * Started by scripts/bench-hot-paths.ts; listens on PORT.
 */
async function main(): Promise<void> {
  const env = process.env as Record<string, string>;
  const pg = new Pool({ connectionString: env.DATABASE_URL, max: 10 });
  const redis = new Redis(env.REDIS_URL, {
    enableOfflineQueue: false,
    keyPrefix: env.CACHE_KEY_PREFIX ?? '',
  });
  const mongo = await new MongoClient(env.MONGODB_URI).connect();
  const contents = mongo.db().collection<CourseContent>('course_content');
  const app = Fastify();

  const course = async (id: number) =>
    (await pg.query('select id, status, instructor_id from courses where id = $1', [id])).rows[0];

  const content = async (id: number): Promise<CourseContent | null> => {
    const cached = await redis.get(`course:content:${id}`);
    if (cached) return JSON.parse(cached) as CourseContent;
    const doc = await contents.findOne({ course_id: id }, { projection: { _id: 0 } });
    if (doc) await redis.set(`course:content:${id}`, JSON.stringify(doc), 'EX', 900);
    return doc;
  };

  app.get<{ Params: { id: string } }>('/api/v1/courses/:id/content', async (req, reply) => {
    const id = Number(req.params.id);
    const c = await course(id);
    if (!c || c.status === 'draft') return reply.code(404).send({ statusCode: 404 });
    const doc = await content(id);
    return doc ? viewContent(doc, 'public') : null;
  });

  app.get<{ Params: { id: string } }>('/api/v1/progress/course/:id', async (req, reply) => {
    const claims = verify((req.headers.authorization ?? '').slice(7), env.JWT_SECRET, {
      algorithms: ['HS256'],
    }) as unknown as { sub: number };
    const id = Number(req.params.id);
    const c = await course(id);
    if (!c || c.status === 'draft') return reply.code(404).send({ statusCode: 404 });
    const enrollment = (
      await pg.query(
        'select id, status from enrollments where student_id = $1 and course_id = $2',
        [claims.sub, id],
      )
    ).rows[0];
    if (!enrollment) return reply.code(403).send({ statusCode: 403 });
    const [doc, rows, certificate] = await Promise.all([
      content(id),
      pg.query(
        'select item_type as "itemType", item_id as "itemId" from progress where user_id = $1 and course_id = $2',
        [claims.sub, id],
      ),
      pg.query('select is_revoked from certificates where enrollment_id = $1', [enrollment.id]),
    ]);
    const figures = computeProgress(countedItems(doc), rows.rows);
    return {
      course_id: id,
      user_id: claims.sub,
      ...figures,
      has_certificate: certificate.rows.length > 0 && !certificate.rows[0].is_revoked,
    };
  });

  await app.listen({ port: Number(env.PORT), host: '127.0.0.1' });
  process.stdout.write('ready\n');
  const stop = async () => {
    await app.close();
    await Promise.all([pg.end(), redis.quit(), mongo.close()]);
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}

void main();
