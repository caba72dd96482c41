import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';

/*
 * Tests never read the developer's own configuration or Hub cache: a policy in
 * ~/.config/modelgate, a refreshed name list, an HF token or HF_HOME would change what scans
 * decide. Children the tests spawn inherit this environment. Tests that need one of these set
 * it themselves.
 */
const home = mkdtempSync(join(tmpdir(), 'mg-test-home-'));
process.env.XDG_CONFIG_HOME = join(home, 'config');
process.env.HF_HOME = join(home, 'hf');
for (const name of [
  'MODELGATE_POLICY',
  'MODELGATE_KNOWN_NAMES',
  'MODELGATE_CACHE',
  'HF_TOKEN',
  'HUGGING_FACE_HUB_TOKEN',
  'HF_ENDPOINT',
  'HF_HUB_OFFLINE',
  'HF_TOKEN_PATH',
]) {
  delete process.env[name];
}

/*
 * The test PostgreSQL server that test/global-setup.ts started (or was given): its URL in
 * MODELGATE_TEST_DATABASE_URL, for the tests and anything they spawn. testDatabaseUrl()
 * (test/helpers/database.ts) fails with the reason when there is none.
 */
const postgres = inject('postgres');
if (postgres.url) process.env.MODELGATE_TEST_DATABASE_URL = postgres.url;
else delete process.env.MODELGATE_TEST_DATABASE_URL;
