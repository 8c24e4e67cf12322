/** What kind of failure a domain rule reports; the HTTP layer maps each kind to one status. */
export type DomainErrorKind =
  'invalid' | 'forbidden' | 'not_found' | 'conflict' | 'precondition_failed' | 'too_large';

/**
 * A business-rule failure with a stable `code` clients can switch on.
 * Framework-free so that pure domain functions can throw it.
 */
export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}
