import { addItem, addModule, addResource, emptyContent, updateItem } from './content-tree';
import { viewContent } from './content-view';

const NOW = new Date('2026-01-01T00:00:00Z');

function sample() {
  let content = emptyContent(1, NOW);
  const published = addModule(content, { title: 'Published' });
  const hidden = addModule(published.content, { title: 'Draft module', is_published: false });
  const lesson = addItem(hidden.content, published.id, 'lesson', {
    title: 'L',
    type: 'text',
    content: 'body',
  });
  const preview = addItem(lesson.content, published.id, 'lesson', {
    title: 'P',
    type: 'video',
    content: 'free',
    is_preview: true,
  });
  const removed = addItem(preview.content, published.id, 'quiz', { title: 'Gone' });
  content = updateItem(removed.content, published.id, 'quiz', removed.id, { is_active: false });
  content = addResource(content, published.id, lesson.id, {
    name: 'r',
    url: 'https://x.io',
    type: 'pdf',
  }).content;
  content = addItem(content, published.id, 'summary', { title: 'S', content: 'recap' }).content;
  return content;
}

describe(viewContent.name, () => {
  it('gives the public the published, active syllabus without bodies except previews', () => {
    const view = viewContent(sample(), 'public');
    expect(view.modules.map((m) => m.title)).toEqual(['Published']);
    const [lesson, preview] = view.modules[0].lessons;
    expect(lesson).toMatchObject({ content: null, resources: [] });
    expect(preview).toMatchObject({ content: 'free' });
    expect(view.modules[0].quizzes).toHaveLength(0);
    expect(view.modules[0].summaries[0].content).toBeNull();
  });

  it('gives enrolled students bodies and resources of active items only', () => {
    const view = viewContent(sample(), 'enrolled', true);
    expect(view.modules).toHaveLength(1);
    expect(view.modules[0].lessons[0]).toMatchObject({ content: 'body' });
    expect(view.modules[0].lessons[0].resources).toHaveLength(1);
    expect(view.modules[0].summaries[0].content).toBe('recap');
  });

  it('gives managers everything only when they ask for inactive items', () => {
    expect(viewContent(sample(), 'manager').modules).toHaveLength(1);
    const all = viewContent(sample(), 'manager', true);
    expect(all.modules).toHaveLength(2);
    expect(all.modules[0].quizzes[0]).toMatchObject({ title: 'Gone', is_active: false });
  });

  it('counts in metadata what each view shows', () => {
    const content = sample();
    content.modules[0].lessons[0].duration_minutes = 30;
    content.modules[1].lessons = [{ ...content.modules[0].lessons[0], lesson_id: 'x' }];
    const totals = (audience: 'public' | 'enrolled' | 'manager', all = false) => {
      const { tags, ...counts } = viewContent(content, audience, all).metadata;
      expect(tags).toEqual([]);
      return counts;
    };
    const published = {
      total_modules: 1,
      total_lessons: 2,
      total_quizzes: 0,
      total_summaries: 1,
      total_duration_hours: 0.5,
    };
    expect(totals('public')).toEqual(published);
    expect(totals('enrolled')).toEqual(published);
    expect(totals('manager')).toEqual(published);
    expect(totals('manager', true)).toEqual({
      total_modules: 2,
      total_lessons: 3,
      total_quizzes: 1,
      total_summaries: 1,
      total_duration_hours: 1,
    });
  });

  it('shows ids the old service wrote as strings, and a missing one as null', () => {
    const content = sample();
    (content.modules[0] as unknown as Record<string, unknown>).module_id = 1;
    delete (content.modules[0].lessons[0] as unknown as Partial<Record<string, unknown>>).lesson_id;
    const [module] = viewContent(content, 'public').modules;
    expect(module.module_id).toBe('1');
    expect(module.lessons[0].lesson_id).toBeNull();
  });

  it('never leaks internal fields such as legacy_id', () => {
    const content = sample();
    (content.modules[0] as unknown as Record<string, unknown>).legacy_id = 4;
    expect(JSON.stringify(viewContent(content, 'manager', true))).not.toContain('legacy_id');
  });
});
