import { ObjectId } from 'bson';
import { normalizeContent, shownId } from './content-normalize';
import { addItem, addModule, emptyContent, finalizeContent } from './content-tree';

const INSERTED = new Date('2026-01-01T00:00:00Z');

/** As the old service stored a course: integer ids, no flags, no quizzes or summaries. */
function oldShaped(): Record<string, unknown> {
  return {
    course_id: 4,
    created_at: new Date('2026-02-12T09:54:26Z'),
    updated_at: '2026-02-12T10:30:15.000+00:00',
    metadata: { total_modules: 4, total_lessons: 8, tags: ['python', 3] },
    modules: [
      {
        module_id: 1,
        title: 'Introduction',
        order: 1,
        is_published: true,
        lessons: [
          {
            lesson_id: 1,
            title: 'Welcome',
            type: 'video',
            duration_minutes: 10,
            order: 1,
            is_preview: true,
            video_url: 'https://x.io/v.mp4',
            resources: [{ name: 'Slides', url: 'https://x.io/s.pdf', type: 'pdf' }],
          },
          null,
          { lesson_id: 2, title: 'Overview', type: 'text', duration_minutes: 5 },
        ],
      },
    ],
  };
}

describe(normalizeContent.name, () => {
  it('reads missing flags, lists and version as the defaults', () => {
    const { content } = normalizeContent(oldShaped(), INSERTED);
    expect(content.version).toBe(0);
    const [module] = content.modules;
    expect(module).toMatchObject({
      is_active: true,
      is_published: true,
      description: null,
      quizzes: [],
      summaries: [],
    });
    expect(module.lessons).toHaveLength(2);
    expect(module.lessons[1]).toMatchObject({
      is_active: true,
      is_preview: false,
      content: null,
      order: 3,
      resources: [],
    });
    expect(module.lessons[0].resources[0]).toMatchObject({ is_active: true, type: 'pdf' });
  });

  it('keeps ids and fields it does not know as stored', () => {
    const { content } = normalizeContent(oldShaped(), INSERTED);
    const lesson = content.modules[0].lessons[0] as unknown as Record<string, unknown>;
    expect(content.modules[0].module_id).toBe(1);
    expect(lesson).toMatchObject({ lesson_id: 1, video_url: 'https://x.io/v.mp4' });
    expect(lesson.resources).toEqual([
      expect.not.objectContaining({ resource_id: expect.anything() }),
    ]);
  });

  it('recounts metadata and keeps only string tags', () => {
    const { content } = normalizeContent(oldShaped(), INSERTED);
    expect(content.metadata).toEqual({
      total_modules: 1,
      total_lessons: 2,
      total_quizzes: 0,
      total_summaries: 0,
      total_duration_hours: 0.25,
      tags: ['python'],
    });
  });

  it('skips items that are not objects, listing what held something', () => {
    const { content, dropped } = normalizeContent(
      {
        course_id: 1,
        modules: [null, 7, { title: 'M', lessons: 'none', quizzes: [undefined, 'q'] }],
      },
      INSERTED,
    );
    expect(content.modules).toHaveLength(1);
    expect(content.modules[0]).toMatchObject({ lessons: [], quizzes: [], order: 3 });
    expect(dropped).toEqual([
      { path: 'modules[1]', value: 7 },
      { path: 'modules[2].lessons', value: 'none' },
      { path: 'modules[2].quizzes[1]', value: 'q' },
    ]);
  });

  it('fills timestamps it lacks from the other one, or from the fallback', () => {
    const { content } = normalizeContent(oldShaped(), INSERTED);
    expect(content.updated_at).toEqual(new Date('2026-02-12T10:30:15Z'));
    const bare = normalizeContent({ course_id: 1, modules: [] }, INSERTED).content;
    expect([bare.created_at, bare.updated_at]).toEqual([INSERTED, INSERTED]);
  });

  it('leaves a tree in the current shape as it is', () => {
    let tree = addModule(emptyContent(1, INSERTED), { title: 'M' });
    tree = addItem(tree.content, tree.id, 'quiz', { title: 'Q', passing_score: 70 });
    const current = finalizeContent({ ...tree.content, version: 3 }, INSERTED);
    const { content, dropped } = normalizeContent(
      JSON.parse(JSON.stringify(current)) as Record<string, unknown>,
      new Date(0),
    );
    expect(content).toEqual(current);
    expect(dropped).toEqual([]);
  });
});

describe(shownId.name, () => {
  it.each([
    ['65f1a2b3c4d5e6f7a8b9c0d1', '65f1a2b3c4d5e6f7a8b9c0d1'],
    [3, '3'],
    ['intro-video', 'intro-video'],
    [undefined, null],
    [null, null],
    [new ObjectId('65f1a2b3c4d5e6f7a8b9c0d1'), '65f1a2b3c4d5e6f7a8b9c0d1'],
  ])('shows %p as %p', (id, shown) => {
    expect(shownId(id)).toBe(shown);
  });
});
