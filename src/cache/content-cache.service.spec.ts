import { AppConfig } from '../config/app-config';
import { ContentCacheService } from './content-cache.service';
import { RedisService } from './redis.service';

function serviceWith(exec: jest.Mock) {
  const multi = { bumpGeneration: jest.fn(), exec };
  multi.bumpGeneration.mockReturnValue(multi);
  const client = { multi: () => multi, defineCommand: jest.fn() };
  const redis = { client, isReady: true } as unknown as RedisService;
  const config = { CONTENT_CACHE_TTL_SECONDS: 10 } as AppConfig;
  return { service: new ContentCacheService(redis, config), multi };
}

describe(ContentCacheService.name, () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('bumps the generation and deletes the entry on invalidation', async () => {
    const { service, multi } = serviceWith(jest.fn().mockResolvedValue([]));
    await service.invalidate(4);
    expect(multi.bumpGeneration).toHaveBeenCalledWith(
      'course:content:gen:4',
      'course:content:4',
      expect.stringMatching(/^\d+$/),
    );
  });

  it('retries a failed invalidation in the background until it lands', async () => {
    const exec = jest
      .fn()
      .mockRejectedValueOnce(new Error('down'))
      .mockRejectedValueOnce(new Error('down'))
      .mockResolvedValue([]);
    const { service } = serviceWith(exec);
    await expect(service.invalidate(4)).resolves.toBeUndefined();
    expect(exec).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(250);
    expect(exec).toHaveBeenCalledTimes(2);
    await jest.advanceTimersByTimeAsync(500);
    expect(exec).toHaveBeenCalledTimes(3);
    await jest.advanceTimersByTimeAsync(60_000);
    expect(exec).toHaveBeenCalledTimes(3);
  });

  it('gives up once the stale entry would have expired anyway', async () => {
    const exec = jest.fn().mockRejectedValue(new Error('down'));
    const { service } = serviceWith(exec);
    await service.invalidate(4);
    await jest.advanceTimersByTimeAsync(120_000);
    const calls = exec.mock.calls.length;
    expect(calls).toBeGreaterThan(2);
    await jest.advanceTimersByTimeAsync(120_000);
    expect(exec).toHaveBeenCalledTimes(calls);
  });
});

describe(`${ContentCacheService.name}.invalidateMany`, () => {
  it('invalidates every course in one MULTI', async () => {
    const { service, multi } = serviceWith(jest.fn().mockResolvedValue([[null, 1]]));
    await service.invalidateMany([4, 5, 4]);
    expect(multi.bumpGeneration.mock.calls.map((call) => call.slice(0, 2))).toEqual([
      ['course:content:gen:4', 'course:content:4'],
      ['course:content:gen:5', 'course:content:5'],
    ]);
  });

  it('retries with backoff, then throws naming the courses', async () => {
    const exec = jest.fn().mockRejectedValue(new Error('down'));
    const { service } = serviceWith(exec);
    await expect(service.invalidateMany([4], { attempts: 2, retryDelayMs: 1 })).rejects.toThrow(
      'content cache invalidation failed for course(s) 4: down',
    );
    expect(exec).toHaveBeenCalledTimes(2);
  });
});
