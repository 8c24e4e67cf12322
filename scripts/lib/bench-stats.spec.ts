import {
  compareHotRead,
  firstDifference,
  formatMs,
  LoadSample,
  markdownTable,
  median,
  ScaleResults,
  scaleRows,
  summaryLine,
  textTable,
} from './bench-stats';

const sample = (rps: number, p50: number, p99: number): LoadSample => ({
  rps,
  p50,
  p99,
  requests: rps * 5,
  errors: 0,
  non2xx: 0,
});

describe(median.name, () => {
  it('takes the middle value, or the mean of the two middle ones', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });
});

describe(compareHotRead.name, () => {
  it('compares medians over the rounds and keeps each target range', () => {
    const result = compareHotRead(
      'summary',
      'progress summary',
      'realistic',
      [sample(600, 3, 10), sample(800, 2, 12), sample(700, 2, 30)],
      [sample(1000, 1, 6), sample(1100, 1, 8), sample(900, 1, 7)],
    );
    expect(result.service.rps).toEqual({ median: 700, min: 600, max: 800 });
    expect(result.floor.rps).toEqual({ median: 1000, min: 900, max: 1100 });
    expect(result.service.p50).toBe(2);
    expect(result.service.p99).toBe(12);
    expect(result.rpsRatio).toBeCloseTo(0.7);
    expect(result.p99Ratio).toBeCloseTo(12 / 7);
    expect(result.pass).toBe(true);
  });

  it('fails below the req/s ratio or above the p99 ratio', () => {
    expect(compareHotRead('a', 'a', 's', [sample(590, 1, 2)], [sample(1000, 1, 2)]).pass).toBe(
      false,
    );
    expect(compareHotRead('a', 'a', 's', [sample(1000, 1, 9)], [sample(1000, 1, 4)]).pass).toBe(
      false,
    );
  });

  it('reads p99 of 0 and 1 ms alike: autocannon rounds to whole milliseconds', () => {
    const result = compareHotRead('a', 'a', 's', [sample(1000, 0, 1)], [sample(1000, 0, 0)]);
    expect(result.p99Ratio).toBe(1);
  });
});

const scale: ScaleResults = {
  samples: 40,
  edit: [
    { enrollments: 0, serviceMs: 12, legacyMs: 0.2 },
    { enrollments: 100_000, serviceMs: 13, legacyMs: 700 },
  ],
  summary: [
    { scale: 1, progressRows: 24_000, ms: 2 },
    { scale: 10, progressRows: 240_000, ms: 2.8 },
    { scale: 100, progressRows: 2_400_000, ms: 3 },
  ],
  report: [
    { students: 350, items: 130, ms: 20 },
    { students: 3500, items: 130, ms: 150 },
  ],
  rssBytes: 180 * 1024 * 1024,
};

describe(scaleRows.name, () => {
  const rows = scaleRows(scale);
  const row = (start: string) => rows.find((r) => r.row.startsWith(start))!;

  it('judges the edit at the most enrollments against the edit without any', () => {
    expect(row('content edit (PATCH lesson title), 0 ').pass).toBeNull();
    expect(row('content edit (PATCH lesson title), 100,000 ')).toEqual(
      expect.objectContaining({ value: '13.0 ms', target: '≤ 1.30×', pass: true }),
    );
    expect(row('legacy recompute UPDATE, 100,000')).toEqual(
      expect.objectContaining({ value: '700 ms', pass: null }),
    );
  });

  it('judges the summary at 10× against 1× only', () => {
    expect(row('progress summary, table at 10×')).toEqual(
      expect.objectContaining({ compared: '1.40× of 1×', pass: false }),
    );
    expect(row('progress summary, table at 100×').pass).toBeNull();
    expect(row('progress summary, table at 1×').row).toContain('24,000 rows');
  });

  it('judges the smaller course report against the ms target, and shows the RSS', () => {
    expect(row('course report limit=100, 350 × 130')).toEqual(
      expect.objectContaining({ target: '< 50 ms', pass: true }),
    );
    expect(row('course report limit=100, 3,500 × 130').pass).toBeNull();
    expect(row('service RSS').value).toBe('180 MB');
  });

  it('ends with a summary line naming what failed', () => {
    const hot = [
      compareHotRead('a', 'content, anonymous', 'small', [sample(1, 1, 1)], [sample(2, 1, 1)]),
    ];
    expect(summaryLine(hot, rows)).toBe(
      'bench: FAIL — hot reads 0/1 meet ratio ≥ 0.6 and p99 ratio ≤ 2; scale targets 2/3; ' +
        'FAIL: content, anonymous small; progress summary, table at 10× (240,000 rows)',
    );
  });
});

describe('tables', () => {
  it('pads text columns and escapes Markdown pipes', () => {
    expect(textTable(['a', 'bb'], [['xxx', 'y']])).toBe('a    bb\nxxx  y');
    expect(markdownTable(['a', 'b'], [['1|2', '3']])).toBe(
      '| a | b |\n| --- | --- |\n| 1\\|2 | 3 |',
    );
  });

  it('formats milliseconds by size', () => {
    expect(formatMs(0.234)).toBe('0.23 ms');
    expect(formatMs(25.81)).toBe('25.8 ms');
    expect(formatMs(1234.5)).toBe('1,235 ms');
  });
});

describe(firstDifference.name, () => {
  it('names the path of the first difference, whatever the key order', () => {
    expect(firstDifference({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 })).toBeUndefined();
    expect(firstDifference({ a: [1, { c: 2 }] }, { a: [1, { c: 3 }] })).toBe('$.a[1].c (2 vs 3)');
    expect(firstDifference({ a: [1] }, { a: [1, 2] })).toBe('$.a.length (1 vs 2)');
    expect(firstDifference({ a: 1 }, { a: 1, b: null })).toBe('$.b (only in one)');
  });
});
