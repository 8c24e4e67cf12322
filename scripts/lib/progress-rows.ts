import { Pool, PoolClient } from 'pg';

export interface ProgressRowKey {
  user_id: number;
  course_id: number;
  item_type: string;
  item_id: string;
}

export interface ProgressRowWrite extends ProgressRowKey {
  score: number | null;
  completed_at: Date;
}

/**
 * Inserts progress rows in one statement; a row that exists already (the student completed the
 * item again after the upgrade) keeps its real timestamp. Returns the keys actually inserted.
 */
export async function insertProgressRows(
  client: PoolClient,
  rows: ProgressRowWrite[],
): Promise<ProgressRowKey[]> {
  if (rows.length === 0) return [];
  const res = await client.query<ProgressRowKey>(
    `insert into progress (user_id, course_id, item_type, item_id, score, completed_at)
     select * from unnest($1::int[], $2::int[], $3::varchar[], $4::varchar[], $5::numeric[],
       $6::timestamptz[])
     on conflict (user_id, course_id, item_type, item_id) do nothing
     returning user_id, course_id, item_type, item_id`,
    [
      rows.map((r) => r.user_id),
      rows.map((r) => r.course_id),
      rows.map((r) => r.item_type),
      rows.map((r) => r.item_id),
      rows.map((r) => r.score),
      rows.map((r) => r.completed_at),
    ],
  );
  return res.rows;
}

export async function transaction<T>(
  pool: Pool,
  fn: (client: PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    const result = await fn(client);
    await client.query('commit');
    return result;
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
