import { intOption } from './ops-cli';

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
