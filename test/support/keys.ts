/** Obviously fake Admin keys for tests; the log-secrecy checks look for these exact strings. */
export const TEST_ADMIN_KEY = 'sk-admin-test-0000-first';
export const ROTATED_ADMIN_KEY = 'sk-admin-test-0000-rotated';
