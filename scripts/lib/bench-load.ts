import autocannon from 'autocannon';
import { ChildProcess, spawn, StdioOptions } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { LoadSample } from './bench-stats';

/*
 * The I/O side of `npm run bench`: starting the servers, loading them with autocannon, timing
 * sequential requests and reading a process's resident memory.
 */

const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;

/**
 * Starts `node <args>` and waits until `readyUrl` answers 2xx; rejects if the process exits
 * first or does not get ready in time (and then kills it).
 */
export async function startServer(
  name: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  readyUrl: string,
  stdio: StdioOptions = ['ignore', 'ignore', 'inherit'],
): Promise<ChildProcess> {
  const child = spawn(process.execPath, args, { env, stdio });
  let exit: string | undefined;
  child.once('exit', (code, signal) => (exit = `${code ?? signal}`));
  child.once('error', (error) => (exit = error.message));
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exit !== undefined) throw new Error(`${name} exited (${exit}) before it was ready`);
    const status = await fetch(readyUrl).then(
      (res) => res.body?.cancel().then(() => res.status) ?? res.status,
      () => 0,
    );
    if (status >= 200 && status < 300) return child;
    await sleep(100);
  }
  await stopProcess(child);
  throw new Error(`${name} was not ready within ${START_TIMEOUT_MS} ms (${readyUrl})`);
}

/** SIGTERM, then SIGKILL if it is still there after 10 s. */
export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

/** One autocannon run; the status codes seen are kept for an error message. */
export async function load(
  url: string,
  headers: Record<string, string>,
  seconds: number,
  connections: number,
): Promise<LoadSample & { statusCodes: Record<string, number> }> {
  const result = await autocannon({ url, headers, duration: seconds, connections });
  const statusCodes = Object.fromEntries(
    Object.entries(result.statusCodeStats ?? {}).map(([code, s]) => [code, s.count ?? 0]),
  );
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    errors: result.errors,
    non2xx: result.non2xx,
    statusCodes,
  };
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

const agent = new Agent({ keepAlive: true, maxSockets: 1 });

/** One request over a kept-alive connection, the whole body read. */
export function httpRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: unknown } = {},
): Promise<HttpResponse> {
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  const headers = {
    ...options.headers,
    ...(payload === undefined
      ? {}
      : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
  };
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** A response that must be 2xx: its body as JSON, or an error naming the request. */
export async function json<T = unknown>(what: string, response: Promise<HttpResponse>): Promise<T> {
  const res = await response;
  if (res.status < 200 || res.status >= 300) {
    throw new Error(`${what}: HTTP ${res.status} ${res.body.toString().slice(0, 300)}`);
  }
  return JSON.parse(res.body.toString()) as T;
}

/**
 * Milliseconds of `samples` sequential calls of `call`, after `warmup` calls that are not
 * counted. Every call must answer 2xx.
 */
export async function timeSequential(
  what: string,
  call: (i: number) => Promise<HttpResponse>,
  samples: number,
  warmup = 5,
): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < warmup + samples; i++) {
    const started = performance.now();
    const res = await call(i);
    const ms = performance.now() - started;
    if (res.status < 200 || res.status >= 300) {
      throw new Error(`${what}: HTTP ${res.status} ${res.body.toString().slice(0, 300)}`);
    }
    if (i >= warmup) times.push(ms);
  }
  return times;
}

/** VmRSS of /proc/<pid>/status, in bytes. */
export function parseVmRss(status: string): number | undefined {
  const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  return match ? Number(match[1]) * 1024 : undefined;
}

export function rssBytes(pid: number): number {
  const rss = parseVmRss(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (rss === undefined) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return rss;
}
