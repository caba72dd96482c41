import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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
