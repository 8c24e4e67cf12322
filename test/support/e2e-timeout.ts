/**
 * The time each e2e test and hook may take: they start apps and databases, which under load
 * (2 cores, a parallel run) takes longer than Jest's 5 s default. Set here because Jest reads
 * `testTimeout` only from the top-level configuration, where it would apply to unit specs too.
 */
export const E2E_TEST_TIMEOUT_MS = 30_000;

jest.setTimeout(E2E_TEST_TIMEOUT_MS);
