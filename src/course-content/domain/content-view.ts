import { CourseContent, Lesson, Module, Quiz, Resource, Summary } from './content.types';

/**
 * Who is reading: `public` (anonymous or not enrolled) sees the published syllabus; `enrolled`
 * also sees lesson and summary bodies and resources; `manager` (owner, admin) sees the same, and
 * with `includeInactive` every item, including soft-deleted ones and unpublished modules.
 */
export type ContentAudience = 'public' | 'enrolled' | 'manager';

export interface ContentView {
  course_id: number;
  version: number;
  modules: Module[];
  metadata: CourseContent['metadata'];
  created_at: string;
  updated_at: string;
}

/** The part of the tree an audience may see, built field by field (no internal fields leak). */
export function viewContent(
  content: CourseContent,
  audience: ContentAudience,
  includeInactive = false,
): ContentView {
  const everything = audience === 'manager' && includeInactive;
  const withBodies = audience !== 'public';
  const visible = <T extends { is_active: boolean }>(items: T[]) =>
    everything ? items : items.filter((i) => i.is_active);

  const modules = content.modules
    .filter((m) => everything || (m.is_active && m.is_published))
    .map((m): Module => ({
      module_id: m.module_id,
      title: m.title,
      description: m.description ?? null,
      order: m.order,
      is_published: m.is_published,
      is_active: m.is_active,
      lessons: visible(m.lessons).map((l) => lessonView(l, withBodies || l.is_preview, visible)),
      quizzes: visible(m.quizzes).map(quizView),
      summaries: visible(m.summaries).map((s) => summaryView(s, withBodies)),
    }));
  return {
    course_id: content.course_id,
    version: content.version,
    modules,
    metadata: {
      total_modules: content.metadata.total_modules,
      total_lessons: content.metadata.total_lessons,
      total_duration_hours: content.metadata.total_duration_hours,
      tags: content.metadata.tags ?? [],
    },
    created_at: new Date(content.created_at).toISOString(),
    updated_at: new Date(content.updated_at).toISOString(),
  };
}

function lessonView(
  l: Lesson,
  withBody: boolean,
  visible: <T extends { is_active: boolean }>(items: T[]) => T[],
): Lesson {
  return {
    lesson_id: l.lesson_id,
    title: l.title,
    type: l.type,
    content: withBody ? (l.content ?? null) : null,
    duration_minutes: l.duration_minutes ?? null,
    order: l.order,
    is_preview: l.is_preview,
    is_active: l.is_active,
    resources: withBody ? visible(l.resources).map(resourceView) : [],
  };
}

function resourceView(r: Resource): Resource {
  return {
    resource_id: r.resource_id,
    name: r.name,
    url: r.url,
    type: r.type,
    is_active: r.is_active,
  };
}

function quizView(q: Quiz): Quiz {
  return {
    quiz_id: q.quiz_id,
    title: q.title,
    order: q.order,
    passing_score: q.passing_score ?? null,
    is_active: q.is_active,
  };
}

function summaryView(s: Summary, withBody: boolean): Summary {
  return {
    summary_id: s.summary_id,
    title: s.title,
    content: withBody ? (s.content ?? null) : null,
    order: s.order,
    is_active: s.is_active,
  };
}
