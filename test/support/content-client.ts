import { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { TestApp } from './create-test-app';

type Headers = Record<string, string>;

/** Thin helpers over `app.inject` for the content routes, so specs read like the API. */
export class ContentClient {
  constructor(
    private readonly app: NestFastifyApplication,
    readonly courseId: number,
  ) {}

  private base(path = ''): string {
    return `/api/v1/courses/${this.courseId}/content${path}`;
  }

  get(headers: Headers = {}, query = '') {
    return this.app.inject({ method: 'GET', url: `${this.base()}${query}`, headers });
  }

  put(headers: Headers, payload: unknown) {
    return this.app.inject({
      method: 'PUT',
      url: this.base(),
      headers,
      payload: payload as object,
    });
  }

  post(path: string, headers: Headers, payload: unknown) {
    return this.app.inject({
      method: 'POST',
      url: this.base(path),
      headers,
      payload: payload as object,
    });
  }

  patch(path: string, headers: Headers, payload: unknown) {
    return this.app.inject({
      method: 'PATCH',
      url: this.base(path),
      headers,
      payload: payload as object,
    });
  }

  delete(path: string, headers: Headers) {
    return this.app.inject({ method: 'DELETE', url: this.base(path), headers });
  }

  /** Adds a module and returns its id. */
  async module(owner: Headers, body: Record<string, unknown> = {}): Promise<string> {
    const res = await this.post('/modules', owner, { title: 'Module', ...body });
    if (res.statusCode !== 201) throw new Error(`add module: ${res.statusCode} ${res.body}`);
    return lastPathSegment(res.headers.location as string);
  }

  /** Adds a lesson, quiz or summary to a module and returns its id. */
  async item(
    owner: Headers,
    moduleId: string,
    kind: 'lessons' | 'quizzes' | 'summaries',
    body: Record<string, unknown> = {},
  ): Promise<string> {
    const defaults = kind === 'lessons' ? { title: 'Lesson', type: 'text' } : { title: kind };
    const res = await this.post(`/modules/${moduleId}/${kind}`, owner, { ...defaults, ...body });
    if (res.statusCode !== 201) throw new Error(`add ${kind}: ${res.statusCode} ${res.body}`);
    return lastPathSegment(res.headers.location as string);
  }
}

function lastPathSegment(location: string): string {
  return location.split('/').pop() as string;
}

/** Enrolls a student directly in PostgreSQL (content specs need the row, not the enrollment API). */
export async function enrollDirectly(
  t: TestApp,
  studentId: number,
  courseId: number,
  status = 'active',
): Promise<void> {
  await t.sql(
    `insert into enrollments (student_id, course_id, status) values (?, ?, ?)
     on conflict (student_id, course_id) do update set status = excluded.status`,
    [studentId, courseId, status],
  );
}
