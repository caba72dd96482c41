import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { permissionArgs, sandboxEnv, sandboxGrants } from '../../src/cli/sandbox.js';
import { CLI, runCli } from '../helpers/cli.js';
import { osSystemPickle, plainPickle } from '../helpers/pickles.js';

const ROOT = resolve('.');
const dir = realpathSync(mkdtempSync(join(tmpdir(), 'mg-sandbox-')));
const bad = join(dir, 'bad.pkl');
const good = join(dir, 'good.pkl');
writeFileSync(bad, osSystemPickle());
writeFileSync(good, plainPickle());
const h5 = resolve('test/fixtures/keras/legacy_dense.h5');
// The user's config folder, empty: a run under the permission model may read it (no policy).
const config = mkdtempSync(join(tmpdir(), 'mg-sandbox-config-'));
const env = { ...process.env, XDG_CONFIG_HOME: config, MODELGATE_POLICY: '' };

/** A JSON report without what differs from run to run (how long it took). */
function withoutTiming(stdout: string): unknown {
  const report = JSON.parse(stdout) as { summary: { durationMs?: number } };
  delete report.summary.durationMs;
  return report;
}

/** Runs the built CLI under Node's permission model with `flags`, as a user might. */
function underPermissions(flags: string[], ...args: string[]) {
  return spawnSync(process.execPath, [...flags, CLI, ...args], { encoding: 'utf8', env });
}

/**
 * The permission flags of the sandbox for these targets, with the config folder as the private
 * folder: readable, and granted once (Node 20 aborts on a path granted twice).
 */
function sandboxFlags(targets: string[]): string[] {
  return permissionArgs(sandboxGrants(targets, config));
}

describe('modelgate scan --sandbox', () => {
  it('gives the same report of the whole corpus as a scan in this process (the sandbox is the default)', { timeout: 300_000 }, () => {
    const byDefault = runCli(['scan', '-q', '-f', 'json', 'eval/corpus'], { env });
    const sandboxed = runCli(['scan', '--sandbox', '-q', '-f', 'json', 'eval/corpus'], { env });
    const inProcess = runCli(['scan', '--no-sandbox', '-q', '-f', 'json', 'eval/corpus'], { env });
    expect(inProcess.status, inProcess.stderr).toBe(1);
    expect(sandboxed.status, sandboxed.stderr).toBe(1);
    expect(byDefault.status, byDefault.stderr).toBe(1);
    const expected = withoutTiming(inProcess.stdout);
    expect(expected).toMatchObject({ summary: { files: 237, error: 0 } });
    expect(withoutTiming(sandboxed.stdout)).toEqual(expected);
    expect(withoutTiming(byDefault.stdout)).toEqual(expected);
  });

  it('writes --output in the parent, and exits as a scan in this process does', () => {
    const out = join(dir, 'report.json');
    expect(runCli(['scan', '--sandbox', '-f', 'json', '-o', out, bad, good], { env }).status).toBe(1);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toMatchObject({ summary: { files: 2, malicious: 1, clean: 1 } });
    expect(runCli(['scan', '--sandbox', good], { env }).status).toBe(0);
    const missing = runCli(['scan', '--sandbox', join(dir, 'missing.pkl')], { env });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/missing\.pkl/);
  });

  it('allows native addons only to a scan that needs one (an xz filter chain only the native decoder takes): the same report', () => {
    // bcj-x86.pkl.xz (test/fixtures/sandbox/make.py): x86 BCJ then LZMA2, for @napi-rs/lzma.
    const targets = ['test/fixtures/sandbox/bcj-x86.pkl.xz', 'test/fixtures/zip-methods/payload-lzma.zip', good];
    const sandboxed = runCli(['scan', '--sandbox', '-f', 'json', ...targets], { env });
    const inProcess = runCli(['scan', '--no-sandbox', '-f', 'json', ...targets], { env });
    expect(sandboxed.status, sandboxed.stderr).toBe(1);
    expect(withoutTiming(sandboxed.stdout)).toEqual(withoutTiming(inProcess.stdout));
    expect(withoutTiming(inProcess.stdout)).toMatchObject({ summary: { files: 3, malicious: 1, clean: 1, error: 1 } });
    // What the native decoder says, not that it could not be loaded.
    expect(sandboxed.stdout).not.toMatch(/native binding|addons is disabled/);
  });

  it('documents --sandbox, --no-sandbox and exit code 3 in --help', () => {
    const help = runCli(['scan', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/--sandbox/);
    expect(help.stdout).toMatch(/--no-sandbox/);
    expect(help.stdout).toMatch(/^ {2}3 {2}internal error/m);
    expect(help.stdout).not.toMatch(/--sandbox-child/);
  });

  it('refuses --sandbox for a Hugging Face repo (exit 2), before any network access', () => {
    const run = runCli(['scan', '--sandbox', 'hf:someone/model'], { env: { ...env, HF_HUB_OFFLINE: '1' } });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/--sandbox scans local targets only/);
  });

  it('grants reading the targets, the installation and the private folder; writing the private folder only', () => {
    const args = permissionArgs(sandboxGrants([good], dir));
    expect(args).toContain('--allow-worker');
    expect(args.filter((a) => /^--allow-(addons|child-process|wasi)/.test(a))).toEqual([]);
    const reads = args.filter((a) => a.startsWith('--allow-fs-read=')).map((a) => a.slice('--allow-fs-read='.length));
    const writes = args.filter((a) => a.startsWith('--allow-fs-write=')).map((a) => a.slice('--allow-fs-write='.length));
    expect(writes).toEqual([dir]);
    // The file, its folder (the engine reads files beside a model), the private folder.
    expect(reads).toEqual(expect.arrayContaining([good, dirname(good), join(ROOT, 'dist'), join(ROOT, 'package.json'), join(ROOT, 'node_modules')]));
    const allowed = (p: string) =>
      p === good || p === dir || p.startsWith(join(ROOT, 'dist')) || p === join(ROOT, 'data') || p === join(ROOT, 'package.json') || /node_modules$/.test(p);
    expect(reads.filter((p) => !allowed(p))).toEqual([]);
    expect(reads).not.toContain(ROOT);
    expect(reads).not.toContain(homedir());
  });

  it('gives the child only the environment it needs: no tokens', () => {
    const given = { PATH: '/bin', TMPDIR: '/t', LC_ALL: 'C', HF_TOKEN: 'hf_x', MODELGATE_REGISTRY_TOKEN: 'y', AWS_SECRET_ACCESS_KEY: 'z' };
    expect(sandboxEnv(given, { MODELGATE_SANDBOX_TMP: '/t/m' })).toEqual({ PATH: '/bin', TMPDIR: '/t', LC_ALL: 'C', MODELGATE_SANDBOX_TMP: '/t/m' });
  });

  it('refuses a path that Node would read as a wildcard', () => {
    expect(() => sandboxGrants([join(dir, 'a*')], dir)).toThrow(/--sandbox cannot grant a path with \*/);
  });
});

describe('a permission that is not granted never exits 1 (findings)', () => {
  it('exits 3 (internal error) when the code cannot even load', () => {
    const run = underPermissions(['--experimental-permission', `--allow-fs-read=${join(ROOT, 'dist')}`], 'scan', '--no-sandbox', bad);
    expect(run.status).toBe(3);
    expect(run.stderr).toMatch(/internal error: Node's permission model refused/);
  });

  it('exits 2 for a target it may not read', () => {
    // Grants another folder's file (and that folder), not `bad`'s.
    const run = underPermissions(sandboxFlags([h5]), 'scan', '--no-sandbox', bad);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`cannot read ${bad}: `);
  });

  it('scans in the main thread without --allow-worker, with the same report', () => {
    const flags = sandboxFlags([bad, good]).filter((f) => f !== '--allow-worker');
    const run = underPermissions(flags, 'scan', '--no-sandbox', '--no-hash', '-f', 'json', bad, good);
    const normal = runCli(['scan', '--no-sandbox', '--no-hash', '-f', 'json', bad, good], { env });
    expect(run.status, run.stderr).toBe(1);
    expect(withoutTiming(run.stdout)).toEqual(withoutTiming(normal.stdout));
  });

  it('reads no HDF5 without --allow-worker (libhdf5 runs only in its thread): an error, exit 2', () => {
    const flags = sandboxFlags([h5]).filter((f) => f !== '--allow-worker');
    const run = underPermissions(flags, 'scan', '--no-sandbox', '--no-hash', '-f', 'json', h5);
    expect(run.status, run.stderr).toBe(2);
    const report = JSON.parse(run.stdout) as { files: Array<{ verdict: string; findings: Array<{ code?: string }> }> };
    expect(report.files[0]).toMatchObject({ verdict: 'error', findings: [{ code: 'UNSUPPORTED' }] });
  });
});
