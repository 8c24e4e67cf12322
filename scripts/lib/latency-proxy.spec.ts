import { once } from 'node:events';
import { AddressInfo, Server, Socket, connect, createServer } from 'node:net';
import { performance } from 'node:perf_hooks';
import { delayLine, heldClock, startLatencyProxy } from './latency-proxy';

describe(delayLine.name, () => {
  it('forwards chunks in order, each after the delay, and ends the sink after them', async () => {
    const received: { at: number; what: string }[] = [];
    const sink = {
      write: (chunk: Buffer) => received.push({ at: performance.now(), what: chunk.toString() }),
      end: () => received.push({ at: performance.now(), what: 'end' }),
    };
    const line = delayLine(5, sink);
    const start = performance.now();
    line.push(Buffer.from('a'));
    line.push(Buffer.from('b'));
    line.end();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(received.map((r) => r.what)).toEqual(['a', 'b', 'end']);
    for (const r of received) expect(r.at - start).toBeGreaterThanOrEqual(5);
  });

  it('counts the time anything was held, once for chunks held at the same time', async () => {
    const clock = heldClock();
    const line = delayLine(10, { write: () => 0, end: () => 0 }, clock);
    const start = performance.now();
    line.push(Buffer.from('a'));
    line.push(Buffer.from('b'));
    await new Promise((resolve) => setTimeout(resolve, 40));
    const idle = clock.read();
    expect(idle).toBeGreaterThanOrEqual(10);
    expect(idle).toBeLessThan(performance.now() - start - 10);
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(clock.read()).toBe(idle);
  });

  it('forwards nothing after it was cancelled', async () => {
    const written: string[] = [];
    const line = delayLine(2, { write: (c: Buffer) => written.push(c.toString()), end: () => 0 });
    line.push(Buffer.from('a'));
    line.cancel();
    line.push(Buffer.from('b'));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(written).toEqual([]);
  });
});

describe(startLatencyProxy.name, () => {
  let echo: Server;
  let echoPort: number;

  beforeAll(async () => {
    echo = createServer((socket) => socket.pipe(socket));
    echo.listen(0, '127.0.0.1');
    await once(echo, 'listening');
    echoPort = (echo.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise((resolve) => echo.close(resolve));
  });

  async function connectTo(port: number): Promise<Socket> {
    const socket = connect(port, '127.0.0.1');
    await once(socket, 'connect');
    return socket;
  }

  async function read(socket: Socket, bytes: number): Promise<string> {
    let data = '';
    while (data.length < bytes) data += ((await once(socket, 'data')) as [Buffer])[0].toString();
    return data;
  }

  it('adds the round trip to each request and reply, keeping the byte order', async () => {
    const proxy = await startLatencyProxy({
      targetHost: '127.0.0.1',
      targetPort: echoPort,
      roundTripMs: 20,
    });
    const socket = await connectTo(proxy.port);
    try {
      const start = performance.now();
      socket.write('ping');
      expect(await read(socket, 4)).toBe('ping');
      const elapsed = performance.now() - start;
      expect(elapsed).toBeGreaterThanOrEqual(20);
      expect(elapsed).toBeLessThan(200);

      const message = Array.from({ length: 200 }, (_, i) => `${i};`).join('');
      for (let i = 0; i < message.length; i += 7) socket.write(message.slice(i, i + 7));
      expect(await read(socket, message.length)).toBe(message);
      expect(proxy.connections).toBe(1);
      expect(proxy.heldMs).toBeGreaterThanOrEqual(40);
    } finally {
      socket.destroy();
      await proxy.close();
    }
  });

  it('cuts the connections still open when closed', async () => {
    const proxy = await startLatencyProxy({
      targetHost: '127.0.0.1',
      targetPort: echoPort,
      roundTripMs: 1,
    });
    const socket = await connectTo(proxy.port);
    const closed = once(socket, 'close');
    await proxy.close();
    await closed;
    expect(socket.destroyed).toBe(true);
  });

  it('closes the client side when the server refuses the connection', async () => {
    const gone = createServer();
    gone.listen(0, '127.0.0.1');
    await once(gone, 'listening');
    const port = (gone.address() as AddressInfo).port;
    await new Promise((resolve) => gone.close(resolve));
    const proxy = await startLatencyProxy({
      targetHost: '127.0.0.1',
      targetPort: port,
      roundTripMs: 1,
    });
    try {
      const socket = await connectTo(proxy.port);
      await once(socket, 'close');
    } finally {
      await proxy.close();
    }
  });
});
