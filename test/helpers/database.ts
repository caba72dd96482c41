import { inject } from 'vitest';

/**
 * The URL of the tests' PostgreSQL database (`postgres://postgres@127.0.0.1:PORT/modelgate_test`),
 * started by test/global-setup.ts or given in MODELGATE_TEST_DATABASE_URL. Throws with the reason
 * when there is none: a database test fails, it is never skipped.
 */
export function testDatabaseUrl(): string {
  const url = process.env.MODELGATE_TEST_DATABASE_URL;
  if (url) return url;
  throw new Error(inject('postgres').problem ?? 'MODELGATE_TEST_DATABASE_URL is not set and test/global-setup.ts gave no reason');
}
