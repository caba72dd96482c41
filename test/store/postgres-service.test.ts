import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { testDatabaseUrl } from '../helpers/database.js';

// The database tests run on a real PostgreSQL server (test/global-setup.ts): this fails, never
// skips, when it is not there.
describe('the test PostgreSQL server', () => {
  it('answers on the URL the tests are given', async () => {
    const url = testDatabaseUrl();
    expect(url).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/modelgate_test$/);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const result = await client.query<{ one: number; database: string; version: string }>(
        "select 1 as one, current_database() as database, current_setting('server_version_num') as version",
      );
      expect(result.rows[0]?.one).toBe(1);
      expect(result.rows[0]?.database).toBe('modelgate_test');
      expect(Number(result.rows[0]?.version)).toBeGreaterThanOrEqual(150000);
    } finally {
      await client.end();
    }
  });
});
