import { ObjectId } from 'bson';
import { Collection, Document } from 'mongodb';
import {
  cacheCourseIds,
  casFilter,
  classifyId,
  findOffenders,
  isObjectIdString,
  migratedMetadata,
  parseLegacyDate,
  transformContentDocument,
} from './domain/objectid-transform';
import { migrateToObjectId, verifyContent } from './objectid-migration';

const legacyDoc = () => ({
  _id: new ObjectId('65f1a2b3c4d5e6f7a8b9c0d1'),
  course_id: 7,
  created_at: new Date('2025-01-01T00:00:00Z'),
  updated_at: new Date('2025-01-02T00:00:00Z'),
  metadata: { total_modules: 9, total_lessons: 9, tags: ['python'] },
  modules: [
    {
      module_id: 1,
      title: 'Intro',
      order: 1,
      is_published: true,
      lessons: [
        {
          lesson_id: 1,
          title: 'Welcome',
          type: 'video',
          duration_minutes: 10,
          order: 1,
          resources: [{ name: 'Slides', url: 'https://x.test/s.pdf', type: 'pdf' }],
        },
        { lesson_id: 2, title: 'Overview', type: 'text', duration_minutes: 5, order: 2 },
      ],
      quizzes: [{ quiz_id: 3, title: 'Check', order: 3 }],
    },
    {
      title: 'No id',
      order: 2,
      is_published: false,
      lessons: [{ title: 'x', duration_minutes: 60 }],
    },
  ],
});

describe('transformContentDocument', () => {
  it('gives every integer or missing id an ObjectId and keeps the integer as legacy_id', () => {
    const { set, changed, itemsConverted, issues } = transformContentDocument(legacyDoc());
    expect(changed).toBe(true);
    const [m1, m2] = set.modules;
    expect(isObjectIdString(m1.module_id)).toBe(true);
    expect(m1.legacy_id).toBe(1);
    expect(m1.lessons[0]).toMatchObject({ legacy_id: 1, is_active: true, is_preview: false });
    expect(isObjectIdString(m1.lessons[0].resources[0].resource_id)).toBe(true);
    expect(m1.lessons[0].resources[0]).not.toHaveProperty('legacy_id');
    expect(m1.lessons[1].resources).toEqual([]);
    expect(m1.quizzes[0]).toMatchObject({ legacy_id: 3, is_active: true, passing_score: null });
    expect(m1.summaries).toEqual([]);
    expect(isObjectIdString(m2.module_id)).toBe(true);
    expect(m2).not.toHaveProperty('legacy_id');
    expect(itemsConverted).toBe(7);
    expect(issues).toEqual([]);
  });

  it('recomputes metadata from active items and starts versioning at 1', () => {
    const { set } = transformContentDocument(legacyDoc());
    expect(set.metadata).toEqual({
      total_modules: 2,
      total_lessons: 3,
      total_quizzes: 1,
      total_summaries: 0,
      total_duration_hours: 1.25,
      tags: ['python'],
    });
    expect(set.version).toBe(1);
  });

  it('changes nothing on an already migrated document', () => {
    const first = transformContentDocument(legacyDoc());
    const migrated = { ...legacyDoc(), ...first.set };
    const second = transformContentDocument(migrated);
    expect(second.changed).toBe(false);
    expect(second.itemsConverted).toBe(0);
    expect(second.set.modules).toEqual(migrated.modules);
  });

  it('bumps an existing version', () => {
    const first = transformContentDocument(legacyDoc());
    const doc = { ...legacyDoc(), ...first.set, version: 4 };
    doc.modules[0].lessons.push({ lesson_id: 99, title: 'late integer' } as never);
    expect(transformContentDocument(doc).set.version).toBe(5);
  });

  it('reports garbage ids instead of failing', () => {
    const doc = legacyDoc();
    doc.modules[0].lessons.push(
      { lesson_id: 'intro', title: 'a' } as never,
      { lesson_id: '17', title: 'b' } as never,
      { lesson_id: 4.5, title: 'c' } as never,
      { lesson_id: 2, title: 'duplicate of 2' } as never,
      null as never,
    );
    const { set, issues } = transformContentDocument(doc);
    const kinds = Object.fromEntries(issues.map((i) => [i.path, i.kind]));
    expect(kinds).toEqual({
      'modules[0].lessons[1].lesson_id': 'duplicate_integer',
      'modules[0].lessons[2].lesson_id': 'invalid_string',
      'modules[0].lessons[3].lesson_id': 'integer_string',
      'modules[0].lessons[4].lesson_id': 'non_integer_number',
      'modules[0].lessons[5].lesson_id': 'duplicate_integer',
      'modules[0].lessons[6]': 'invalid_item',
    });
    const lessons = set.modules[0].lessons;
    expect(lessons[2]).not.toHaveProperty('legacy_id');
    expect(lessons[3].legacy_id).toBe(17);
    expect(lessons[4]).not.toHaveProperty('legacy_id');
    expect(lessons[1].legacy_id).toBe(2);
    expect(lessons[5].legacy_id).toBe(2);
    expect(lessons[1].lesson_id).not.toBe(lessons[5].lesson_id);
    expect(lessons[6]).toBeNull();
  });

  it('keeps valid ObjectIds, lower-cases upper-case ones and replaces repeated ones', () => {
    const id = new ObjectId().toHexString();
    const doc = {
      course_id: 1,
      version: 2,
      modules: [
        { module_id: id, title: 'a', is_active: true, lessons: [] },
        { module_id: id.toUpperCase(), title: 'b', is_active: true },
        { module_id: new ObjectId(), title: 'c', is_active: true },
      ],
    };
    const { set, issues } = transformContentDocument(doc);
    expect(set.modules[0].module_id).toBe(id);
    expect(set.modules[1].module_id).not.toBe(id);
    expect(isObjectIdString(set.modules[1].module_id)).toBe(true);
    expect(isObjectIdString(set.modules[2].module_id)).toBe(true);
    expect(issues.map((i) => i.kind)).toEqual(['uppercase_object_id', 'bson_object_id']);
  });

  it('takes created_at from the ObjectId when it is missing', () => {
    const doc = { ...legacyDoc(), created_at: undefined };
    const { set } = transformContentDocument(doc);
    expect(set.created_at).toEqual(doc._id.getTimestamp());
  });

  it('reads a created_at stored as text, and reports it', () => {
    const doc = { ...legacyDoc(), created_at: '2024-01-05T10:00:00Z' };
    const { set, issues } = transformContentDocument(doc);
    expect(set.created_at).toEqual(new Date('2024-01-05T10:00:00Z'));
    expect(issues).toContainEqual({
      course_id: 7,
      path: 'created_at',
      kind: 'created_at_string',
      value: '2024-01-05T10:00:00Z',
      new_value: '2024-01-05T10:00:00.000Z',
    });
    const dateOnly = transformContentDocument({ ...legacyDoc(), created_at: '2024-01-05' });
    expect(dateOnly.set.created_at).toEqual(new Date(Date.UTC(2024, 0, 5)));
  });

  it('keeps a created_at it cannot read, reports it, and does not rewrite the document for it', () => {
    const doc = { ...legacyDoc(), created_at: 'last tuesday' };
    const first = transformContentDocument(doc);
    expect(first.set).not.toHaveProperty('created_at');
    expect(first.issues).toContainEqual({
      course_id: 7,
      path: 'created_at',
      kind: 'invalid_created_at',
      value: 'last tuesday',
    });
    const migrated = { ...doc, ...first.set };
    const again = transformContentDocument(migrated);
    expect(again.changed).toBe(false);
    expect(again.issues.map((i) => i.kind)).toEqual(['invalid_created_at']);
    expect(migrated.created_at).toBe('last tuesday');
  });
});

describe(parseLegacyDate.name, () => {
  it.each([
    ['2024-01-05', '2024-01-05T00:00:00.000Z'],
    ['2024-01-05T10:00:00Z', '2024-01-05T10:00:00.000Z'],
    ['2024-01-05T10:00:00.123456', '2024-01-05T10:00:00.123Z'],
    ['2024-01-05 10:00:00', '2024-01-05T10:00:00.000Z'],
    ['2024-01-05T10:00', '2024-01-05T10:00:00.000Z'],
    ['2024-01-05T12:30:00+02:00', '2024-01-05T10:30:00.000Z'],
    ['2024-01-05T05:00:00-0500', '2024-01-05T10:00:00.000Z'],
    [' 2024-01-05t10:00:00z ', '2024-01-05T10:00:00.000Z'],
  ])('reads %p as %p (no offset means UTC)', (text, iso) => {
    expect(parseLegacyDate(text)?.toISOString()).toBe(iso);
  });

  it.each(['', 'last tuesday', '1', '05/01/2024', 'Jan 5 2024', '2024-02-30', '2024-01-05T25:00'])(
    'does not guess at %p',
    (text) => {
      expect(parseLegacyDate(text)).toBeUndefined();
    },
  );
});

describe('classifyId', () => {
  it.each([
    [12, { keep: false, legacyId: 12 }],
    [undefined, { keep: false }],
    ['12', { keep: false, legacyId: 12, issue: 'integer_string' }],
    [true, { keep: false, issue: 'invalid_type' }],
    [Number.NaN, { keep: false, issue: 'non_integer_number' }],
  ])('classifies %p', (value, expected) => {
    expect(classifyId(value)).toMatchObject(expected);
  });
});

describe(migratedMetadata.name, () => {
  it('counts only active modules and active lessons in them', () => {
    const meta = migratedMetadata(
      [
        {
          is_active: true,
          lessons: [
            { is_active: true, duration_minutes: 20 },
            { is_active: false, duration_minutes: 99 },
          ],
        },
        { is_active: false, lessons: [{ is_active: true, duration_minutes: 40 }] },
      ],
      undefined,
    );
    expect(meta).toEqual({
      total_modules: 1,
      total_lessons: 1,
      total_quizzes: 0,
      total_summaries: 0,
      total_duration_hours: 0.33,
      tags: [],
    });
  });

  it('skips items that are not objects and reads garbage fields as the migration leaves them', () => {
    const meta = migratedMetadata(
      [
        null,
        {
          is_active: 0,
          lessons: [
            null,
            { is_active: 'no', duration_minutes: '30' },
            { is_active: false, duration_minutes: 60 },
            { duration_minutes: 45 },
          ],
        },
      ],
      ['a', 3, null, 'b'],
    );
    expect(meta).toEqual({
      total_modules: 1,
      total_lessons: 2,
      total_quizzes: 0,
      total_summaries: 0,
      total_duration_hours: 0.75,
      tags: ['a', 'b'],
    });
  });
});

describe('findOffenders', () => {
  it('flags integer ids and missing is_active, and nothing after the migration', () => {
    const offenders = findOffenders(legacyDoc());
    expect(offenders.map((o) => o.reason)).toContain('id_not_object_id');
    expect(offenders.map((o) => o.reason)).toContain('is_active_missing');
    expect(offenders.map((o) => o.reason)).toContain('version_missing');
    const migrated = { ...legacyDoc(), ...transformContentDocument(legacyDoc()).set };
    expect(findOffenders(migrated)).toEqual([]);
  });

  it('tells a created_at the migration will read from one it leaves as found', () => {
    const reason = (created_at: unknown) =>
      findOffenders({ ...legacyDoc(), version: 1, modules: [], created_at }).map((o) => o.reason);
    expect(reason(new Date())).toEqual([]);
    expect(reason('2024-01-05')).toEqual(['created_at_not_date']);
    expect(reason(undefined)).toEqual(['created_at_not_date']);
    expect(reason('someday')).toEqual(['invalid_created_at']);
    expect(reason(1704448800000)).toEqual(['invalid_created_at']);
  });
});

describe('casFilter', () => {
  it('uses the version when there is one, else pins modules and updated_at', () => {
    const doc = legacyDoc();
    expect(casFilter({ ...doc, version: 3 })).toEqual({ _id: doc._id, version: 3 });
    expect(casFilter(doc)).toEqual({
      _id: doc._id,
      version: { $exists: false },
      updated_at: doc.updated_at,
      modules: doc.modules,
    });
  });
});

describe('migrateToObjectId', () => {
  /** A collection holding `docs` whose bulk writes all match; logs what happens. */
  const fakeCollection = (docs: Document[], log: string[]) => {
    const cursor = {
      sort: () => cursor,
      batchSize: () => cursor,
      close: () => Promise.resolve(),
      [Symbol.asyncIterator]: async function* () {
        yield* docs;
      },
    };
    return {
      find: () => cursor,
      bulkWrite: (ops: unknown[]) => {
        log.push(`bulkWrite ${ops.length}`);
        return Promise.resolve({ matchedCount: ops.length });
      },
    } as unknown as Collection;
  };
  const garbageDoc = () => ({ ...legacyDoc(), modules: [{ module_id: 'abc', title: 'x' }] });

  it('reports garbage ids before the write and invalidates after it', async () => {
    const log: string[] = [];
    const summary = await migrateToObjectId({
      collection: fakeCollection([garbageDoc(), { ...legacyDoc(), course_id: 8 }], log),
      onIssue: (i) => log.push(`issue ${i.kind}`),
      beforeWrite: () => Promise.resolve(void log.push('sync')),
      afterWrite: (written) =>
        Promise.resolve(void log.push(`afterWrite ${written.map((d) => d.course_id).join(',')}`)),
    });
    expect(summary).toMatchObject({ changed: 2, issues: 1, failed: 0 });
    expect(log).toEqual(['issue invalid_string', 'sync', 'bulkWrite 2', 'afterWrite 7,8']);
  });

  it('ends the run when the after-write step fails', async () => {
    await expect(
      migrateToObjectId({
        collection: fakeCollection([legacyDoc()], []),
        afterWrite: () => Promise.reject(new Error('Redis down')),
      }),
    ).rejects.toThrow('Redis down');
  });

  it('counts what it leaves as found, in documents it rewrites and in those it skips', async () => {
    const log: string[] = [];
    const withNull = { ...legacyDoc(), course_id: 8, modules: [null, { module_id: 1 }] };
    const migrated = {
      ...legacyDoc(),
      course_id: 9,
      ...transformContentDocument({ ...legacyDoc(), modules: [3] }).set,
    };
    const summary = await migrateToObjectId({
      collection: fakeCollection([withNull, migrated, { ...legacyDoc(), course_id: 10 }], log),
      onIssue: (i) => log.push(`issue ${String(i.course_id)} ${i.kind}`),
    });
    expect(summary).toMatchObject({ changed: 2, skipped: 1, leftAsFound: 2, failed: 0 });
    expect(log).toEqual(['issue 9 invalid_item', 'issue 8 invalid_item', 'bulkWrite 2']);
  });

  it('calls no write hook on a dry run', async () => {
    const log: string[] = [];
    const summary = await migrateToObjectId({
      collection: fakeCollection([garbageDoc()], log),
      dryRun: true,
      onIssue: (i) => log.push(`issue ${i.kind}`),
      beforeWrite: () => Promise.resolve(void log.push('sync')),
      afterWrite: () => Promise.resolve(void log.push('afterWrite')),
    });
    expect(summary.changed).toBe(1);
    expect(log).toEqual(['issue invalid_string']);
  });
});

describe(verifyContent.name, () => {
  it('counts documents whose only offenders are values the migration leaves as found', async () => {
    const migrated = (doc: Document) => ({ ...doc, ...transformContentDocument(doc).set });
    const docs = [
      migrated({ ...legacyDoc(), modules: [null] }),
      migrated({ ...legacyDoc(), created_at: 'someday' }),
      migrated(legacyDoc()),
      legacyDoc(),
    ];
    const collection = {
      find: () => ({ sort: () => docs }),
    } as unknown as Collection;
    expect(await verifyContent(collection)).toMatchObject({
      documents: 4,
      badDocuments: 3,
      leftAsFoundOnly: 2,
    });
  });
});

describe(cacheCourseIds.name, () => {
  it('keeps integer course ids once, reading integer strings, skipping anything else', () => {
    expect(
      cacheCourseIds([
        { course_id: 3 },
        { course_id: '4' },
        { course_id: 3 },
        { course_id: 'x' },
        {},
      ]),
    ).toEqual([3, 4]);
  });
});
