import { DomainError } from '../../common/errors/domain-error';

/**
 * A certificate is earned at 100% completion.
 *
 * @throws DomainError conflict COMPLETION_REQUIRED with the current percentage when below 100.
 */
export function assertEligible(percentage: number): void {
  if (percentage >= 100) return;
  const shown = Math.round(percentage * 100) / 100;
  throw new DomainError(
    'conflict',
    'COMPLETION_REQUIRED',
    `The course is ${shown}% complete; a certificate needs 100%`,
    { completion_percentage: shown },
  );
}
