import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createProgressReporter, intOption, openReport } from './ops-cli';

describe(intOption.name, () => {
  it('returns the fallback when the option is absent', () => {
    expect(intOption('limit', undefined, undefined)).toBeUndefined();
    expect(intOption('batch-size', undefined, 200)).toBe(200);
  });

  it('reads a non-negative integer at or above the minimum', () => {
    expect(intOption('batch-size', '50', 200)).toBe(50);
    expect(intOption('seed', '0', 1, 0)).toBe(0);
  });

  it('rejects a value that is not an integer or is below the minimum', () => {
    expect(() => intOption('limit', '0', undefined)).toThrow(
      '--limit must be an integer >= 1 (got "0")',
    );
    expect(() => intOption('batch-size', '1.5', 200)).toThrow('--batch-size must be an integer');
    expect(() => intOption('batch-size', '', 200)).toThrow('--batch-size must be an integer');
  });
});

describe(openReport.name, () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'ops-cli-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates the directory and appends JSON lines, written at once', () => {
    const path = join(dir, 'a', 'b', 'r.jsonl');
    const report = openReport(path);
    report.write({ a: 1 });
    report.write({ b: 'x' });
    // Synchronous: on disk (page cache) before anything else happens.
    expect(readFileSync(path, 'utf8')).toBe('{"a":1}\n{"b":"x"}\n');
    report.sync();
    report.close();
    expect(report.lines).toBe(2);
  });

  it('fails up front, naming the path, when the report cannot be created', () => {
    const file = join(dir, 'file');
    writeFileSync(file, '');
    expect(() => openReport(join(file, 'r.jsonl'))).toThrow(
      new RegExp(
        `^cannot write the report ${file}/r\\.jsonl: (EEXIST|ENOTDIR).*nothing was changed`,
      ),
    );
    expect(() => openReport(dir)).toThrow(/cannot write the report .*EISDIR/);
  });

  it('removes a report it created and left empty, never an existing one', () => {
    const fresh = join(dir, 'fresh.jsonl');
    openReport(fresh).close();
    expect(existsSync(fresh)).toBe(false);
    const existing = join(dir, 'existing.jsonl');
    writeFileSync(existing, '{"old":true}\n');
    openReport(existing).close();
    expect(readFileSync(existing, 'utf8')).toBe('{"old":true}\n');
  });
});

describe(createProgressReporter.name, () => {
  const plainStream = () => {
    const lines: string[] = [];
    const stream = { isTTY: false, write: (l: string) => lines.push(l) };
    return { lines, stream: stream as unknown as NodeJS.WriteStream };
  };

  it('names what it counts and ends on the final count, however throttled', () => {
    const { lines, stream } = plainStream();
    const progress = createProgressReporter('backfill', 600, {
      stream,
      intervalMs: 60_000,
      unit: 'enrollments',
    });
    for (const done of [100, 500, 600]) progress.update(done, { deferred: 0 });
    progress.stop();
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^backfill: 100\/600 enrollments \(\d+ enrollments\/s\) deferred=0\n$/,
    );
    expect(lines[1]).toMatch(/^backfill: 600\/600 enrollments /);
  });

  it('adds no final line when the last count was shown already', () => {
    const { lines, stream } = plainStream();
    const progress = createProgressReporter('objectid', undefined, { stream, intervalMs: 0 });
    progress.update(7);
    progress.stop();
    expect(lines).toEqual([expect.stringMatching(/^objectid: 7 docs \(\d+ docs\/s\)\n$/)]);
  });
});
