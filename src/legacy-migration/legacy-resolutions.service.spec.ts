import { EntityManager } from '@mikro-orm/postgresql';
import { ObjectId } from 'bson';
import { Collection } from 'mongodb';
import { NewProgress, ProgressRepository } from '../progress/progress.repository';
import { BackfillReportEntry } from './domain/legacy-completions';
import { Resolution } from './domain/legacy-resolutions';
import { LegacyArchiveRepository } from './legacy-archive.repository';
import { LegacyContentRepository } from './legacy-content.repository';
import { LegacyResolutionsService } from './legacy-resolutions.service';
import { legacyProgressRow, resolutionOf } from '../../test/support/unit-fixtures';

const oid = () => new ObjectId().toHexString();
const ids = { l2a: oid(), l2b: oid() };
const doc = {
  course_id: 3,
  modules: [
    { module_id: oid(), lessons: [{ lesson_id: ids.l2a, legacy_id: 2 }] },
    { module_id: oid(), lessons: [{ lesson_id: ids.l2b, legacy_id: 2 }] },
  ],
};
const archived = legacyProgressRow();
const resolution = (over: Partial<Resolution>) => resolutionOf(ids.l2b, over);

/** The service over one archived enrollment; `inserted` holds the rows the repository took. */
function service(log: string[], inserted: NewProgress[]) {
  const em = {
    transactional: async (fn: () => Promise<unknown>) => {
      const result = await fn();
      log.push('commit');
      return result;
    },
  } as unknown as EntityManager;
  const archive = {
    findByEnrollmentIds: () => Promise.resolve([archived]),
  } as unknown as LegacyArchiveRepository;
  const progress = {
    // The row exists already the second time it is named.
    insertMissing: (rows: NewProgress[]) => {
      const fresh = rows.filter((r) => !inserted.some((i) => i.itemId === r.itemId));
      inserted.push(...fresh);
      return Promise.resolve(fresh);
    },
  } as unknown as ProgressRepository;
  const contents = {
    collection: () =>
      ({ find: () => ({ toArray: () => Promise.resolve([doc]) }) }) as unknown as Collection,
  } as LegacyContentRepository;
  return new LegacyResolutionsService(em, archive, progress, contents);
}

describe(LegacyResolutionsService.name, () => {
  it('applies valid lines, rejects the others and reports both before committing', async () => {
    const log: string[] = [];
    const inserted: NewProgress[] = [];
    const summary = await service(log, inserted).apply({
      resolutions: [resolution({}), resolution({ line: 3, enrollment_id: 11 })],
      onReport: (e: BackfillReportEntry) => log.push(`${e.reason} ${e.line}`),
      beforeCommit: () => void log.push('sync'),
    });
    expect(summary).toEqual({ applied: 1, inserted: 1, rejected: 1 });
    expect(log).toEqual(['resolution_rejected 3', 'resolved 2', 'sync', 'commit']);
    expect(inserted).toEqual([
      {
        userId: 42,
        courseId: 3,
        itemType: 'lesson',
        itemId: ids.l2b,
        score: null,
        completedAt: archived.enrollment_last_accessed_at,
      },
    ]);
  });

  it('reports the second line naming the same item as not inserted', async () => {
    const entries: BackfillReportEntry[] = [];
    await service([], []).apply({
      resolutions: [resolution({}), resolution({ line: 3 })],
      onReport: (e) => entries.push(e),
    });
    expect(entries.map((e) => [e.line, e.inserted])).toEqual([
      [2, true],
      [3, false],
    ]);
  });

  it('writes nothing on a dry run', async () => {
    const inserted: NewProgress[] = [];
    const log: string[] = [];
    const summary = await service(log, inserted).apply({
      resolutions: [resolution({})],
      dryRun: true,
    });
    expect(summary).toEqual({ applied: 1, inserted: 0, rejected: 0 });
    expect(inserted).toEqual([]);
    expect(log).not.toContain('commit');
  });
});
