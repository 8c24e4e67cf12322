import { buildLegacyDataset, legacyIntOf } from './legacy-fixtures';

describe('buildLegacyDataset', () => {
  const params = {
    courses: 8,
    modulesPerCourse: 3,
    itemsPerModule: 5,
    enrollmentsPerCourse: 4,
    seed: 9,
  };

  it('is deterministic for a seed', () => {
    expect(buildLegacyDataset(params)).toEqual(buildLegacyDataset(params));
    expect(buildLegacyDataset({ ...params, seed: 10 })).not.toEqual(buildLegacyDataset(params));
  });

  it('writes legacy documents: integer ids, no is_active, no version', () => {
    const { courses } = buildLegacyDataset(params);
    const doc = courses[0].content!;
    expect(doc).not.toHaveProperty('version');
    expect(typeof doc.modules[0].module_id).toBe('number');
    expect(doc.modules[0]).not.toHaveProperty('is_active');
    expect(typeof doc.modules[0].lessons[0].lesson_id).toBe('number');
  });

  it('has one course of each special kind', () => {
    const { courses } = buildLegacyDataset(params);
    expect(courses[1].kind.ambiguous).toBe(true);
    expect(courses[2].kind.stale).toBe(true);
    expect(courses[3].kind.garbage).toBe(true);
    expect(courses[4].content).toBeUndefined();
    const lessonIds = courses[1].content!.modules.flatMap(
      (m: { lessons: { lesson_id: number }[] }) => m.lessons.map((l) => l.lesson_id),
    );
    expect(new Set(lessonIds).size).toBeLessThan(lessonIds.length);
  });

  it('computes percentages between 0 and 100 with 2 decimals', () => {
    for (const course of buildLegacyDataset(params).courses)
      for (const e of course.enrollments) {
        expect(e.completion_percentage).toBeGreaterThanOrEqual(0);
        expect(e.completion_percentage).toBeLessThanOrEqual(100);
        expect(Math.round(e.completion_percentage * 100)).toBeCloseTo(
          e.completion_percentage * 100,
          6,
        );
      }
  });
});

describe('legacyIntOf', () => {
  it('reads integers and integer strings only', () => {
    expect([legacyIntOf(3), legacyIntOf('4'), legacyIntOf(4.5), legacyIntOf('x')]).toEqual([
      3,
      4,
      undefined,
      undefined,
    ]);
  });
});
