import { CommandStartedEvent, MongoClient } from 'mongodb';

/** Round trips, by command name (`find`, `getMore`, `update`, …) and `handshake`. */
export type CommandCounts = Readonly<Record<string, number>>;

export interface CommandCounter {
  /** Stops counting and returns what was sent since the counter was started. */
  stop(): CommandCounts;
}

/**
 * Counts the commands `client` sends from now on. Each command is one request and one reply, so
 * this is the number of round trips a run costs on any server. The client must be created with
 * `monitorCommands: true`, or the driver emits nothing. The hello that opens a new pooled
 * connection is a round trip as well but no monitored command: it is counted as `handshake`.
 */
export function countCommands(client: MongoClient): CommandCounter {
  const counts: Record<string, number> = {};
  const add = (name: string) => (counts[name] = (counts[name] ?? 0) + 1);
  const onStarted = (event: CommandStartedEvent) => add(event.commandName);
  const onCreated = () => add('handshake');
  client.on('commandStarted', onStarted);
  client.on('connectionCreated', onCreated);
  return {
    stop: () => {
      client.off('commandStarted', onStarted);
      client.off('connectionCreated', onCreated);
      return { ...counts };
    },
  };
}

export interface RoundTripSummary {
  total: number;
  perThousandDocs: number;
  /** Most frequent first; ties by name, so two runs print in the same order. */
  byCommand: { name: string; count: number }[];
}

export function summariseRoundTrips(counts: CommandCounts, docs: number): RoundTripSummary {
  const byCommand = Object.entries(counts)
    .filter(([, count]) => count > 0)
    .map(([name, count]) => ({ name, count }))
    .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
  const total = byCommand.reduce((sum, c) => sum + c.count, 0);
  return { total, perThousandDocs: docs > 0 ? (total * 1000) / docs : 0, byCommand };
}

/** `1,003 (5,015 for 5,000 docs: update 5,000, getMore 14, find 1)`: the figure first. */
export function formatRoundTrips(summary: RoundTripSummary, docs: number): string {
  const breakdown = summary.byCommand.map((c) => `${c.name} ${formatCount(c.count)}`).join(', ');
  return (
    `${formatFigure(summary.perThousandDocs)} ` +
    `(${formatCount(summary.total)} for ${formatCount(docs)} docs: ${breakdown || 'none'})`
  );
}

/**
 * How many times `better` beats `worse`, for figures where more is better (docs/s) or, with
 * `fewer`, where less is (round trips). Undefined when either side is zero: no honest ratio.
 */
export function ratio(better: number, worse: number, fewer = false): number | undefined {
  if (!(better > 0 && worse > 0) || !Number.isFinite(better) || !Number.isFinite(worse))
    return undefined;
  return fewer ? worse / better : better / worse;
}

export function formatRatio(value: number | undefined): string {
  return value === undefined ? 'n/a' : `${formatFigure(value)}x`;
}

/** Three significant figures below 100, whole numbers above: what a README table needs. */
export function formatFigure(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  if (Math.abs(value) >= 100) return formatCount(Math.round(value));
  return Number(value.toPrecision(3)).toString();
}

function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}
