import { loadOpsConfig } from './ops-config';

describe(loadOpsConfig.name, () => {
  it('fills what the script does not use with placeholders', () => {
    const config = loadOpsConfig({ MONGODB_URI: 'mongodb://db/content' }, ['MONGODB_URI']);
    expect(config.MONGODB_URI).toBe('mongodb://db/content');
    expect(config.DATABASE_URL).toBe('postgres://not-used/ops-script');
    expect(config.JWT_SECRET).toBeDefined();
  });

  it('still requires the databases the script needs', () => {
    expect(() => loadOpsConfig({}, ['DATABASE_URL'])).toThrow(
      'Invalid configuration: DATABASE_URL is required',
    );
  });
});
