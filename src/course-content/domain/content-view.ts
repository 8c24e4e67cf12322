import { shownId } from './content-normalize';
import {
  ContentMetadata,
  CourseContent,
  Lesson,
  Module,
  Quiz,
  Resource,
  Summary,
} from './content.types';

/**
 * Who is reading: `public` (anonymous or not enrolled) sees the published syllabus; `enrolled`
 * also sees lesson and summary bodies and resources; `manager` (owner, admin) sees the same, and
 * with `includeInactive` every item, including soft-deleted ones and unpublished modules.
 */
export type ContentAudience = 'public' | 'enrolled' | 'manager';

/** An item as shown: without `legacy_id`, and with its id as `shownId` gives it. */
type Shown<T, Id extends keyof T> = Omit<T, Id | 'legacy_id'> & Record<Id, string | null>;
export type ResourceView = Shown<Resource, 'resource_id'>;
export type LessonView = Omit<Shown<Lesson, 'lesson_id'>, 'resources'> & {
  resources: ResourceView[];
};
export type QuizView = Shown<Quiz, 'quiz_id'>;
export type SummaryView = Shown<Summary, 'summary_id'>;
export type ModuleView = Omit<Shown<Module, 'module_id'>, 'lessons' | 'quizzes' | 'summaries'> & {
  lessons: LessonView[];
  quizzes: QuizView[];
  summaries: SummaryView[];
};

export interface ContentView {
  course_id: number;
  version: number;
  modules: ModuleView[];
  /** Totals of what this view shows, so a client's counts match the lists it got. */
  metadata: Required<ContentMetadata>;
  created_at: string;
  updated_at: string;
}

/**
 * The part of the tree an audience may see, built field by field (no internal fields leak).
 * Expects a normalized tree (`normalizeContent`, or one the content-tree functions built).
 */
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
    .map((m): ModuleView => ({
      module_id: shownId(m.module_id),
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
    metadata: metadataOf(modules, content.metadata.tags ?? []),
    created_at: new Date(content.created_at).toISOString(),
    updated_at: new Date(content.updated_at).toISOString(),
  };
}

function metadataOf(modules: ModuleView[], tags: string[]): Required<ContentMetadata> {
  let lessons = 0;
  let quizzes = 0;
  let summaries = 0;
  let minutes = 0;
  for (const m of modules) {
    lessons += m.lessons.length;
    quizzes += m.quizzes.length;
    summaries += m.summaries.length;
    for (const l of m.lessons) minutes += l.duration_minutes ?? 0;
  }
  return {
    total_modules: modules.length,
    total_lessons: lessons,
    total_quizzes: quizzes,
    total_summaries: summaries,
    total_duration_hours: Math.round((minutes / 60) * 100) / 100,
    tags,
  };
}

function lessonView(
  l: Lesson,
  withBody: boolean,
  visible: <T extends { is_active: boolean }>(items: T[]) => T[],
): LessonView {
  return {
    lesson_id: shownId(l.lesson_id),
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

function resourceView(r: Resource): ResourceView {
  return {
    resource_id: shownId(r.resource_id),
    name: r.name,
    url: r.url,
    type: r.type,
    is_active: r.is_active,
  };
}

function quizView(q: Quiz): QuizView {
  return {
    quiz_id: shownId(q.quiz_id),
    title: q.title,
    order: q.order,
    passing_score: q.passing_score ?? null,
    is_active: q.is_active,
  };
}

function summaryView(s: Summary, withBody: boolean): SummaryView {
  return {
    summary_id: shownId(s.summary_id),
    title: s.title,
    content: withBody ? (s.content ?? null) : null,
    order: s.order,
    is_active: s.is_active,
  };
}
