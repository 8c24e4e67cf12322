import { ContentCacheService } from '../cache/content-cache.service';
import { AppConfig } from '../config/app-config';
import { CourseContentReader } from './course-content.reader';
import { CourseContentRepository } from './course-content.repository';
import { emptyContent } from './domain/content-tree';

/** A Redis stand-in holding one course's generation, entry and lease, as the cache service would. */
function readerWith(state: { generation?: string; json: string | null; leased?: boolean }) {
  const cache = {
    generation: jest.fn(async () => state.generation),
    entry: jest.fn(async () =>
      state.generation === undefined
        ? undefined
        : { json: state.json, generation: state.generation },
    ),
    fill: jest.fn(async (_id: number, _generation: string, json: string) => {
      state.json = json;
    }),
    lease: jest.fn(async () => {
      if (state.leased) return false;
      state.leased = true;
      return true;
    }),
    release: jest.fn(async () => {
      state.leased = false;
    }),
  };
  const stored = { ...emptyContent(1, new Date(0)), version: 7 };
  const repository = {
    findByCourseId: jest.fn(async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return stored;
    }),
  };
  const reader = new CourseContentReader(
    repository as unknown as CourseContentRepository,
    cache as unknown as ContentCacheService,
    { CONTENT_CACHE_TTL_SECONDS: 900 } as AppConfig,
  );
  return { reader, cache, repository };
}

const versionJson = (version: number) =>
  JSON.stringify({ ...emptyContent(1, new Date(0)), version });

describe(CourseContentReader.name, () => {
  it('answers from the snapshot in process while the generation stays, reading only the generation', async () => {
    const { reader, cache } = readerWith({ generation: '5', json: versionJson(3) });
    const first = await reader.read(1);
    const compute = jest.fn(() => 'view');
    first.snapshot?.derive('view', compute);
    const second = await reader.read(1);
    expect(second.snapshot).toBe(first.snapshot);
    second.snapshot?.derive('view', compute);
    expect(compute).toHaveBeenCalledTimes(1);
    expect(second.cache).toBe('HIT');
    expect(cache.entry).toHaveBeenCalledTimes(1);
    expect(cache.generation).toHaveBeenCalledTimes(2);
  });

  it('moves the document again as soon as the generation changes', async () => {
    const state = { generation: '5', json: versionJson(3) };
    const { reader } = readerWith(state);
    const first = await reader.read(1);
    Object.assign(state, { generation: '6', json: versionJson(4) });
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
    const { reader } = readerWith({ generation: '1', json: JSON.stringify(raw) });
    const { snapshot } = await reader.read(1);
    expect(snapshot?.content.version).toBe(0);
    expect(snapshot?.content.modules[0]).toMatchObject({ is_active: true, quizzes: [] });
    expect(snapshot?.content.modules[0].lessons).toEqual([
      expect.objectContaining({ lesson_id: 2, is_active: true, resources: [] }),
    ]);
  });

  it('fills a cold entry from one MongoDB read for 500 concurrent readers', async () => {
    const { reader, cache, repository } = readerWith({ generation: '9', json: null });
    const reads = await Promise.all(Array.from({ length: 500 }, () => reader.read(1)));
    expect(repository.findByCourseId).toHaveBeenCalledTimes(1);
    expect(cache.fill).toHaveBeenCalledTimes(1);
    expect(cache.fill).toHaveBeenCalledWith(1, '9', expect.any(String));
    expect(cache.release).toHaveBeenCalledWith(1, '9');
    expect(new Set(reads.map((r) => r.snapshot)).size).toBe(1);
    expect(reads.every((r) => r.cache === 'MISS')).toBe(true);
    expect((await reader.read(1)).cache).toBe('HIT');
  });

  it('waits for the entry while another instance holds the fill lease', async () => {
    const state = { generation: '9', json: null as string | null, leased: true };
    const { reader, repository } = readerWith(state);
    const read = reader.read(1);
    await new Promise((resolve) => setTimeout(resolve, 30));
    state.json = versionJson(8);
    expect((await read).snapshot?.content.version).toBe(8);
    expect(repository.findByCourseId).not.toHaveBeenCalled();
  });

  it('without Redis reads MongoDB, sharing only reads that started after the caller asked', async () => {
    const { reader, repository } = readerWith({ generation: undefined, json: null });
    const first = reader.read(1);
    await Promise.resolve();
    const later = Array.from({ length: 50 }, () => reader.read(1));
    const reads = await Promise.all([first, ...later]);
    expect(repository.findByCourseId).toHaveBeenCalledTimes(2);
    expect(reads.every((r) => r.cache === 'MISS' && r.snapshot?.content.version === 7)).toBe(true);
  });
});
