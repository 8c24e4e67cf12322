import { Client } from 'pg';
import type { RunningStack } from '../../scripts/lib/embedded-stack';

export default async function globalTeardown(): Promise<void> {
  const stack = (globalThis as Record<string, unknown>).__TEST_STACK__ as RunningStack | undefined;
  await stack?.stop();
  const created = process.env.TEST_CREATED_DATABASE;
  if (created && process.env.TEST_DATABASE_URL) {
    const client = new Client({ connectionString: process.env.TEST_DATABASE_URL });
    await client.connect();
    try {
      await client.query(`drop database if exists "${created}" with (force)`);
    } finally {
      await client.end();
    }
  }
}
