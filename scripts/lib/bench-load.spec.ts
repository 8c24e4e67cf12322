import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { httpRequest, parseVmRss, timeSequential } from './bench-load';

describe(parseVmRss.name, () => {
  it('reads VmRSS in bytes from /proc/<pid>/status', () => {
    expect(parseVmRss('Name:\tnode\nVmPeak:\t  900 kB\nVmRSS:\t  182344 kB\nThreads: 11\n')).toBe(
      182344 * 1024,
    );
    expect(parseVmRss('Name:\tnode\n')).toBeUndefined();
  });
});

describe(timeSequential.name, () => {
  let server: Server;
  let url: string;
  const seen: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push(`${req.method} ${body}`);
        res.statusCode = req.url === '/fail' ? 500 : 200;
        res.end('{"ok":true}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('times the samples after the warm-up calls', async () => {
    seen.length = 0;
    const times = await timeSequential(
      'patch',
      (i) => httpRequest(`${url}/x`, { method: 'PATCH', body: { i } }),
      3,
      2,
    );
    expect(times).toHaveLength(3);
    expect(times.every((t) => t >= 0)).toBe(true);
    expect(seen).toEqual([0, 1, 2, 3, 4].map((i) => `PATCH {"i":${i}}`));
  });

  it('fails on an answer outside 2xx, naming the request', async () => {
    await expect(timeSequential('report', () => httpRequest(`${url}/fail`), 1, 0)).rejects.toThrow(
      'report: HTTP 500 {"ok":true}',
    );
  });
});
