import { GOALS, HotReadResult, ScaleResults } from './bench-stats';

/*
 * The chart of `npm run bench` (bench/results/hot-reads.svg): one self-contained SVG written as a
 * string. Grouped bars of req/s, service beside floor, per read and size with the ratio under
 * each group; below them small line panels for the scale rows.
 */

export interface BarGroup {
  label: string;
  /** A second line under the label (the course size). */
  sublabel?: string;
  service: number;
  floor: number;
  /** service / floor req/s, shown under the group. */
  ratio: number;
  /** service / floor p99, shown under the ratio. */
  p99Ratio?: number;
  pass: boolean;
}

export interface LineSeries {
  name: string;
  /** One value per x label; null where nothing was measured. */
  values: (number | null)[];
}

export interface LinePanel {
  title: string;
  /** Categories along the x axis, evenly spaced. */
  x: string[];
  series: LineSeries[];
  unit: string;
  /** A logarithmic y axis, for series that differ by orders of magnitude. */
  log?: boolean;
  /** A dashed horizontal line. */
  target?: { value: number; label: string };
}

export interface ChartInput {
  title: string;
  subtitle: string;
  bars: BarGroup[];
  barsTitle: string;
  panels: LinePanel[];
}

const WIDTH = 960;
const MARGIN = 20;
const COLORS = {
  service: '#2563eb',
  floor: '#9ca3af',
  series: ['#2563eb', '#dc2626', '#059669', '#7c3aed'],
  pass: '#15803d',
  fail: '#b91c1c',
  grid: '#e5e7eb',
  axis: '#374151',
  muted: '#6b7280',
};

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/**
 * An axis from 0 to `top` in `divisions` or fewer steps of 1, 2 or 5 times a power of ten, `top`
 * at or above `value`.
 */
export function niceScale(value: number, divisions: number): { top: number; step: number } {
  const raw = value > 0 ? value / divisions : 1 / divisions;
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  const step = (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * power;
  return { top: Math.max(step, Math.ceil(value / step - 1e-9) * step), step };
}

function ticksOf({ top, step }: { top: number; step: number }): number[] {
  const ticks: number[] = [];
  for (let i = 0; i * step <= top * (1 + 1e-9); i++) ticks.push(i * step);
  return ticks;
}

export function formatTick(value: number): string {
  if (value >= 1000) return Math.round(value).toLocaleString('en-US');
  if (value >= 10) return String(Math.round(value));
  return String(Number(value.toPrecision(2)));
}

const num = (n: number) => (Math.round(n * 10) / 10).toString();

function text(
  x: number,
  y: number,
  content: string,
  attrs: { size?: number; anchor?: 'start' | 'middle' | 'end'; fill?: string; cls?: string } = {},
): string {
  const cls = attrs.cls ? ` class="${attrs.cls}"` : '';
  return (
    `<text x="${num(x)}" y="${num(y)}" font-size="${attrs.size ?? 11}" ` +
    `text-anchor="${attrs.anchor ?? 'start'}" fill="${attrs.fill ?? COLORS.axis}"${cls}>` +
    `${escapeXml(content)}</text>`
  );
}

function line(x1: number, y1: number, x2: number, y2: number, stroke: string, dash = ''): string {
  const dashed = dash ? ` stroke-dasharray="${dash}"` : '';
  return (
    `<line x1="${num(x1)}" y1="${num(y1)}" x2="${num(x2)}" y2="${num(y2)}" ` +
    `stroke="${stroke}"${dashed}/>`
  );
}

function barsSection(input: ChartInput, top: number): { svg: string[]; height: number } {
  const svg: string[] = [];
  const plot = { left: MARGIN + 60, right: WIDTH - MARGIN, top: top + 40, height: 240 };
  const bottom = plot.top + plot.height;
  svg.push(text(MARGIN, top + 16, input.barsTitle, { size: 14, cls: 'section-title' }));
  // Legend, top right.
  const legendX = WIDTH - MARGIN - 170;
  svg.push(`<rect x="${legendX}" y="${top + 6}" width="12" height="12" fill="${COLORS.service}"/>`);
  svg.push(text(legendX + 16, top + 16, 'service', { size: 11 }));
  svg.push(
    `<rect x="${legendX + 80}" y="${top + 6}" width="12" height="12" fill="${COLORS.floor}"/>`,
  );
  svg.push(text(legendX + 96, top + 16, 'floor', { size: 11 }));

  const scale = niceScale(Math.max(1, ...input.bars.flatMap((b) => [b.service, b.floor])), 5);
  const y = (v: number) => bottom - (v / scale.top) * plot.height;
  for (const value of ticksOf(scale)) {
    svg.push(line(plot.left, y(value), plot.right, y(value), COLORS.grid));
    svg.push(text(plot.left - 6, y(value) + 4, formatTick(value), { size: 10, anchor: 'end' }));
  }
  svg.push(text(MARGIN, plot.top - 10, 'req/s', { size: 10, fill: COLORS.muted }));
  const groupWidth = (plot.right - plot.left) / Math.max(1, input.bars.length);
  const barWidth = Math.min(48, groupWidth * 0.32);
  input.bars.forEach((group, i) => {
    const centre = plot.left + groupWidth * (i + 0.5);
    const bars: [string, number, number][] = [
      ['service', group.service, centre - barWidth - 2],
      ['floor', group.floor, centre + 2],
    ];
    for (const [kind, value, x] of bars) {
      const height = bottom - y(value);
      svg.push(
        `<rect class="bar ${kind}" x="${num(x)}" y="${num(y(value))}" width="${num(barWidth)}" ` +
          `height="${num(height)}" fill="${kind === 'service' ? COLORS.service : COLORS.floor}">` +
          `<title>${escapeXml(`${group.label} ${group.sublabel ?? ''} ${kind}: ${formatTick(value)} req/s`)}</title></rect>`,
      );
      svg.push(
        text(x + barWidth / 2, y(value) - 4, formatTick(value), { size: 10, anchor: 'middle' }),
      );
    }
    svg.push(text(centre, bottom + 16, group.label, { size: 11, anchor: 'middle' }));
    if (group.sublabel) {
      svg.push(
        text(centre, bottom + 30, group.sublabel, {
          size: 10,
          anchor: 'middle',
          fill: COLORS.muted,
        }),
      );
    }
    svg.push(
      text(centre, bottom + 46, `ratio ${group.ratio.toFixed(2)} ${group.pass ? 'PASS' : 'FAIL'}`, {
        size: 11,
        anchor: 'middle',
        fill: group.pass ? COLORS.pass : COLORS.fail,
        cls: 'ratio',
      }),
    );
    if (group.p99Ratio !== undefined) {
      svg.push(
        text(centre, bottom + 60, `p99 ratio ${group.p99Ratio.toFixed(2)}`, {
          size: 10,
          anchor: 'middle',
          fill: COLORS.muted,
        }),
      );
    }
  });
  svg.push(line(plot.left, bottom, plot.right, bottom, COLORS.axis));
  return { svg, height: plot.top + plot.height + 72 - top };
}

function panelSvg(panel: LinePanel, left: number, top: number, width: number): string[] {
  const svg: string[] = [];
  const plot = { left: left + 48, right: left + width - 12, top: top + 56, height: 140 };
  const bottom = plot.top + plot.height;
  svg.push(text(left, top + 14, panel.title, { size: 12, cls: 'panel-title' }));
  panel.series.forEach((s, i) => {
    const x = left + i * 110;
    const color = COLORS.series[i % COLORS.series.length];
    svg.push(line(x, top + 27, x + 14, top + 27, color));
    svg.push(text(x + 18, top + 31, s.name, { size: 10 }));
  });
  const values = panel.series.flatMap((s) => s.values).filter((v): v is number => v !== null);
  const targetValue = panel.target?.value;
  const all = targetValue === undefined ? values : [...values, targetValue];
  let y: (v: number) => number;
  let ticks: number[];
  if (panel.log) {
    const positive = all.filter((v) => v > 0);
    const lo = 10 ** Math.floor(Math.log10(Math.min(...positive, 1)));
    const hi = 10 ** Math.ceil(Math.log10(Math.max(...positive, lo * 10)));
    const span = Math.log10(hi) - Math.log10(lo);
    y = (v) => bottom - ((Math.log10(Math.max(v, lo)) - Math.log10(lo)) / span) * plot.height;
    ticks = [];
    for (let t = lo; t <= hi * 1.0001; t *= 10) ticks.push(t);
  } else {
    const scale = niceScale(Math.max(...all, 0), 4);
    y = (v) => bottom - (v / scale.top) * plot.height;
    ticks = ticksOf(scale);
  }
  for (const t of ticks) {
    svg.push(line(plot.left, y(t), plot.right, y(t), COLORS.grid));
    svg.push(text(plot.left - 5, y(t) + 3, formatTick(t), { size: 9, anchor: 'end' }));
  }
  svg.push(
    text(left, plot.top - 4, panel.unit + (panel.log ? ' (log)' : ''), {
      size: 9,
      fill: COLORS.muted,
    }),
  );
  const step = (plot.right - plot.left) / Math.max(1, panel.x.length);
  const xAt = (i: number) => plot.left + step * (i + 0.5);
  panel.x.forEach((label, i) =>
    svg.push(text(xAt(i), bottom + 14, label, { size: 10, anchor: 'middle' })),
  );
  if (panel.target) {
    const ty = y(panel.target.value);
    svg.push(line(plot.left, ty, plot.right, ty, COLORS.fail, '4 3'));
    svg.push(
      text(plot.right, ty - 3, panel.target.label, { size: 9, anchor: 'end', fill: COLORS.fail }),
    );
  }
  panel.series.forEach((s, i) => {
    const color = COLORS.series[i % COLORS.series.length];
    const points = s.values
      .map((v, j) => (v === null ? null : ([xAt(j), y(v), v] as const)))
      .filter((p): p is readonly [number, number, number] => p !== null);
    svg.push(
      `<polyline class="series" fill="none" stroke="${color}" stroke-width="2" ` +
        `points="${points.map(([px, py]) => `${num(px)},${num(py)}`).join(' ')}"/>`,
    );
    for (const [px, py, v] of points) {
      svg.push(`<circle cx="${num(px)}" cy="${num(py)}" r="3" fill="${color}"/>`);
      svg.push(
        text(px + 5, py - 5, v < 10 ? String(Number(v.toPrecision(3))) : formatTick(v), {
          size: 9,
          fill: color,
          cls: 'point-label',
        }),
      );
    }
  });
  svg.push(line(plot.left, bottom, plot.right, bottom, COLORS.axis));
  return svg;
}

export function renderChart(input: ChartInput): string {
  const parts: string[] = [];
  parts.push(text(MARGIN, 28, input.title, { size: 18, cls: 'title' }));
  parts.push(text(MARGIN, 48, input.subtitle, { size: 11, fill: COLORS.muted }));
  const bars = barsSection(input, 64);
  parts.push(...bars.svg);
  let height = 64 + bars.height;
  if (input.panels.length) {
    const top = height + 10;
    const gap = 16;
    const width = (WIDTH - 2 * MARGIN - gap * (input.panels.length - 1)) / input.panels.length;
    input.panels.forEach((panel, i) =>
      parts.push(...panelSvg(panel, MARGIN + i * (width + gap), top, width)),
    );
    height = top + 230;
  }
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${num(height)}" ` +
      `viewBox="0 0 ${WIDTH} ${num(height)}" font-family="Helvetica, Arial, sans-serif">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}

/** What the chart shows of a run's results (bench/results/hot-reads.json). */
export interface ChartedResults {
  date: string;
  machine: { cpuModel: string; cpus: number; node: string };
  settings: { connections: number; rounds: number; duration: number };
  hotReads: HotReadResult[];
  scale: ScaleResults;
}

const shortCount = (n: number) =>
  n >= 1_000_000
    ? `${Number((n / 1_000_000).toPrecision(3))}M`
    : n >= 1000
      ? `${Number((n / 1000).toPrecision(3))}k`
      : String(n);

/** The chart of a run: req/s bars per read and size, then the scale rows as line panels. */
export function benchChart(results: ChartedResults): ChartInput {
  const { scale, settings, machine } = results;
  return {
    title: 'Course service: hot reads against the floor',
    subtitle:
      `${results.date.slice(0, 10)} · ${machine.cpus} × ${machine.cpuModel} · node ` +
      `${machine.node} · ${settings.connections} connections, median of ${settings.rounds} × ` +
      `${settings.duration} s · goals: ratio ≥ ${GOALS.minRpsRatio}, p99 ratio ≤ ${GOALS.maxP99Ratio}`,
    barsTitle: 'req/s, service beside floor (bare Fastify + ioredis + pg)',
    bars: results.hotReads.map((r) => ({
      label: r.label,
      sublabel: r.size,
      service: r.service.rps.median,
      floor: r.floor.rps.median,
      ratio: r.rpsRatio,
      p99Ratio: r.p99Ratio,
      pass: r.pass,
    })),
    panels: [
      {
        title: 'Content edit vs enrollments',
        unit: 'ms',
        log: true,
        x: scale.edit.map((p) => shortCount(p.enrollments)),
        series: [
          { name: 'service PATCH', values: scale.edit.map((p) => p.serviceMs) },
          { name: 'legacy recompute', values: scale.edit.map((p) => p.legacyMs) },
        ],
      },
      {
        title: 'Student summary vs progress rows',
        unit: 'ms',
        x: scale.summary.map((p) => `${p.scale}× (${shortCount(p.progressRows)})`),
        series: [{ name: 'service', values: scale.summary.map((p) => p.ms) }],
      },
      {
        title: 'Course report (limit=100) vs students',
        unit: 'ms',
        x: scale.report.map((p) => `${shortCount(p.students)} × ${p.items}`),
        series: [{ name: 'service', values: scale.report.map((p) => p.ms) }],
        target: { value: GOALS.maxReportMs, label: `target < ${GOALS.maxReportMs} ms` },
      },
    ],
  };
}
