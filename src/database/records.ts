import { EntityManager } from '@mikro-orm/postgresql';

/*
 * How every repository talks to PostgreSQL: single SQL statements through `em.execute` (which
 * joins the caller's `em.transactional`, so a use case can put several repositories' statements
 * in one transaction), rows turned into plain records by MikroORM's own result mapper of the
 * entity (column names to property names, timestamps to Date). The entity classes are the one
 * list of columns; nothing here is a hand-kept copy of them.
 */

type Row = Record<string, unknown>;

// Built once per entity and alias: the hot read paths ask for them on every request.
const columnLists = new WeakMap<object, Map<string, string>>();

/** The entity's columns as a select or returning list, optionally qualified by a table alias. */
export function columnsOf(em: EntityManager, entity: { name: string }, alias = ''): string {
  const meta = em.getMetadata().get(entity.name);
  const lists = columnLists.get(meta) ?? columnLists.set(meta, new Map()).get(meta)!;
  let list = lists.get(alias);
  if (list === undefined) {
    list = meta.props
      .filter((p) => p.persist !== false && p.fieldNames?.length)
      .map((p) => (alias ? `${alias}.${p.fieldNames[0]}` : p.fieldNames[0]))
      .join(', ');
    lists.set(alias, list);
  }
  return list;
}

/**
 * Rows of the entity's columns (`columnsOf`) as plain records. A column that is not the
 * entity's would be copied under its own name: select other tables' columns apart.
 */
export function toRecords<T>(em: EntityManager, entity: { name: string }, rows: Row[]): T[] {
  const meta = em.getMetadata().get(entity.name);
  const driver = em.getDriver();
  return rows.map((row) => driver.mapResult(row, meta) as T);
}

/** Runs one statement in the current transaction context, if any, and returns its rows. */
export function query<T = Row>(em: EntityManager, sql: string, params: unknown[] = []) {
  return em.execute<T[]>(sql, params, 'all');
}

/**
 * A read a hot path makes on every request, as a named prepared statement: PostgreSQL parses and
 * plans it once per connection instead of once per request, which on a small machine is CPU the
 * service shares with it. Runs on a pooled connection of its own, so never inside a transaction;
 * placeholders are `$1`, `$2`, ... Errors are the driver's, mapped like any other.
 */
export async function preparedRead<T = Row>(
  em: EntityManager,
  name: string,
  sql: string,
  params: unknown[],
): Promise<T[]> {
  const client = em.getConnection().getKnex().client as PooledClient;
  const connection = await client.acquireConnection();
  try {
    return (await connection.query({ name, text: sql, values: params })).rows as T[];
  } finally {
    await client.releaseConnection(connection);
  }
}

interface PooledClient {
  acquireConnection(): Promise<{
    query(config: { name: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
  }>;
  releaseConnection(connection: unknown): Promise<void>;
}
