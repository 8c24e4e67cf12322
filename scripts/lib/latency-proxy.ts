import { performance } from 'node:perf_hooks';
import { AddressInfo, Socket, connect, createServer } from 'node:net';

export interface LatencyProxyOptions {
  targetHost: string;
  targetPort: number;
  /** Round trip added: each chunk waits half of it, in each direction. */
  roundTripMs: number;
  /** Where to listen; the port is chosen by the system. */
  host?: string;
}

export interface LatencyProxy {
  host: string;
  port: number;
  /** Connections accepted so far. */
  readonly connections: number;
  /**
   * Wall time so far during which at least one chunk was held back, in any direction of any
   * connection: how long the added latency was in the way. A client that waits for each reply
   * spends this long on the network; one with several requests in flight, at most this.
   */
  readonly heldMs: number;
  /** Stops listening and cuts every connection still open. */
  close(): Promise<void>;
}

/**
 * A TCP proxy that makes a server on this machine look like one a network away: every chunk is
 * forwarded `roundTripMs / 2` after it arrived, in both directions, in the order it arrived.
 * Bandwidth is not limited; only the wait for each reply is added.
 */
export async function startLatencyProxy(options: LatencyProxyOptions): Promise<LatencyProxy> {
  const oneWayMs = options.roundTripMs / 2;
  const open = new Set<Socket>();
  const lines = new Set<DelayLine>();
  const clock = heldClock();
  let connections = 0;
  const server = createServer((downstream) => {
    connections++;
    const upstream = connect(options.targetPort, options.targetHost);
    for (const socket of [downstream, upstream]) {
      // Nagle's algorithm would hold small replies back for tens of milliseconds.
      socket.setNoDelay(true);
      open.add(socket);
      socket.once('close', () => open.delete(socket));
    }
    const toServer = delayLine(oneWayMs, upstream, clock);
    const toClient = delayLine(oneWayMs, downstream, clock);
    lines.add(toServer).add(toClient);
    downstream.on('data', (chunk: Buffer) => toServer.push(chunk));
    upstream.on('data', (chunk: Buffer) => toClient.push(chunk));
    downstream.once('end', () => toServer.end());
    upstream.once('end', () => toClient.end());
    // One side gone (reset, refused, closed) leaves nothing to forward to: drop both.
    const cut = () => {
      toServer.cancel();
      toClient.cancel();
      lines.delete(toServer);
      lines.delete(toClient);
      downstream.destroy();
      upstream.destroy();
    };
    for (const socket of [downstream, upstream]) {
      // `on`, not `once`: a second error on a socket being torn down must not go unhandled.
      socket.on('error', cut);
      socket.once('close', cut);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return {
    host: address.address,
    port: address.port,
    get connections() {
      return connections;
    },
    get heldMs() {
      return clock.read();
    },
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const line of lines) line.cancel();
      lines.clear();
      for (const socket of open) socket.destroy();
      await closed;
    },
  };
}

/** The writing half of a socket. */
export interface DelaySink {
  write(chunk: Buffer): unknown;
  end(): unknown;
}

export interface DelayLine {
  push(chunk: Buffer): void;
  /** Ends the sink once everything pushed before has been forwarded. */
  end(): void;
  cancel(): void;
}

/**
 * A FIFO whose entries come due `delayMs` after they were pushed. Node's timers count whole
 * milliseconds and may fire up to one late, which would turn a 0.5 ms wait into 1-2 ms: a timer
 * covers all but the last millisecond, the rest is waited out turn by turn on the event loop
 * (I/O keeps being served in between, at the price of a busy core while something is in flight).
 */
export function delayLine(delayMs: number, sink: DelaySink, clock?: HeldClock): DelayLine {
  const queue: { due: number; chunk?: Buffer }[] = [];
  let timer: NodeJS.Timeout | undefined;
  let immediate: NodeJS.Immediate | undefined;
  let cancelled = false;

  const pump = () => {
    timer = undefined;
    immediate = undefined;
    if (cancelled) return;
    const now = performance.now();
    while (queue.length > 0 && queue[0].due <= now) {
      const { chunk } = queue.shift()!;
      clock?.release(1);
      if (chunk) sink.write(chunk);
      else sink.end();
    }
    if (queue.length > 0) schedule(queue[0].due - now);
  };
  const schedule = (waitMs: number) => {
    if (timer || immediate) return;
    if (waitMs > 1.5) timer = setTimeout(pump, Math.floor(waitMs - 1));
    else immediate = setImmediate(pump);
  };
  const enqueue = (chunk?: Buffer) => {
    if (cancelled) return;
    queue.push({ due: performance.now() + delayMs, chunk });
    clock?.hold();
    schedule(delayMs);
  };

  return {
    push: (chunk) => enqueue(chunk),
    end: () => enqueue(undefined),
    cancel: () => {
      if (cancelled) return;
      cancelled = true;
      clock?.release(queue.length);
      queue.length = 0;
      clearTimeout(timer);
      if (immediate) clearImmediate(immediate);
    },
  };
}

export interface HeldClock {
  hold(): void;
  release(chunks: number): void;
  /** Milliseconds during which anything was held, up to now. */
  read(): number;
}

/** Adds up the time during which the number of chunks held was above zero. */
export function heldClock(): HeldClock {
  let held = 0;
  let since = 0;
  let total = 0;
  return {
    hold: () => {
      if (held++ === 0) since = performance.now();
    },
    release: (chunks) => {
      if (chunks <= 0) return;
      held -= chunks;
      if (held === 0) total += performance.now() - since;
    },
    read: () => total + (held > 0 ? performance.now() - since : 0),
  };
}
