import { ContentCacheService } from '../cache/content-cache.service';
import { CourseContentReader } from './course-content.reader';
import { CourseContentRepository } from './course-content.repository';
import { emptyContent } from './domain/content-tree';

function readerWith(cached: { json: string | null }, stored = emptyContent(1, new Date(0))) {
  const cache = {
    lookup: jest.fn(async () =>
      cached.json === null ? { hit: false, generation: null } : { hit: true, json: cached.json },
    ),
    fill: jest.fn(async () => undefined),
  };
  const repository = { findByCourseId: jest.fn(async () => stored) };
  const reader = new CourseContentReader(
    repository as unknown as CourseContentRepository,
    cache as unknown as ContentCacheService,
  );
  return { reader, cache, repository };
}

describe(CourseContentReader.name, () => {
  it('reuses the parsed snapshot and its derived values while Redis returns the same JSON', async () => {
    const cached = { json: JSON.stringify({ ...emptyContent(1, new Date(0)), version: 3 }) };
    const { reader } = readerWith(cached);
    const first = await reader.read(1);
    const compute = jest.fn(() => 'view');
    first.snapshot?.derive('view', compute);
    const second = await reader.read(1);
    expect(second.snapshot).toBe(first.snapshot);
    second.snapshot?.derive('view', compute);
    expect(compute).toHaveBeenCalledTimes(1);
    expect(second.cache).toBe('HIT');
  });

  it('parses again as soon as Redis holds another version', async () => {
    const cached = { json: JSON.stringify({ ...emptyContent(1, new Date(0)), version: 3 }) };
    const { reader } = readerWith(cached);
    const first = await reader.read(1);
    cached.json = JSON.stringify({ ...emptyContent(1, new Date(0)), version: 4 });
    const second = await reader.read(1);
    expect(second.snapshot).not.toBe(first.snapshot);
    expect(second.snapshot?.content.version).toBe(4);
  });

  it('normalizes an entry an older release cached in the old shape', async () => {
    const raw = {
      course_id: 1,
      created_at: '2026-02-12T09:54:26.390Z',
      modules: [{ module_id: 1, title: 'M', lessons: [null, { lesson_id: 2, title: 'L' }] }],
    };
    const { reader } = readerWith({ json: JSON.stringify(raw) });
    const { snapshot } = await reader.read(1);
    expect(snapshot?.content.version).toBe(0);
    expect(snapshot?.content.modules[0]).toMatchObject({ is_active: true, quizzes: [] });
    expect(snapshot?.content.modules[0].lessons).toEqual([
      expect.objectContaining({ lesson_id: 2, is_active: true, resources: [] }),
    ]);
  });

  it('reads MongoDB on a miss and fills the cache with the generation it saw', async () => {
    const { reader, cache, repository } = readerWith({ json: null });
    const read = await reader.read(1);
    expect(read.cache).toBe('MISS');
    expect(repository.findByCourseId).toHaveBeenCalledWith(1);
    expect(cache.fill).toHaveBeenCalledWith(1, null, expect.any(String));
  });
});
