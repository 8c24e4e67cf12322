import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { MikroORM } from '@mikro-orm/postgresql';
import { JwtService } from '@nestjs/jwt';
import { createApp } from '../../src/app.setup';
import { AppConfig, loadAppConfig } from '../../src/config/app-config';
import { Role } from '../../src/common/auth/auth-user';
import { TEST_JWT_SECRET } from './test-env';

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  /** Raw SQL on the app's PostgreSQL, for arranging and checking rows the API does not show. */
  sql<T = Record<string, unknown>>(query: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

/** The production app (same createApp/configureApp) on the databases of this test run. */
export async function createTestApp(overrides: Record<string, string> = {}): Promise<TestApp> {
  const config = loadAppConfig({ ...process.env, ...overrides });
  const app = await createApp(config);
  await app.getHttpAdapter().getInstance().ready();
  const sql = <T>(query: string, params: unknown[] = []) =>
    app.get(MikroORM).em.fork().getConnection().execute<T[]>(query, params);
  return { app, config, sql, close: () => app.close() };
}

const jwt = new JwtService({ secret: TEST_JWT_SECRET });

/** A bearer header for a user; `sub` may be sent as a string, as some issuers do. */
export function bearer(id: number, role: Role, options: { subAsString?: boolean } = {}) {
  const token = jwt.sign({ sub: options.subAsString ? String(id) : id, role }, { expiresIn: '1h' });
  return { authorization: `Bearer ${token}` };
}

export function expiredBearer(id: number, role: Role) {
  const token = jwt.sign({ sub: id, role, exp: Math.floor(Date.now() / 1000) - 60 });
  return { authorization: `Bearer ${token}` };
}

export function bearerSignedWith(secret: string, id: number, role: Role) {
  const token = new JwtService({ secret }).sign({ sub: id, role }, { expiresIn: '1h' });
  return { authorization: `Bearer ${token}` };
}
