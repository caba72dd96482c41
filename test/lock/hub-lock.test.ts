import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isModelgateError } from '../../src/core/errors.js';
import type { HubScanOptions } from '../../src/app/index.js';
import { buildSafetensors } from '../../src/formats/safetensors/builder.js';
import { lockTarget, verifyTarget, writeLock, type LockFile } from '../../src/app/lock/index.js';
import { commitOf, sha256, type FixtureFile } from '../helpers/fixture-hub.js';
import { HubProcess } from '../helpers/hub-process.js';

let hub: HubProcess;
let work: string;
let cache: string;
const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({ HF_ENDPOINT: hub.url, HF_HOME: cache, ...extra });
const opts = (extra: Partial<HubScanOptions> = {}): HubScanOptions => ({ env: env(), transport: { backoffMs: 10 }, ...extra });

const weights = buildSafetensors({ tensors: [{ name: 'w', dtype: 'F32', shape: [32, 32] }] });
const weightsFile: FixtureFile = { path: 'model.safetensors', content: weights };
const readme: FixtureFile = { path: 'README.md', content: Buffer.from('# model\n') };
const files: FixtureFile[] = [
  { path: 'config.json', content: Buffer.from('{"model_type": "bert"}') },
  weightsFile,
  readme,
  { path: 'onnx/model.onnx', content: Buffer.alloc(2048, 3) },
];
let commit = '';

/** `files` with one file's bytes replaced, one removed and one added: a later commit. */
const nextFiles: FixtureFile[] = [
  { path: 'config.json', content: Buffer.from('{"model_type": "bert", "auto_map": {}}') },
  weightsFile,
  readme,
  { path: 'modeling.py', content: Buffer.from('import os\n') },
];

async function codeOf(work: Promise<unknown>): Promise<string | undefined> {
  return work.then(
    () => undefined,
    (e: unknown) => (isModelgateError(e) ? e.code : `not a ModelgateError: ${String(e)}`),
  );
}

function saveLock(name: string, lock: LockFile): string {
  const path = join(work, name);
  writeLock(path, lock);
  return path;
}

beforeAll(async () => {
  hub = await HubProcess.start();
  work = mkdtempSync(join(tmpdir(), 'mg-hublock-'));
  commit = await hub.addSimpleRepo('acme/model', files);
});
afterAll(async () => {
  await hub.close();
  rmSync(work, { recursive: true, force: true });
});
beforeEach(async () => {
  // A fresh download cache per test: each test sees what it downloads itself.
  cache = mkdtempSync(join(work, 'hf-'));
  await hub.setFaults({});
  await hub.clearLog();
});

describe('lock hf:', () => {
  it('pins the resolved commit; LFS files carry the Hub SHA-256 (not downloaded), git files are fetched and hashed', async () => {
    const lock = await lockTarget('hf:acme/model', opts());
    expect(lock.source).toEqual({ type: 'hf', repo: 'acme/model', revision: 'main', commit, endpoint: hub.url });
    expect(lock.files).toEqual(
      files.map((f) => ({ path: f.path, size: f.content.length, sha256: sha256(f.content) })).sort((a, b) => (a.path < b.path ? -1 : 1)),
    );
    const { log } = await hub.state();
    // Only the git files were read; the LFS files' hashes came from the listing.
    expect(log.filter((r) => r.server === 'cdn')).toEqual([]);
    const resolved = log.filter((r) => r.path.includes('/resolve/')).map((r) => decodeURIComponent(r.path.replace(/^.*\/resolve\/[^/]+\//, '')));
    expect(resolved.sort()).toEqual(['README.md', 'config.json']);
  });

  it('--full downloads the LFS files and hashes them', async () => {
    const lock = await lockTarget('hf:acme/model', opts({ full: true }));
    expect(lock.files.find((f) => f.path === 'model.safetensors')).toEqual({ path: 'model.safetensors', size: weights.length, sha256: sha256(weights) });
    const cdn = (await hub.state()).log.filter((r) => r.server === 'cdn' && r.method === 'GET');
    expect(cdn.length).toBe(2);
  });

  it('refuses to lock a file whose bytes do not match the Hub hash', async () => {
    await hub.setFaults({ corrupt: new Set([sha256(weights)]) });
    expect(await codeOf(lockTarget('hf:acme/model', opts({ full: true })))).toBe('NETWORK');
  });

  it('a renamed repo is locked under the name the Hub redirected to', async () => {
    await hub.rename('acme/old-name', 'acme/model');
    const lock = await lockTarget('hf:acme/old-name', opts());
    expect(lock.source).toMatchObject({ type: 'hf', repo: 'acme/model', commit });
    const report = await verifyTarget('hf:acme/old-name', saveLock('renamed.lock', lock), opts());
    expect(report.match).toBe(true);
    expect(report.source).toMatchObject({ repo: 'acme/old-name', redirectedTo: 'acme/model', commit });
  });

  it('a repo that does not exist is HUB_NOT_FOUND or HUB_ACCESS, as the Hub answers', async () => {
    expect(await codeOf(lockTarget('hf:acme/nothing', opts()))).toMatch(/^HUB_(NOT_FOUND|ACCESS)$/);
  });
});

describe('verify hf:', () => {
  it('matches the lock made from the same commit', async () => {
    const lockPath = saveLock('model.lock', await lockTarget('hf:acme/model', opts()));
    const report = await verifyTarget('hf:acme/model', lockPath, opts());
    expect(report).toMatchObject({ match: true, checked: 4, missing: [], extra: [], changed: [], notes: [], findings: [] });
    expect(report.source).toEqual({ repo: 'acme/model', revision: 'main', commit });
  });

  it('after a new commit on main: changed, extra and missing files, and a note about the commit', async () => {
    const first = commitOf(files, 'acme/moving');
    const second = commitOf(nextFiles, 'acme/moving');
    await hub.addRepo({ id: 'acme/moving', commits: { [first]: files }, refs: { main: first } });
    const lockPath = saveLock('moving.lock', await lockTarget('hf:acme/moving', opts()));
    await hub.addRepo({ id: 'acme/moving', commits: { [first]: files, [second]: nextFiles }, refs: { main: second } });

    const report = await verifyTarget('hf:acme/moving', lockPath, opts());
    expect(report.match).toBe(false);
    expect(report.source?.commit).toBe(second);
    expect(report.changed).toEqual(['config.json']);
    expect(report.extra).toEqual(['modeling.py']);
    expect(report.missing).toEqual(['onnx/model.onnx']);
    expect(report.findings.map((f) => f.ruleId).sort()).toEqual(['lock/changed-file', 'lock/extra-file', 'lock/missing-file']);
    expect(report.notes).toEqual([expect.stringContaining(`the lock was made at commit ${first}`)]);
    expect(report.notes[0]).toContain(second);

    // Pinned to the locked commit, the repo still matches.
    const pinned = await verifyTarget(`hf:acme/moving@${first}`, lockPath, opts());
    expect(pinned.match).toBe(true);
    expect(pinned.notes).toEqual([]);
  });

  it('a lock of another repo: differences, and a note naming both repos', async () => {
    await hub.addSimpleRepo('acme/other', nextFiles);
    const lockPath = saveLock('model.lock', await lockTarget('hf:acme/model', opts()));
    const report = await verifyTarget('hf:acme/other', lockPath, opts());
    expect(report.match).toBe(false);
    expect(report.notes.some((n) => n.includes('hf:acme/model') && n.includes('hf:acme/other'))).toBe(true);
  });

  it('a lock made against another endpoint: a note naming both', async () => {
    const lock = await lockTarget('hf:acme/model', opts());
    const lockPath = saveLock('mirror.lock', { ...lock, source: { ...lock.source, endpoint: 'https://mirror.example' } as LockFile['source'] });
    const report = await verifyTarget('hf:acme/model', lockPath, opts());
    expect(report.match).toBe(true);
    expect(report.notes).toEqual([`the lock was made against https://mirror.example; this check read ${hub.url}`]);
  });

  it('without a lock, downloads every file and checks it against the Hub hashes', async () => {
    const report = await verifyTarget('hf:acme/model', undefined, opts());
    expect(report).toMatchObject({ lock: null, match: true, checked: 4, findings: [] });
    expect(report.notes).toEqual([expect.stringContaining('no lock')]);
    const cdn = (await hub.state()).log.filter((r) => r.server === 'cdn' && r.method === 'GET' && r.range === undefined);
    expect(cdn.length).toBe(2);
  });

  it('without a lock, a corrupted download is a repo/hash-mismatch finding naming the file', async () => {
    await hub.setFaults({ corrupt: new Set([sha256(weights)]) });
    const report = await verifyTarget('hf:acme/model', undefined, opts());
    expect(report.match).toBe(false);
    expect(report.findings.map((f) => [f.ruleId, f.target])).toEqual([['repo/hash-mismatch', 'model.safetensors']]);
    expect(report.findings[0]?.message).toContain('model.safetensors');
  });

  it('with a lock and --full, a corrupted download is a mismatch and a changed file', async () => {
    const lockPath = saveLock('model.lock', await lockTarget('hf:acme/model', opts()));
    await hub.setFaults({ corrupt: new Set([sha256(weights)]) });
    const report = await verifyTarget('hf:acme/model', lockPath, opts({ full: true }));
    expect(report.match).toBe(false);
    expect(report.changed).toEqual(['model.safetensors']);
    expect(report.findings.map((f) => f.ruleId).sort()).toEqual(['lock/changed-file', 'repo/hash-mismatch']);
  });

  it('a folder downloaded from the Hub (with huggingface_hub metadata) matches the repo lock', async () => {
    const lockPath = saveLock('model.lock', await lockTarget('hf:acme/model', opts()));
    const local = join(work, 'local-copy');
    for (const f of files) {
      mkdirSync(join(local, f.path, '..'), { recursive: true });
      writeFileSync(join(local, f.path), f.content);
    }
    mkdirSync(join(local, '.cache', 'huggingface'), { recursive: true });
    writeFileSync(join(local, '.cache', 'huggingface', '.gitignore'), '*\n');
    expect((await verifyTarget(local, lockPath)).match).toBe(true);
  });
});
