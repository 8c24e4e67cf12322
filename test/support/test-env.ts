export const TEST_JWT_SECRET = 'test-secret-for-e2e-only-0123456789';
