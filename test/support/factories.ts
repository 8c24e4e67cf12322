import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Role } from '../../src/common/auth/auth-user';
import { bearer } from './create-test-app';

let nextId = 1000 + Math.floor(Math.random() * 1_000_000) * 100;

/** A user id nobody else in this run has, so e2e files never share users. */
export function newUser(role: Role): { id: number; role: Role; headers: Record<string, string> } {
  const id = nextId++;
  return { id, role, headers: bearer(id, role) };
}

export interface CourseFixture {
  id: number;
  title: string;
  status: string;
  instructor_id: number;
}

/** Creates a course through the API, optionally publishing it. */
export async function createCourse(
  app: NestFastifyApplication,
  owner: { headers: Record<string, string> },
  options: { title?: string; publish?: boolean } = {},
): Promise<CourseFixture> {
  const created = await app.inject({
    method: 'POST',
    url: '/api/v1/courses',
    headers: owner.headers,
    payload: { title: options.title ?? `Course ${Math.random().toString(36).slice(2, 8)}` },
  });
  if (created.statusCode !== 201)
    throw new Error(`createCourse: ${created.statusCode} ${created.body}`);
  const course = created.json() as CourseFixture;
  if (!options.publish) return course;
  const published = await app.inject({
    method: 'PATCH',
    url: `/api/v1/courses/${course.id}`,
    headers: owner.headers,
    payload: { status: 'published' },
  });
  if (published.statusCode !== 200)
    throw new Error(`publish: ${published.statusCode} ${published.body}`);
  return published.json() as CourseFixture;
}

/** Enrolls a (new) student through the API and returns them with the enrollment id. */
export async function enrollStudent(
  app: NestFastifyApplication,
  courseId: number,
  student = newUser('student'),
) {
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/enrollments',
    headers: student.headers,
    payload: { course_id: courseId },
  });
  if (res.statusCode !== 201) throw new Error(`enroll: ${res.statusCode} ${res.body}`);
  return { ...student, enrollmentId: res.json().id as number };
}
