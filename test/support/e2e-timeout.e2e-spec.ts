/*
 * Not imported from ./e2e-timeout: importing it would set the timeout itself and hide a
 * configuration that no longer loads it.
 */
describe('e2e test timeout', () => {
  it('is 30 s, not the 5 s Jest default', () => {
    // Where `jest.setTimeout` leaves the value that Jest applies when the file's run starts.
    const timeout = (globalThis as Record<symbol, unknown>)[Symbol.for('TEST_TIMEOUT_SYMBOL')];
    expect(timeout).toBe(30_000);
  });
});
