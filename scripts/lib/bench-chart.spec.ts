import { benchChart, ChartInput, escapeXml, niceScale, renderChart } from './bench-chart';
import { compareHotRead, LoadSample, ScaleResults } from './bench-stats';

const input: ChartInput = {
  title: 'Hot reads & more',
  subtitle: '2 × CPU',
  barsTitle: 'req/s',
  bars: [
    {
      label: 'content, anonymous',
      sublabel: 'realistic',
      service: 3820,
      floor: 5100,
      ratio: 0.749,
      pass: true,
    },
    {
      label: 'progress summary',
      sublabel: 'small',
      service: 510,
      floor: 1500,
      ratio: 0.34,
      p99Ratio: 2.5,
      pass: false,
    },
  ],
  panels: [
    {
      title: 'Content edit vs enrollments',
      unit: 'ms',
      log: true,
      x: ['0', '100k'],
      series: [
        { name: 'service PATCH', values: [12.3, 12.9] },
        { name: 'legacy recompute', values: [0.2, 640] },
      ],
    },
    {
      title: 'Course report <limit=100>',
      unit: 'ms',
      x: ['350 × 130', '3,500 × 130'],
      series: [{ name: 'service', values: [18, null] }],
      target: { value: 50, label: 'target < 50 ms' },
    },
  ],
};

const count = (svg: string, needle: string) => svg.split(needle).length - 1;

describe(renderChart.name, () => {
  const svg = renderChart(input);

  it('is one self-contained SVG document', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).not.toMatch(/href=|<script|<image/);
  });

  it('draws a service and a floor bar per group, with the values and the ratio', () => {
    expect(count(svg, 'class="bar service"')).toBe(2);
    expect(count(svg, 'class="bar floor"')).toBe(2);
    for (const label of ['3,820', '5,100', '510', '1,500', 'content, anonymous', 'realistic']) {
      expect(svg).toContain(`>${label}</text>`);
    }
    expect(svg).toContain('>ratio 0.75 PASS</text>');
    expect(svg).toContain('>ratio 0.34 FAIL</text>');
    expect(svg).toContain('>p99 ratio 2.50</text>');
    expect(count(svg, 'p99 ratio')).toBe(1);
  });

  it('draws a line per series, a point per measured value and the target', () => {
    expect(count(svg, '<polyline class="series"')).toBe(3);
    expect(count(svg, '<circle')).toBe(5);
    expect(svg).toContain('>legacy recompute</text>');
    expect(svg).toContain('>640</text>');
    expect(svg).toContain('>100k</text>');
    expect(svg).toContain('>ms (log)</text>');
    expect(svg).toContain('>target &lt; 50 ms</text>');
    expect(svg).toContain('stroke-dasharray');
  });

  it('escapes text', () => {
    expect(svg).toContain('>Hot reads &amp; more</text>');
    expect(svg).toContain('>Course report &lt;limit=100&gt;</text>');
    expect(escapeXml('"a" & <b>')).toBe('&quot;a&quot; &amp; &lt;b&gt;');
  });
});

describe(niceScale.name, () => {
  it('reaches the value in steps of 1, 2 or 5 times a power of ten', () => {
    expect(niceScale(27_568, 5)).toEqual({ top: 30_000, step: 10_000 });
    expect(niceScale(44.8, 4)).toEqual({ top: 60, step: 20 });
    expect(niceScale(1.27, 4)).toEqual({ top: 1.5, step: 0.5 });
    expect(niceScale(0, 4)).toEqual({ top: 0.5, step: 0.5 });
  });
});

describe(benchChart.name, () => {
  const sample = (rps: number, p99: number): LoadSample => ({
    rps,
    p50: 1,
    p99,
    requests: rps * 5,
    errors: 0,
    non2xx: 0,
  });
  const scale: ScaleResults = {
    samples: 40,
    edit: [
      { enrollments: 0, serviceMs: 12, legacyMs: 0.2 },
      { enrollments: 100_000, serviceMs: 12.5, legacyMs: 700 },
    ],
    summary: [
      { scale: 1, progressRows: 24_229, ms: 1.1 },
      { scale: 10, progressRows: 242_290, ms: 1.2 },
      { scale: 100, progressRows: 2_422_900, ms: 1.22 },
    ],
    report: [
      { students: 350, items: 130, ms: 20 },
      { students: 3500, items: 130, ms: 150 },
    ],
    rssBytes: 200 * 1024 * 1024,
  };

  it('charts every hot read and the three scale rows of a run', () => {
    const chart = benchChart({
      date: '2026-12-04T10:00:00.000Z',
      machine: { cpuModel: 'AMD EPYC', cpus: 2, node: 'v20.20.2' },
      settings: { connections: 10, rounds: 4, duration: 5 },
      hotReads: [
        compareHotRead(
          'content-public',
          'content, anonymous',
          'realistic',
          [sample(900, 4)],
          [sample(1000, 3)],
        ),
      ],
      scale,
    });
    expect(chart.bars).toEqual([
      expect.objectContaining({
        label: 'content, anonymous',
        service: 900,
        floor: 1000,
        ratio: 0.9,
        pass: true,
      }),
    ]);
    expect(chart.panels.map((p) => p.x)).toEqual([
      ['0', '100k'],
      ['1× (24.2k)', '10× (242k)', '100× (2.42M)'],
      ['350 × 130', '3.5k × 130'],
    ]);
    expect(chart.subtitle).toContain('2026-12-04 · 2 × AMD EPYC');
    expect(renderChart(chart)).toContain('>ratio 0.90 PASS</text>');
  });
});
