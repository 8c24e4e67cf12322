import { SingleBar } from 'cli-progress';
import { MongoClient, MongoClientOptions } from 'mongodb';
import {
  closeSync,
  existsSync,
  fdatasyncSync,
  mkdirSync,
  openSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { redactUrl } from '../../src/legacy-migration/domain/redact-url';

/*
 * Plumbing shared by the ops CLIs (migrate-to-objectid, backfill-progress, migrate,
 * generate-legacy-fixtures, bench-migration): report files, progress output, options and exit
 * codes. What they run lives in src/legacy-migration.
 */

/** The default report path of a run: `reports/<prefix>-<time>.jsonl`. */
export function timestamped(prefix: string): string {
  return `reports/${prefix}-${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`;
}

/**
 * A JSON-lines report file, opened (directory included) before a script changes anything, so an
 * unwritable path (in the Docker image the app directory belongs to root, the script runs as
 * `node`) fails the run up front instead of after data was changed. Lines are written
 * synchronously; `sync()` makes them durable. Scripts write a batch's lines and sync them
 * BEFORE the batch's database change is committed: a crash in between can then at worst repeat
 * lines on the rerun, never lose them (a rerun skips what was committed, so a line not written by
 * then would be gone for good). A file this run created and left empty is removed on close.
 */
export interface ReportWriter {
  readonly path: string;
  /** Lines written by this run. */
  readonly lines: number;
  write(entry: unknown): void;
  /** fdatasync if anything was written since the last sync. */
  sync(): void;
  close(): void;
}

export function openReport(path: string): ReportWriter {
  const existed = existsSync(path);
  let fd: number;
  try {
    mkdirSync(dirname(path), { recursive: true });
    fd = openSync(path, 'a');
  } catch (error) {
    throw new Error(
      `cannot write the report ${path}: ${(error as Error | undefined)?.message ?? String(error)}` +
        ' (nothing was changed; pass --report with a writable path, e.g. /tmp/report.jsonl)',
    );
  }
  let lines = 0;
  let dirty = false;
  let open = true;
  return {
    path,
    get lines() {
      return lines;
    },
    write(entry) {
      writeSync(fd, `${JSON.stringify(entry)}\n`);
      lines++;
      dirty = true;
    },
    sync() {
      if (!dirty) return;
      fdatasyncSync(fd);
      dirty = false;
    },
    close() {
      if (!open) return;
      open = false;
      try {
        if (dirty) fdatasyncSync(fd);
      } finally {
        closeSync(fd);
      }
      if (!existed && lines === 0) unlinkSync(path);
    },
  };
}

/**
 * Connects with bounded waits and fails with a message naming the server when it is down.
 * `options` override the defaults (a benchmark monitors commands and waits longer).
 */
export async function connectMongo(
  uri: string,
  timeoutMs: number,
  options: MongoClientOptions = {},
): Promise<MongoClient> {
  const client = new MongoClient(uri, {
    serverSelectionTimeoutMS: timeoutMs,
    connectTimeoutMS: timeoutMs,
    // Bulk writes of whole content trees take longer than an API call.
    socketTimeoutMS: Math.max(60_000, timeoutMs * 20),
    ...options,
  });
  try {
    await client.connect();
    await client.db().command({ ping: 1 });
    return client;
  } catch (error) {
    await client.close().catch(() => undefined);
    throw new Error(
      `MongoDB unreachable at ${redactUrl(uri)}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

export interface ProgressReporter {
  update(done: number, payload?: Record<string, unknown>): void;
  stop(): void;
}

/**
 * A progress bar on a TTY; elsewhere (CI, logs) a plain line at most every `intervalMs`, so log
 * files stay readable, and one last line on `stop` with the final count. `unit` names what is
 * counted ("docs", "enrollments").
 */
export function createProgressReporter(
  label: string,
  total: number | undefined,
  options: {
    stream?: NodeJS.WriteStream;
    intervalMs?: number;
    quiet?: boolean;
    unit?: string;
  } = {},
): ProgressReporter {
  const stream = options.stream ?? process.stderr;
  if (options.quiet) return { update: () => undefined, stop: () => undefined };
  const unit = options.unit ?? 'docs';
  const started = Date.now();
  const rate = (done: number) => (done / Math.max(0.001, (Date.now() - started) / 1000)).toFixed(0);
  if (stream.isTTY && total !== undefined) {
    const bar = new SingleBar({
      format: `${label} [{bar}] {percentage}% | {value}/{total} ${unit} | {rate} ${unit}/s | ETA {eta}s`,
      stream,
      hideCursor: true,
    });
    bar.start(total, 0, { rate: '0' });
    return {
      update: (done) => bar.update(done, { rate: rate(done) }),
      stop: () => bar.stop(),
    };
  }
  const intervalMs = options.intervalMs ?? 5000;
  let last = 0;
  let shown: number | undefined;
  let latest: { done: number; payload: Record<string, unknown> } | undefined;
  const write = (done: number, payload: Record<string, unknown>) => {
    const of = total !== undefined ? `/${total}` : '';
    const extra = Object.entries(payload)
      .map(([k, v]) => ` ${k}=${String(v)}`)
      .join('');
    stream.write(`${label}: ${done}${of} ${unit} (${rate(done)} ${unit}/s)${extra}\n`);
    shown = done;
  };
  return {
    update: (done, payload = {}) => {
      latest = { done, payload };
      const t = Date.now();
      if (t - last < intervalMs) return;
      last = t;
      write(done, payload);
    },
    stop: () => {
      if (latest && latest.done !== shown) write(latest.done, latest.payload);
    },
  };
}

/** A mistake in how a script was called: it prints its usage and exits with code 2. */
export class UsageError extends Error {}

/** Errors `util.parseArgs` throws for an unknown option, a missing value or a positional. */
function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}

/**
 * Runs a CLI's `main`: its result is the exit code; a usage error (UsageError, or an error from
 * `util.parseArgs` with `strict: true`) prints the usage and exits with 2, any other error with 1.
 */
export function runCli(name: string, usage: string, main: () => Promise<number | void>): void {
  main().then(
    (code) => {
      process.exitCode = code ?? 0;
    },
    (error: unknown) => {
      console.error(`${name}: ${error instanceof Error ? error.message : String(error)}`);
      const usageError = error instanceof UsageError || isParseArgsError(error);
      if (usageError) console.error(usage);
      process.exitCode = usageError ? 2 : 1;
    },
  );
}

/** A numeric option's value (a string from `util.parseArgs`), or `fallback` when it is absent. */
export function intOption(
  name: string,
  raw: string | undefined,
  fallback: number,
  min?: number,
): number;
export function intOption(
  name: string,
  raw: string | undefined,
  fallback: undefined,
  min?: number,
): number | undefined;
export function intOption(
  name: string,
  raw: string | undefined,
  fallback: number | undefined,
  min = 1,
): number | undefined {
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min)
    throw new Error(`--${name} must be an integer >= ${min} (got "${raw}")`);
  return Number(raw);
}

/**
 * A graceful stop for batch scripts: the first Ctrl-C/SIGTERM aborts the signal (the run ends
 * after the work in flight and stays resumable), a second one quits at once.
 */
export function stopSignal(message: string): AbortSignal {
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write(`\n${message} (Ctrl-C again to quit now)\n`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return controller.signal;
}
