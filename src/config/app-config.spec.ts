import { ConfigError, loadAppConfig } from './app-config';

const valid = {
  DATABASE_URL: 'postgres://u:p@localhost:5432/db',
  MONGODB_URI: 'mongodb://localhost:27017/db',
  JWT_SECRET: '0123456789abcdef0123',
};

describe(loadAppConfig.name, () => {
  it('applies the documented defaults', () => {
    const config = loadAppConfig(valid);
    expect(config).toMatchObject({
      PORT: 3000,
      CONTENT_CACHE_TTL_SECONDS: 900,
      AUTO_ISSUE_CERTIFICATES: true,
      LOG_LEVEL: 'info',
    });
    expect(config.REDIS_URL).toBeUndefined();
  });

  it('parses numbers and booleans from strings', () => {
    const config = loadAppConfig({ ...valid, PORT: '8080', AUTO_ISSUE_CERTIFICATES: 'false' });
    expect(config.PORT).toBe(8080);
    expect(config.AUTO_ISSUE_CERTIFICATES).toBe(false);
  });

  it('refuses short or published JWT secrets in production', () => {
    const production = { ...valid, NODE_ENV: 'production' };
    expect(() => loadAppConfig(production)).toThrow(/JWT_SECRET must be at least 32 characters/);
    expect(() =>
      loadAppConfig({ ...production, JWT_SECRET: 'change-me-to-a-long-random-secret' }),
    ).toThrow(/example value/);
    expect(loadAppConfig({ ...production, JWT_SECRET: 'x'.repeat(32) }).NODE_ENV).toBe(
      'production',
    );
  });

  it.each(['DATABASE_URL', 'MONGODB_URI', 'JWT_SECRET'])('names a missing %s', (key) => {
    const env: Record<string, string> = { ...valid };
    delete env[key];
    expect(() => loadAppConfig(env)).toThrow(
      new ConfigError(`Invalid configuration: ${key} is required`),
    );
  });

  it.each([
    ['PORT', 'eighty'],
    ['DATABASE_URL', 'mysql://x'],
    ['REDIS_URL', 'http://x'],
    ['AUTO_ISSUE_CERTIFICATES', 'maybe'],
    ['LOG_LEVEL', 'loud'],
    ['CONTENT_CACHE_TTL_SECONDS', '0'],
  ])('names a malformed %s', (key, value) => {
    expect(() => loadAppConfig({ ...valid, [key]: value })).toThrow(
      new RegExp(`^Invalid configuration: ${key} `),
    );
  });
});
