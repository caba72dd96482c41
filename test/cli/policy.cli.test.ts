import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildSafetensors } from '../../src/formats/safetensors/builder.js';
import { runCli } from '../helpers/cli.js';
import { HubProcess } from '../helpers/hub-process.js';
import { plainPickle } from '../helpers/pickles.js';

const PRODUCTION = resolve('examples/policy-production.yaml');

const root = mkdtempSync(join(tmpdir(), 'mg-policycli-'));
/** An empty config folder: the user's own ~/.config/modelgate/policy.yaml must not be read. */
const noConfig = join(root, 'xdg-empty');
mkdirSync(noConfig);

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}
function run(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Run {
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_CONFIG_HOME: noConfig, ...options.env };
  delete env.MODELGATE_POLICY;
  if (options.env?.MODELGATE_POLICY) env.MODELGATE_POLICY = options.env.MODELGATE_POLICY;
  return runCli(args, { cwd: options.cwd ?? root, env });
}
interface Decision {
  allow: boolean;
  reasons: Array<{ rule: string; path?: string; message: string }>;
  policy?: string;
}
function decisionOf(out: Run): Decision | undefined {
  return (JSON.parse(out.stdout) as { decision?: Decision }).decision;
}

const safetensors = buildSafetensors({ tensors: [{ name: 'w', dtype: 'F32', shape: [16, 16] }] });
let caseDir: string;
let model: string;
let policies: string;

function policy(name: string, text: string): string {
  const path = join(policies, name);
  writeFileSync(path, text);
  return path;
}

beforeEach(() => {
  caseDir = mkdtempSync(join(root, 'case-'));
  model = join(caseDir, 'model');
  policies = join(caseDir, 'policies');
  mkdirSync(model);
  mkdirSync(policies);
  writeFileSync(join(model, 'model.safetensors'), safetensors);
  writeFileSync(join(model, 'config.json'), '{"model_type": "bert"}');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const SAFETENSORS_ONLY = 'version: 1\nformats:\n  allow: [safetensors]\n';

describe('scan --policy on a folder', () => {
  it('formats.allow [safetensors]: a safetensors + config.json folder is allowed (exit 0)', () => {
    const out = run(['scan', '-f', 'json', '--policy', policy('p.yaml', SAFETENSORS_ONLY), model]);
    expect(out.status, out.stderr).toBe(0);
    const decision = decisionOf(out)!;
    expect(decision.allow).toBe(true);
    expect(decision.policy).toBe(join(policies, 'p.yaml'));
  });

  it('a pickle file denies (exit 1), naming the file and the formats.allow rule, in JSON and in text', () => {
    writeFileSync(join(model, 'extra.pkl'), plainPickle());
    const path = policy('p.yaml', SAFETENSORS_ONLY);
    const out = run(['scan', '-f', 'json', '--policy', path, model]);
    expect(out.status).toBe(1);
    const decision = decisionOf(out)!;
    expect(decision.allow).toBe(false);
    expect(decision.reasons).toEqual([{ rule: 'formats.allow', path: 'extra.pkl', message: expect.stringContaining('extra.pkl') }]);
    const text = run(['scan', '--policy', path, model]);
    expect(text.status).toBe(1);
    expect(text.stdout).toMatch(/formats\.allow/);
    expect(text.stdout).toMatch(/extra\.pkl/);
  });

  it('a deny exits 1 even when no finding reaches --fail-on', () => {
    writeFileSync(join(model, 'extra.pkl'), plainPickle());
    const out = run(['scan', '-f', 'json', '--fail-on', 'critical', '--policy', policy('p.yaml', SAFETENSORS_ONLY), model]);
    expect(out.status).toBe(1);
    expect(decisionOf(out)?.allow).toBe(false);
  });

  it('requireLock: a matching --lock allows; a changed file denies with the lock reason; no lock denies', () => {
    const lockPath = join(caseDir, 'model.lock');
    expect(run(['lock', model, '-o', lockPath]).status).toBe(0);
    const path = policy('p.yaml', `${SAFETENSORS_ONLY}requireLock: true\n`);

    const ok = run(['scan', '-f', 'json', '--policy', path, '--lock', lockPath, model]);
    expect(ok.status, ok.stderr).toBe(0);
    expect(decisionOf(ok)?.allow).toBe(true);

    writeFileSync(join(model, 'config.json'), '{"model_type": "gpt2"}');
    const changed = run(['scan', '-f', 'json', '--policy', path, '--lock', lockPath, model]);
    expect(changed.status).toBe(1);
    const decision = decisionOf(changed)!;
    expect(decision.allow).toBe(false);
    expect(decision.reasons).toEqual([{ rule: 'requireLock', message: expect.stringContaining('config.json changed') }]);

    // No --lock and no ./modelgate.lock in the working folder: nothing was checked, so deny.
    const none = run(['scan', '-f', 'json', '--policy', path, model], { cwd: caseDir });
    expect(none.status).toBe(1);
    expect(decisionOf(none)?.reasons).toEqual([{ rule: 'requireLock', message: expect.stringContaining('no lock was checked') }]);
  });

  it('requireLock: a modelgate.lock inside the scanned folder is not taken as the default lock', () => {
    writeFileSync(join(model, 'extra.safetensors'), safetensors);
    // The folder's own lock, pinning whatever the folder holds now.
    expect(run(['lock', '.'], { cwd: model }).status).toBe(0);
    const path = policy('p.yaml', 'version: 1\nrequireLock: true\n');
    const out = run(['scan', '-f', 'json', '--policy', path, '.'], { cwd: model });
    expect(out.status).toBe(1);
    expect(decisionOf(out)?.reasons.map((r) => r.rule)).toEqual(['requireLock']);
  });

  it('requireLock with several targets: one lock cannot pin them all, so deny', () => {
    const lockPath = join(caseDir, 'model.lock');
    expect(run(['lock', model, '-o', lockPath]).status).toBe(0);
    const other = join(caseDir, 'other');
    mkdirSync(other);
    writeFileSync(join(other, 'unpinned.safetensors'), safetensors);
    const out = run(['scan', '-f', 'json', '--policy', policy('p.yaml', 'version: 1\nrequireLock: true\n'), '--lock', lockPath, model, other]);
    expect(out.status).toBe(1);
    const decision = decisionOf(out)!;
    expect(decision.allow).toBe(false);
    expect(decision.reasons).toEqual([{ rule: 'requireLock', message: expect.stringContaining(other) }]);
  });

  it('requireLock with a lock that is not a lock exits 2', () => {
    const bad = join(caseDir, 'bad.lock');
    writeFileSync(bad, '{}');
    const out = run(['scan', '-f', 'json', '--policy', policy('p.yaml', 'version: 1\nrequireLock: true\n'), '--lock', bad, model]);
    expect(out.status).toBe(2);
    expect(out.stderr).toMatch(/not a modelgate lock/);
  });

  it('an invalid policy exits 2 before scanning, with the line number in stderr', () => {
    const path = policy('bad.yaml', 'version: 1\nformats:\n  allow: [safetensors]\nmaxSeverty: low\n');
    const out = run(['scan', '-f', 'json', '--policy', path, model]);
    expect(out.status).toBe(2);
    expect(out.stdout).toBe('');
    expect(out.stderr).toContain(`${path}:4:`);
    expect(out.stderr).toMatch(/maxSeverty/);
    const yaml = run(['scan', '--policy', policy('broken.yaml', 'version: 1\nformats: [\n'), model]);
    expect(yaml.status).toBe(2);
    expect(yaml.stderr).toMatch(/broken\.yaml:\d+:\d+/);
    expect(run(['scan', '--policy', join(policies, 'absent.yaml'), model]).status).toBe(2);
  });

  it('MODELGATE_POLICY is used when --policy is absent, and --policy wins over it', () => {
    writeFileSync(join(model, 'extra.pkl'), plainPickle());
    const strict = policy('strict.yaml', SAFETENSORS_ONLY);
    const lax = policy('lax.yaml', 'version: 1\nformats:\n  allow: [safetensors, pickle]\n');
    const byEnv = run(['scan', '-f', 'json', model], { env: { MODELGATE_POLICY: strict } });
    expect(byEnv.status).toBe(1);
    expect(decisionOf(byEnv)).toMatchObject({ allow: false, policy: strict });
    const byFlag = run(['scan', '-f', 'json', '--policy', lax, model], { env: { MODELGATE_POLICY: strict } });
    expect(byFlag.status, byFlag.stderr).toBe(0);
    expect(decisionOf(byFlag)).toMatchObject({ allow: true, policy: lax });
  });

  it("reads the user's config folder ($XDG_CONFIG_HOME/modelgate/policy.yaml)", () => {
    writeFileSync(join(model, 'extra.pkl'), plainPickle());
    const xdg = join(caseDir, 'xdg');
    mkdirSync(join(xdg, 'modelgate'), { recursive: true });
    writeFileSync(join(xdg, 'modelgate', 'policy.yaml'), SAFETENSORS_ONLY);
    const out = run(['scan', '-f', 'json', model], { env: { XDG_CONFIG_HOME: xdg } });
    expect(out.status).toBe(1);
    expect(decisionOf(out)).toMatchObject({ allow: false, policy: join(xdg, 'modelgate', 'policy.yaml') });
  });

  it('never reads a policy from the scanned folder, nor from the working folder inside it', () => {
    writeFileSync(join(model, 'extra.pkl'), plainPickle());
    // The repo's own policy would allow its pickle; it must not be read.
    writeFileSync(join(model, 'policy.yaml'), 'version: 1\nformats:\n  allow: [safetensors, pickle]\n');
    mkdirSync(join(model, '.config', 'modelgate'), { recursive: true });
    writeFileSync(join(model, '.config', 'modelgate', 'policy.yaml'), 'version: 1\nformats:\n  allow: [safetensors, pickle]\n');

    const none = run(['scan', '-f', 'json', '.'], { cwd: model, env: { HOME: model } });
    expect(none.status, none.stderr).toBe(0);
    expect(decisionOf(none)).toBeUndefined();

    const strict = run(['scan', '-f', 'json', '--policy', policy('strict.yaml', SAFETENSORS_ONLY), '.'], { cwd: model });
    expect(strict.status).toBe(1);
    expect(decisionOf(strict)).toMatchObject({ allow: false, policy: join(policies, 'strict.yaml') });
  });
});

describe('scan hf: --policy examples/policy-production.yaml', () => {
  let hub: HubProcess;
  let commit = '';
  let hfHome: string;
  const hfEnv = (): Record<string, string> => ({ HF_ENDPOINT: hub.url, HF_HOME: hfHome });

  beforeAll(async () => {
    hub = await HubProcess.start();
    hfHome = mkdtempSync(join(root, 'hf-'));
    commit = await hub.addSimpleRepo('acme/good', [
      { path: 'config.json', content: Buffer.from('{"model_type": "bert"}') },
      { path: 'model.safetensors', content: safetensors },
      { path: 'README.md', content: Buffer.from('# good\n') },
    ]);
    await hub.addSimpleRepo('acme/pickled', [
      { path: 'config.json', content: Buffer.from('{"model_type": "bert"}') },
      { path: 'pytorch_model.bin', content: plainPickle() },
    ]);
  });
  afterAll(async () => {
    await hub.close();
  });

  it('denies an unpinned revision (exit 1), with the commit to pin in the reason', () => {
    const out = run(['scan', '-q', '-f', 'json', '--policy', PRODUCTION, 'hf:acme/good'], { env: hfEnv() });
    expect(out.status, out.stderr).toBe(1);
    const report = JSON.parse(out.stdout) as { source: { commit: string }; decision: Decision };
    expect(report.source.commit).toBe(commit);
    expect(report.decision.allow).toBe(false);
    expect(report.decision.reasons).toEqual([{ rule: 'requirePinnedRevision', message: expect.stringContaining(`acme/good@${commit}`) }]);
  });

  it('allows a safetensors-only repo pinned to its commit (exit 0)', () => {
    const out = run(['scan', '-q', '-f', 'json', '--policy', PRODUCTION, `hf:acme/good@${commit}`], { env: hfEnv() });
    expect(out.status, out.stderr).toBe(0);
    const report = JSON.parse(out.stdout) as { source: { revision: string }; decision: Decision };
    expect(report.source.revision).toBe(commit);
    expect(report.decision.allow).toBe(true);
  });

  it('denies a repo holding a pickle, naming the file, with every reason listed', () => {
    const out = run(['scan', '-q', '-f', 'json', '--policy', PRODUCTION, 'hf:acme/pickled'], { env: hfEnv() });
    expect(out.status).toBe(1);
    const reasons = (JSON.parse(out.stdout) as { decision: Decision }).decision.reasons;
    expect(reasons).toContainEqual({ rule: 'formats.allow', path: 'pytorch_model.bin', message: expect.stringContaining('pytorch_model.bin') });
    expect(reasons.map((r) => r.rule)).toContain('requirePinnedRevision');
  });
});
