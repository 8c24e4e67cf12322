import { ObjectId } from 'bson';
import { buildLegacyIndex, LegacyProgressRow } from './legacy-completions';
import { legacyProgressRow, resolutionOf } from '../../../test/support/unit-fixtures';
import { parseResolutions, planResolution, Resolution } from './legacy-resolutions';

const oid = () => new ObjectId().toHexString();
const ids = { l2a: oid(), l2b: oid(), q5: oid(), ql7: oid(), other: oid() };
const index = buildLegacyIndex({
  course_id: 3,
  modules: [
    {
      module_id: oid(),
      lessons: [
        { lesson_id: ids.l2a, legacy_id: 2 },
        { lesson_id: ids.other, legacy_id: 8 },
      ],
      quizzes: [{ quiz_id: ids.q5, legacy_id: 5 }],
    },
    {
      module_id: oid(),
      lessons: [
        { lesson_id: ids.l2b, legacy_id: 2 },
        { lesson_id: ids.ql7, legacy_id: 7, type: 'quiz' },
      ],
    },
  ],
});
const archived = legacyProgressRow({
  completed_lessons: [2, 9],
  completed_quizzes: [7],
  quiz_scores: { '7': 71.5 },
});
const resolution = (over: Partial<Resolution>) => resolutionOf(ids.l2b, over);

describe('parseResolutions', () => {
  it('reads CSV with a header and JSON lines alike', () => {
    const csv = `enrollment_id,item_type,legacy_id,item_id\n10,lesson,2,${ids.l2b}\n\n"11",quiz,5,${ids.q5}\n`;
    const jsonl = [
      JSON.stringify({ enrollment_id: 10, item_type: 'lesson', legacy_id: 2, item_id: ids.l2b }),
      '',
      JSON.stringify({ enrollment_id: '11', item_type: 'quiz', legacy_id: '5', item_id: ids.q5 }),
    ].join('\n');
    const expected = [
      { enrollment_id: 10, item_type: 'lesson', legacy_id: 2, item_id: ids.l2b },
      { enrollment_id: 11, item_type: 'quiz', legacy_id: 5, item_id: ids.q5 },
    ];
    expect(parseResolutions(csv)).toEqual(expected.map((e, i) => ({ ...e, line: [2, 4][i] })));
    expect(parseResolutions(jsonl)).toEqual(expected.map((e, i) => ({ ...e, line: [1, 3][i] })));
  });

  it('rejects the whole file, naming every bad line', () => {
    const csv = `enrollment_id,item_type,legacy_id,item_id\nx,lesson,2,${ids.l2b}\n10,module,2,${ids.l2b}\n10,lesson,2,nope\n10,lesson,,${ids.l2b}\n`;
    expect(() => parseResolutions(csv)).toThrow(
      /4 bad line\(s\), nothing was applied:\n {2}line 2: enrollment_id must be a positive integer\n {2}line 3: item_type must be "lesson" or "quiz"\n {2}line 4: item_id must be a 24-character hex ObjectId\n {2}line 5: missing legacy_id/,
    );
    expect(() => parseResolutions('{"enrollment_id": 1}\n{oops')).toThrow(
      /line 1: missing item_type, legacy_id, item_id\n {2}line 2: not valid JSON/,
    );
  });
});

describe('planResolution', () => {
  const plan = (r: Resolution, row: LegacyProgressRow | undefined = archived) =>
    planResolution(r, row, index, () => undefined);
  const unknownEnrollment = (r: Resolution) => planResolution(r, undefined, index, () => undefined);

  it('turns a candidate into the row the backfill would have written', () => {
    expect(plan(resolution({}))).toEqual({
      user_id: 42,
      course_id: 3,
      item_type: 'lesson',
      item_id: ids.l2b,
      score: null,
      completed_at: new Date('2025-03-01T00:00:00Z'),
    });
    expect(plan(resolution({ item_type: 'quiz', legacy_id: 7, item_id: ids.ql7 }))).toMatchObject({
      item_type: 'lesson',
      item_id: ids.ql7,
      score: 71.5,
    });
  });

  it('lets an id that matches nothing map to any item of its kind', () => {
    expect(plan(resolution({ legacy_id: 9, item_id: ids.other }))).toMatchObject({
      item_id: ids.other,
    });
  });

  it('rejects an enrollment that is not archived', () => {
    expect(unknownEnrollment(resolution({}))).toBe('enrollment not in the legacy archive');
  });

  it.each([
    [
      resolution({ legacy_id: 3 }),
      archived,
      "legacy_id 3 is not in the enrollment's completed_lessons",
    ],
    [resolution({ item_id: ids.other }), archived, 'is not one of the candidates'],
    [resolution({ item_id: oid() }), archived, 'is not a lesson or quiz of course 3'],
    [resolution({ legacy_id: 9, item_id: ids.q5 }), archived, 'is a quiz, not a lesson'],
  ])('rejects a resolution: %#', (r, row, why) => {
    expect(plan(r, row)).toEqual(expect.stringContaining(why));
  });
});
