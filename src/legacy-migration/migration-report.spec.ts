import {
  backfillDeferredMessage,
  backfillRejectedMessage,
  backfillSummaryLines,
  objectIdLeftAsFoundMessage,
  objectIdSummaryLines,
  verifyLines,
} from './migration-report';
import { ObjectIdMigrationSummary } from './objectid-migration';
import { BackfillSummary } from './progress-backfill.service';

const objectIdSummary = (
  over: Partial<ObjectIdMigrationSummary> = {},
): ObjectIdMigrationSummary => ({
  scanned: 10,
  changed: 8,
  skipped: 2,
  failed: 0,
  itemsConverted: 40,
  defaultsAdded: 12,
  issues: 3,
  leftAsFound: 1,
  retries: 1,
  dryRun: false,
  stoppedEarly: false,
  elapsedMs: 2000,
  failures: [],
  ...over,
});

const backfillSummary = (over: Partial<BackfillSummary> = {}): BackfillSummary => ({
  dryRun: false,
  pendingAtStart: 5,
  scanned: 5,
  backfilled: 4,
  deferred: 1,
  progressRowsInserted: 9,
  progressRowsExisting: 2,
  completionsMapped: 11,
  completionsUnmapped: 3,
  mappedToAllCandidates: 1,
  mappedToQuizLessons: 2,
  unmappedByReason: {},
  modulesIgnored: 4,
  reportEntries: 3,
  stoppedEarly: false,
  elapsedMs: 1000,
  ...over,
});

describe(objectIdSummaryLines.name, () => {
  it('counts what changed and names the report when it has lines', () => {
    expect(objectIdSummaryLines(objectIdSummary(), { path: 'r.jsonl', lines: 3 })).toEqual([
      'migrate:objectid',
      '  documents scanned 10, changed 8, skipped (already migrated) 2, failed 0',
      '  items converted 40, defaults added 12, compare-and-set retries 1',
      '  issues reported 3 (left as found: 1) -> r.jsonl',
      '  elapsed 2.0 s, 5 docs/s',
    ]);
  });

  it('says what a dry run or an early stop means', () => {
    const lines = objectIdSummaryLines(objectIdSummary({ dryRun: true, stoppedEarly: true }), {
      path: 'r.jsonl',
      lines: 0,
    });
    expect(lines[0]).toBe(
      'migrate:objectid (dry run: nothing written) (stopped early: rerun to finish)',
    );
    expect(lines[1]).toMatch(/would change 8/);
    expect(lines[3]).toBe('  issues reported 3 (left as found: 1)');
  });

  it('points at --allow-invalid for values left as found', () => {
    expect(objectIdLeftAsFoundMessage(objectIdSummary(), 'r.jsonl')).toMatch(
      /^1 value\(s\) left as found .*listed in r\.jsonl.*--allow-invalid/,
    );
  });
});

describe(verifyLines.name, () => {
  it('lists offenders, then the counts', () => {
    const lines = verifyLines(
      {
        documents: 2,
        badDocuments: 1,
        leftAsFoundOnly: 1,
        offenders: [{ course_id: 7, path: 'modules[0]', reason: 'invalid_item', value: null }],
      },
      true,
    );
    expect(lines).toEqual([
      'offender course_id=7 modules[0] invalid_item value=null',
      'verify: 2 documents, 1 with offenders (1 offenders listed), 1 with only values left as found (allowed)',
    ]);
  });
});

describe(backfillSummaryLines.name, () => {
  it('covers the backfill, the resolutions and the report lines by reason', () => {
    const lines = backfillSummaryLines(
      backfillSummary(),
      { requested: true, summary: { applied: 2, inserted: 1, rejected: 1 } },
      { path: 'b.jsonl', lines: 4, byReason: { ambiguous: 2, resolved: 2 } },
    );
    expect(lines).toEqual([
      'migrate:backfill-progress',
      '  enrollments pending 5, scanned 5, backfilled 4, deferred (content not migrated yet) 1',
      '  completions mapped 11, unmapped 3; progress rows inserted 9, already present 2',
      '  ambiguous ids mapped to every candidate (course finished) 1, quiz ids mapped to quiz-type lessons 2',
      '  completed_modules ignored (modules are not items) 4',
      '  resolutions applied 2 (rows inserted 1), rejected 1',
      '  report entries 4 (ambiguous=2 resolved=2) -> b.jsonl',
      '  elapsed 1.0 s, 5 enrollments/s',
    ]);
  });

  it('says the resolutions wait when the run stopped early', () => {
    const lines = backfillSummaryLines(
      backfillSummary({ stoppedEarly: true }),
      { requested: true },
      { path: 'b.jsonl', lines: 0, byReason: {} },
    );
    expect(lines).toContain(
      '  resolutions not applied: the run stopped early, rerun to finish first',
    );
  });

  it('tells a deferred enrollment and a rejected resolution apart', () => {
    expect(backfillDeferredMessage(backfillSummary())).toMatch(
      /1 enrollment\(s\) were deferred \(content_not_migrated\).*Run "npm run migrate:objectid", then rerun this backfill\./,
    );
    expect(backfillRejectedMessage(2, { path: 'b.jsonl', lines: 3 })).toBe(
      "migrate:backfill-progress: 2 resolution(s) rejected; the report's resolution_rejected lines say why (b.jsonl).",
    );
  });
});
