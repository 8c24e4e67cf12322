import { ObjectId } from 'bson';
import { EntityManager } from '@mikro-orm/postgresql';
import { Collection } from 'mongodb';
import { AppConfig } from '../config/app-config';
import { ProgressRepository } from '../progress/progress.repository';
import { ContentIndexCache } from './content-index.cache';
import {
  buildLegacyIndex,
  LegacyProgressRow,
  legacyCompletedAt,
  normalizeScore,
  planEnrollment,
} from './domain/legacy-completions';
import { LegacyArchiveRepository } from './legacy-archive.repository';
import { LegacyContentRepository } from './legacy-content.repository';
import { BackfillOptions, ProgressBackfillService } from './progress-backfill.service';
import { legacyProgressRow } from '../../test/support/unit-fixtures';

const oid = () => new ObjectId().toHexString();
const ids = { l1: oid(), l2a: oid(), l2b: oid(), q5: oid(), m: oid(), m2: oid(), ql7: oid() };
const migratedDoc = {
  course_id: 3,
  modules: [
    {
      module_id: ids.m,
      legacy_id: 1,
      title: 'Basics',
      lessons: [
        { lesson_id: ids.l1, legacy_id: 1, title: 'One' },
        { lesson_id: ids.l2a, legacy_id: 2, title: 'Two' },
      ],
      quizzes: [{ quiz_id: ids.q5, legacy_id: 5 }],
      summaries: [{ summary_id: oid() }],
    },
    {
      module_id: ids.m2,
      title: 'More',
      lessons: [
        { lesson_id: ids.l2b, legacy_id: 2, title: 'Two again' },
        { lesson_id: ids.ql7, legacy_id: 7, type: 'quiz', title: 'Check' },
      ],
      quizzes: [],
    },
  ],
};

const row = (over: Partial<LegacyProgressRow> = {}) =>
  legacyProgressRow({
    completion_percentage: '40.00',
    completed_modules: [1],
    completed_lessons: [1, 2, 9, 1],
    completed_quizzes: [5],
    quiz_scores: { '5': 87.456, '6': 50 },
    ...over,
  });

describe('planEnrollment', () => {
  it('maps unique legacy ids and reports missing and ambiguous ones', () => {
    const plan = planEnrollment(row(), buildLegacyIndex(migratedDoc));
    expect(plan.rows).toEqual([
      {
        user_id: 42,
        course_id: 3,
        item_type: 'lesson',
        item_id: ids.l1,
        score: null,
        completed_at: new Date('2025-03-01T00:00:00Z'),
      },
      expect.objectContaining({ item_type: 'quiz', item_id: ids.q5, score: 87.46 }),
    ]);
    expect(plan.report.map((r) => [r.reason, r.legacy_id])).toEqual([
      ['ambiguous', 2],
      ['not_in_content', 9],
      ['score_without_completion', 6],
    ]);
    expect(plan.report[0].candidates).toEqual([
      {
        item_type: 'lesson',
        item_id: ids.l2a,
        module_id: ids.m,
        module_title: 'Basics',
        title: 'Two',
      },
      {
        item_type: 'lesson',
        item_id: ids.l2b,
        module_id: ids.m2,
        module_title: 'More',
        title: 'Two again',
      },
    ]);
    expect(plan).toMatchObject({ mapped: 2, unmapped: 2, modulesIgnored: 1, deferred: false });
  });

  it.each([
    ['status completed', { enrollment_status: 'completed' }],
    ['100 percent', { completion_percentage: '100.00' }],
  ])(
    'maps an ambiguous id to every candidate when the legacy course was finished (%s)',
    (_, over) => {
      const plan = planEnrollment(
        row({ completed_lessons: [2], ...over }),
        buildLegacyIndex(migratedDoc),
      );
      expect(plan.rows.map((r) => r.item_id)).toEqual([ids.l2a, ids.l2b, ids.q5]);
      expect(plan.report.map((r) => r.reason)).toEqual(['score_without_completion']);
      expect(plan).toMatchObject({ mapped: 2, unmapped: 0, mappedToAllCandidates: 1 });
    },
  );

  it('maps a quiz id that matches no quiz to the one quiz-type lesson, with its score', () => {
    const plan = planEnrollment(
      row({ completed_lessons: [7], completed_quizzes: [7], quiz_scores: { '7': 64 } }),
      buildLegacyIndex(migratedDoc),
    );
    // Listed as a lesson and as a quiz: one row, with the score.
    expect(plan.rows).toEqual([
      expect.objectContaining({ item_type: 'lesson', item_id: ids.ql7, score: 64 }),
    ]);
    expect(plan.report).toEqual([]);
    expect(plan).toMatchObject({ mapped: 2, mappedToQuizLessons: 1 });
  });

  it('reports every completion of a course without a content document', () => {
    const plan = planEnrollment(row(), undefined);
    expect(plan.rows).toEqual([]);
    expect(plan.report.filter((r) => r.reason === 'no_content_document')).toHaveLength(4);
  });

  it('defers an enrollment whose content still has integer ids', () => {
    const legacy = { course_id: 3, modules: [{ module_id: 1, lessons: [{ lesson_id: 1 }] }] };
    const plan = planEnrollment(row(), buildLegacyIndex(legacy));
    expect(plan.deferred).toBe(true);
    expect(plan.rows).toEqual([]);
    expect(plan.report).toEqual([expect.objectContaining({ reason: 'content_not_migrated' })]);
  });

  it('clamps out-of-range scores and nulls unusable ones, reporting both', () => {
    const index = buildLegacyIndex(migratedDoc);
    const clamped = planEnrollment(
      row({ completed_lessons: [], quiz_scores: { '5': 130 } }),
      index,
    );
    expect(clamped.rows[0].score).toBe(100);
    expect(clamped.report[0]).toMatchObject({ reason: 'score_clamped', value: 130, score: 100 });
    const invalid = planEnrollment(
      row({ completed_lessons: [], quiz_scores: { '5': 'n/a' } }),
      index,
    );
    expect(invalid.rows[0].score).toBeNull();
    expect(invalid.report[0]).toMatchObject({ reason: 'score_invalid' });
    const broken = planEnrollment(row({ completed_lessons: [], quiz_scores: [1, 2] }), index);
    expect(broken.report[0]).toMatchObject({ reason: 'invalid_quiz_scores' });
    expect(broken.rows).toHaveLength(1);
  });
});

describe('normalizeScore', () => {
  it.each([
    [75, { score: 75 }],
    ['82.5', { score: 82.5 }],
    [-1, { score: 0, issue: 'score_clamped' }],
    [null, { score: null, issue: 'score_invalid' }],
    ['', { score: null, issue: 'score_invalid' }],
  ])('normalizes %p', (raw, expected) => {
    expect(normalizeScore(raw)).toEqual(expected);
  });
});

describe('legacyCompletedAt', () => {
  it('takes the earliest of completed_at and last_accessed_at, else archived_at', () => {
    const completed = new Date('2025-02-01T00:00:00Z');
    expect(legacyCompletedAt(row({ enrollment_completed_at: completed }))).toEqual(completed);
    expect(
      legacyCompletedAt(row({ enrollment_completed_at: null, enrollment_last_accessed_at: null })),
    ).toEqual(new Date('2026-02-01T00:00:00Z'));
  });
});

describe(ProgressBackfillService.name, () => {
  /**
   * A service over one archived row, with a transaction that logs begin/commit/rollback and
   * repositories that log their statements.
   */
  const backfill = (log: string[], options: BackfillOptions, failCommit = false) => {
    let served = false;
    const em = {
      transactional: async (fn: () => Promise<unknown>) => {
        log.push('begin');
        try {
          const result = await fn();
          if (failCommit) throw new Error('commit failed');
          log.push('commit');
          return result;
        } catch (error) {
          log.push('rollback');
          throw error;
        }
      },
    } as unknown as EntityManager;
    const archive = {
      pendingCount: () => Promise.resolve(1),
      nextPending: () => {
        log.push('select enrollment_progress_legacy');
        const rows = served ? [] : [row({ completed_lessons: [1, 9], quiz_scores: null })];
        served = true;
        return Promise.resolve(rows);
      },
      markBackfilled: () => Promise.resolve(void log.push('update enrollment_progress_legacy')),
    } as unknown as LegacyArchiveRepository;
    const progress = {
      insertMissing: (rows: unknown[]) => {
        log.push('insert progress');
        return Promise.resolve(rows);
      },
    } as unknown as ProgressRepository;
    const contents = {
      collection: () =>
        ({
          find: () => ({ toArray: () => Promise.resolve([migratedDoc]) }),
        }) as unknown as Collection,
    } as LegacyContentRepository;
    const service = new ProgressBackfillService(em, archive, progress, contents, {} as AppConfig);
    return service.run(options);
  };

  it('writes a batch report before committing the batch, so a crash cannot lose it', async () => {
    const log: string[] = [];
    const summary = await backfill(log, {
      onReport: (e) => log.push(`report ${e.reason}`),
      beforeCommit: () => void log.push('sync'),
    });
    expect(summary).toMatchObject({ backfilled: 1, reportEntries: 1 });
    const at = (entry: string) => log.indexOf(entry);
    expect(at('report not_in_content')).toBeGreaterThan(at('update enrollment_progress_legacy'));
    expect(at('sync')).toBeGreaterThan(at('report not_in_content'));
    expect(at('commit')).toBeGreaterThan(at('sync'));
  });

  it('rolls the batch back when its report cannot be written', async () => {
    const log: string[] = [];
    await expect(
      backfill(log, {
        onReport: () => {
          throw new Error('ENOSPC');
        },
      }),
    ).rejects.toThrow('ENOSPC');
    expect(log).toContain('rollback');
    expect(log).not.toContain('commit');
  });

  it('does not count a batch whose commit failed (its report lines may repeat on the rerun)', async () => {
    const log: string[] = [];
    const reported: string[] = [];
    await expect(backfill(log, { onReport: (e) => reported.push(e.reason) }, true)).rejects.toThrow(
      'commit failed',
    );
    expect(reported).toEqual(['not_in_content']);
  });
});

describe(ContentIndexCache.name, () => {
  it('returns every requested course even when they are more than it keeps', async () => {
    const docs = [1, 2, 3].map((course_id) => ({ ...migratedDoc, course_id }));
    const contents = {
      find: (q: { course_id: { $in: number[] } }) => ({
        toArray: () => Promise.resolve(docs.filter((d) => q.course_id.$in.includes(d.course_id))),
      }),
    } as unknown as Collection;
    const indexes = await new ContentIndexCache(contents, 2).get([1, 2, 3, 4]);
    expect([...indexes.entries()].map(([id, index]) => [id, index?.migrated])).toEqual([
      [1, true],
      [2, true],
      [3, true],
      [4, undefined],
    ]);
  });
});
