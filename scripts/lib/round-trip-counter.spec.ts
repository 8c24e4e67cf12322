import { EventEmitter } from 'node:events';
import { MongoClient } from 'mongodb';
import {
  countCommands,
  formatFigure,
  formatRatio,
  formatRoundTrips,
  ratio,
  summariseRoundTrips,
} from './round-trip-counter';

describe(summariseRoundTrips.name, () => {
  it('adds up every command and scales the total to 1,000 documents', () => {
    const summary = summariseRoundTrips({ update: 500, getMore: 4, find: 1 }, 500);
    expect(summary.total).toBe(505);
    expect(summary.perThousandDocs).toBe(1010);
  });

  it('lists the most frequent command first and ties by name', () => {
    const summary = summariseRoundTrips({ getMore: 2, update: 3, find: 2, hello: 0 }, 10);
    expect(summary.byCommand).toEqual([
      { name: 'update', count: 3 },
      { name: 'find', count: 2 },
      { name: 'getMore', count: 2 },
    ]);
  });

  it('reports zero per 1,000 documents when there were no documents', () => {
    expect(summariseRoundTrips({ find: 1 }, 0).perThousandDocs).toBe(0);
  });
});

describe(formatRoundTrips.name, () => {
  it('puts the per-1,000 figure first and the raw counts after it', () => {
    const summary = summariseRoundTrips({ update: 5000, getMore: 14, find: 1 }, 5000);
    expect(formatRoundTrips(summary, 5000)).toBe(
      '1,003 (5,015 for 5,000 docs: update 5,000, getMore 14, find 1)',
    );
  });

  it('says none when nothing was sent', () => {
    expect(formatRoundTrips(summariseRoundTrips({}, 10), 10)).toBe('0 (0 for 10 docs: none)');
  });
});

describe(ratio.name, () => {
  it('divides the better rate by the worse one', () => {
    expect(ratio(300, 30)).toBe(10);
  });

  it('divides the other way for figures where fewer is better', () => {
    expect(ratio(10, 1000, true)).toBe(100);
  });

  it('gives no ratio when a side is zero', () => {
    expect(ratio(0, 30)).toBeUndefined();
    expect(ratio(30, 0, true)).toBeUndefined();
  });
});

describe(formatFigure.name, () => {
  it('keeps three significant figures below 100 and whole numbers above', () => {
    expect(formatFigure(0.04567)).toBe('0.0457');
    expect(formatFigure(12.345)).toBe('12.3');
    expect(formatFigure(1234.5)).toBe('1,235');
  });

  it('prints n/a for a missing ratio', () => {
    expect(formatRatio(undefined)).toBe('n/a');
    expect(formatRatio(9.87)).toBe('9.87x');
  });
});

describe(countCommands.name, () => {
  it('counts commands by name and new connections as handshakes until stopped', () => {
    const events = new EventEmitter();
    const client = events as unknown as MongoClient;
    const started = (commandName: string) => events.emit('commandStarted', { commandName });
    started('hello');
    const counter = countCommands(client);
    started('find');
    started('update');
    started('update');
    events.emit('connectionCreated', {});
    const counts = counter.stop();
    started('update');
    expect(counts).toEqual({ find: 1, update: 2, handshake: 1 });
    expect(events.listenerCount('commandStarted')).toBe(0);
    expect(events.listenerCount('connectionCreated')).toBe(0);
  });
});
