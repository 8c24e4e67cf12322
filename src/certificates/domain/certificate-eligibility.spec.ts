import { DomainError } from '../../common/errors/domain-error';
import { assertEligible } from './certificate-eligibility';

function errorOf(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return error as DomainError;
  }
  throw new Error('expected a DomainError');
}

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
