import { assertEligible } from './certificate-eligibility';
import { errorOf } from '../../../test/support/unit-fixtures';

describe('assertEligible', () => {
  it('accepts 100%', () => {
    expect(() => assertEligible(100)).not.toThrow();
  });

  it.each([0, 50, 99.99])('refuses %s% with the current percentage', (percentage) => {
    const error = errorOf(() => assertEligible(percentage));
    expect(error).toMatchObject({ kind: 'conflict', code: 'COMPLETION_REQUIRED' });
    expect(error.details).toEqual({ completion_percentage: percentage });
    expect(error.message).toContain(`${percentage}%`);
  });
});
