/*
 * The figures of `npm run bench`: medians over rounds, the service/floor ratios, the verdicts
 * against the goals, and the tables printed from them. Pure: no I/O.
 */

/** What the benchmark aims at; a miss prints FAIL but does not fail the run. */
export const GOALS = {
  /** Hot reads: service req/s at least this share of the floor's. */
  minRpsRatio: 0.6,
  /** Hot reads: service p99 at most this multiple of the floor's. */
  maxP99Ratio: 2,
  /** A student's summary with the progress table at 10x: at most this multiple of 1x. */
  maxSummaryGrowth: 1.3,
  /** The instructor's course report (limit=100) at the smaller size, in ms: below this. */
  maxReportMs: 50,
  /** A content edit with the most enrollments: at most this multiple of the edit without any. */
  maxEditGrowth: 1.3,
} as const;

/** One autocannon run against one target. */
export interface LoadSample {
  rps: number;
  /** Latency percentiles, ms. */
  p50: number;
  p99: number;
  requests: number;
  /** Connection errors (timeouts included) and responses outside 2xx. */
  errors: number;
  non2xx: number;
}

export interface Spread {
  median: number;
  min: number;
  max: number;
}

/** One target (service or floor) for one read and size, over all rounds. */
export interface TargetSummary {
  rps: Spread;
  /** Medians over the rounds. */
  p50: number;
  p99: number;
  rounds: LoadSample[];
}

export interface HotReadResult {
  /** Short key: content-public, content-enrolled, summary. */
  read: string;
  label: string;
  size: string;
  service: TargetSummary;
  floor: TargetSummary;
  /** service / floor req/s (medians). */
  rpsRatio: number;
  /** service / floor p99 (medians). */
  p99Ratio: number;
  pass: boolean;
}

export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function spread(values: number[]): Spread {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

export function summarizeTarget(rounds: LoadSample[]): TargetSummary {
  return {
    rps: spread(rounds.map((r) => r.rps)),
    p50: median(rounds.map((r) => r.p50)),
    p99: median(rounds.map((r) => r.p99)),
    rounds,
  };
}

/** A ratio that stays finite: a zero denominator (a p99 of 0 ms) counts as the smallest step. */
function ratioOf(a: number, b: number): number {
  return a / Math.max(b, 0.001);
}

export function compareHotRead(
  read: string,
  label: string,
  size: string,
  serviceRounds: LoadSample[],
  floorRounds: LoadSample[],
): HotReadResult {
  const service = summarizeTarget(serviceRounds);
  const floor = summarizeTarget(floorRounds);
  const rpsRatio = ratioOf(service.rps.median, floor.rps.median);
  // autocannon reports whole milliseconds; 0 and 1 ms differ by rounding, not by a factor.
  const p99Ratio = ratioOf(Math.max(service.p99, 1), Math.max(floor.p99, 1));
  return {
    read,
    label,
    size,
    service,
    floor,
    rpsRatio,
    p99Ratio,
    pass: rpsRatio >= GOALS.minRpsRatio && p99Ratio <= GOALS.maxP99Ratio,
  };
}

/** The scale rows, as measured (milliseconds are medians of sequential requests). */
export interface ScaleResults {
  /** Sequential requests per point after the warm-up ones. */
  samples: number;
  edit: { enrollments: number; serviceMs: number; legacyMs: number }[];
  summary: { scale: number; progressRows: number; ms: number }[];
  report: { students: number; items: number; ms: number }[];
  rssBytes: number;
}

/** One printed scale row; `pass` is null for a row shown for comparison only. */
export interface ScaleRow {
  row: string;
  value: string;
  compared: string;
  target: string;
  pass: boolean | null;
}

export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return 'n/a';
  if (ms < 10) return `${ms.toFixed(2)} ms`;
  if (ms < 100) return `${ms.toFixed(1)} ms`;
  return `${formatCount(ms)} ms`;
}

export function formatRatio(ratio: number): string {
  return `${ratio.toFixed(2)}×`;
}

const verdict = (pass: boolean | null) => (pass === null ? '' : pass ? 'PASS' : 'FAIL');

export function scaleRows(scale: ScaleResults): ScaleRow[] {
  const rows: ScaleRow[] = [];
  const [editBase] = scale.edit;
  for (const point of scale.edit) {
    const growth = point.serviceMs / editBase.serviceMs;
    const judged = point !== editBase && point === scale.edit[scale.edit.length - 1];
    rows.push({
      row: `content edit (PATCH lesson title), ${formatCount(point.enrollments)} enrollments`,
      value: formatMs(point.serviceMs),
      compared:
        point === editBase ? '' : `${formatRatio(growth)} of ${formatMs(editBase.serviceMs)}`,
      target: judged ? `≤ ${formatRatio(GOALS.maxEditGrowth)}` : '',
      pass: judged ? growth <= GOALS.maxEditGrowth : null,
    });
  }
  for (const point of scale.edit) {
    rows.push({
      row: `legacy recompute UPDATE, ${formatCount(point.enrollments)} enrollments`,
      value: formatMs(point.legacyMs),
      compared: 'for comparison',
      target: '',
      pass: null,
    });
  }
  const summaryBase = scale.summary.find((p) => p.scale === 1) ?? scale.summary[0];
  for (const point of scale.summary) {
    const growth = point.ms / summaryBase.ms;
    const judged = point.scale === 10;
    rows.push({
      row: `progress summary, table at ${point.scale}× (${formatCount(point.progressRows)} rows)`,
      value: formatMs(point.ms),
      compared: point === summaryBase ? '' : `${formatRatio(growth)} of 1×`,
      target: judged ? `≤ ${formatRatio(GOALS.maxSummaryGrowth)}` : '',
      pass: judged ? growth <= GOALS.maxSummaryGrowth : null,
    });
  }
  scale.report.forEach((point, i) => {
    const judged = i === 0;
    rows.push({
      row: `course report limit=100, ${formatCount(point.students)} × ${point.items}`,
      value: formatMs(point.ms),
      compared: i === 0 ? '' : `${formatRatio(point.ms / scale.report[0].ms)} of the first`,
      target: judged ? `< ${GOALS.maxReportMs} ms` : '',
      pass: judged ? point.ms < GOALS.maxReportMs : null,
    });
  });
  rows.push({
    row: 'service RSS after the runs',
    value: `${(scale.rssBytes / 1024 / 1024).toFixed(0)} MB`,
    compared: '',
    target: '',
    pass: null,
  });
  return rows;
}

export function hotReadCells(r: HotReadResult): string[] {
  const rps = (s: TargetSummary) =>
    `${formatCount(s.rps.median)} (${formatCount(s.rps.min)}–${formatCount(s.rps.max)})`;
  return [
    r.label,
    r.size,
    rps(r.service),
    rps(r.floor),
    r.rpsRatio.toFixed(2),
    `${r.service.p50} / ${r.floor.p50}`,
    `${r.service.p99} / ${r.floor.p99}`,
    r.p99Ratio.toFixed(2),
    verdict(r.pass),
  ];
}

export const HOT_READ_HEADER = [
  'read',
  'size',
  'service req/s (range)',
  'floor req/s (range)',
  `ratio (≥ ${GOALS.minRpsRatio})`,
  'p50 ms service / floor',
  'p99 ms service / floor',
  `p99 ratio (≤ ${GOALS.maxP99Ratio})`,
  'verdict',
];

export const SCALE_HEADER = ['scale row', 'median', 'compared', 'target', 'verdict'];

export function scaleCells(row: ScaleRow): string[] {
  return [row.row, row.value, row.compared, row.target, verdict(row.pass)];
}

/** Columns padded to their widest cell, two spaces apart. */
export function textTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

export function markdownTable(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** The last line of a run: how many hot reads and scale targets pass, and which fail. */
export function summaryLine(hot: HotReadResult[], rows: ScaleRow[]): string {
  const judged = rows.filter((r) => r.pass !== null);
  const hotPass = hot.filter((r) => r.pass).length;
  const scalePass = judged.filter((r) => r.pass).length;
  const failed = [
    ...hot.filter((r) => !r.pass).map((r) => `${r.label} ${r.size}`),
    ...judged.filter((r) => !r.pass).map((r) => r.row),
  ];
  const all = hotPass === hot.length && scalePass === judged.length;
  return (
    `bench: ${all ? 'PASS' : 'FAIL'} — hot reads ${hotPass}/${hot.length} meet ratio ≥ ` +
    `${GOALS.minRpsRatio} and p99 ratio ≤ ${GOALS.maxP99Ratio}; scale targets ` +
    `${scalePass}/${judged.length}` +
    (failed.length ? `; FAIL: ${failed.join('; ')}` : '')
  );
}

/**
 * Where two parsed JSON values first differ, as a path (`$.modules[0].title`), or undefined when
 * they are equal. Key order does not matter.
 */
export function firstDifference(a: unknown, b: unknown, path = '$'): string | undefined {
  if (Object.is(a, b)) return undefined;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return `${path}.length (${a.length} vs ${b.length})`;
    for (let i = 0; i < a.length; i++) {
      const found = firstDifference(a[i], b[i], `${path}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (isRecord(a) && isRecord(b) && !Array.isArray(a) && !Array.isArray(b)) {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if (!(key in a) || !(key in b)) return `${path}.${key} (only in one)`;
      const found = firstDifference(a[key], b[key], `${path}.${key}`);
      if (found) return found;
    }
    return undefined;
  }
  return `${path} (${JSON.stringify(a)?.slice(0, 60)} vs ${JSON.stringify(b)?.slice(0, 60)})`;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
