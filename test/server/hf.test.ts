import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { downloadFile, HubApiError, listFiles, modelInfo, snapshotDownload } from '@huggingface/hub';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { resolveServed, type ServedVersion } from '../../src/app/registry/index.js';
import { createApp } from '../../src/server/index.js';
import { parseRange } from '../../src/server/hf/range.js';
import { treePage } from '../../src/server/hf/tree.js';
import { DATABASES } from '../helpers/registry.js';
import { hfWorld, type HfWorld } from './hf-registry.js';

/*
 * The Hugging Face-compatible endpoint (/hf) on SQLite and PostgreSQL: shapes in-process through
 * app.request(), then the @huggingface/hub client against a real server.
 */

// Large buffers are compared by digest: a deep toEqual of a megabyte holds the event loop for seconds.
const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const gitBlobId = (b: Buffer): string => createHash('sha1').update(`blob ${b.length}\0`).update(b).digest('hex');

let w: HfWorld;

describe.each(DATABASES)('on %s', (kind) => {
  beforeAll(async () => {
    w = await hfWorld(kind);
  }, 180_000);
  afterAll(async () => w?.close());

  describe('the /hf endpoint, in-process', () => {
    const get = (path: string, init: RequestInit & { token?: string | null } = {}): Promise<Response> => {
      const { token, ...rest } = init;
      const headers = new Headers(rest.headers);
      const bearer = token === undefined ? w.token : token;
      if (bearer !== null) headers.set('authorization', `Bearer ${bearer}`);
      return Promise.resolve(createApp(w.registry).request(`/hf${path}`, { ...rest, headers }));
    };
    const errorOf = (r: Response) => ({ status: r.status, code: r.headers.get('x-error-code'), message: r.headers.get('x-error-message') });

    it('needs a registry token: none is 401 RepoNotFound, an unknown one 401 invalid credentials; an hf_ prefix is taken off', async () => {
      expect(errorOf(await get('/api/models/acme/bert', { token: null }))).toMatchObject({ status: 401, code: 'RepoNotFound' });
      const bad = await get('/api/models/acme/bert', { token: 'mg_nope' });
      expect(errorOf(bad)).toEqual({ status: 401, code: null, message: 'Invalid credentials in Authorization header' });
      expect(await bad.json()).toEqual({ error: 'Invalid credentials in Authorization header' });
      expect((await get('/api/models/acme/bert', { token: `hf_${w.token}` })).status).toBe(200);
    });

    it('answers model info at main (the newest approved version), HEAD, and an approved commit', async () => {
      const main = await (await get('/api/models/acme/bert')).json();
      expect(main).toMatchObject({ id: 'acme/bert', modelId: 'acme/bert', author: 'acme', sha: w.v2.commit, private: true, gated: false });
      expect(main.siblings).toEqual(['README.md', 'config.json', 'model.safetensors', 'tokenizer/vocab.txt'].map((rfilename) => ({ rfilename })));
      expect(main.modelgate.version).toBe(w.v2.id);
      expect(Number.isNaN(Date.parse(main.lastModified))).toBe(false);
      expect((await (await get('/api/models/acme/bert/revision/HEAD')).json()).sha).toBe(w.v2.commit);
      expect((await (await get(`/api/models/acme/bert/revision/${w.v1.commit}`)).json()).sha).toBe(w.v1.commit);
      const blobs = await (await get('/api/models/acme/bert/revision/main?blobs=true')).json();
      const weights = w.v2.files['model.safetensors']!;
      expect(blobs.siblings.find((s: { rfilename: string }) => s.rfilename === 'model.safetensors')).toEqual({
        rfilename: 'model.safetensors',
        blobId: expect.stringMatching(/^[0-9a-f]{40}$/),
        size: weights.length,
        lfs: { sha256: sha256(weights), size: weights.length, pointerSize: expect.any(Number) },
      });
    });

    it('refuses what is not approved with the Hub error codes', async () => {
      const cases: Array<[string, string]> = [
        [`/api/models/acme/bert/revision/${w.inReview.commit}`, 'RevisionNotFound'],
        [`/api/models/acme/bert/revision/${w.revoked.commit}`, 'RevisionNotFound'],
        [`/acme/bert/resolve/${w.revoked.commit}/config.json`, 'RevisionNotFound'],
        [`/acme/bert/resolve/${w.inReview.commit}/config.json`, 'RevisionNotFound'],
        [`/api/models/acme/bert/revision/refs%2Fpr%2F1`, 'RevisionNotFound'],
        [`/api/models/acme/bert/revision/${w.v1.commit.slice(0, 12)}`, 'RevisionNotFound'],
        [`/api/models/acme/pending`, 'RevisionNotFound'],
        [`/acme/bert/resolve/${w.v1.commit}/tokenizer/vocab.txt`, 'EntryNotFound'],
        [`/api/models/acme/nope`, 'RepoNotFound'],
        [`/acme/nope/resolve/main/config.json`, 'RepoNotFound'],
      ];
      for (const [path, code] of cases) expect({ path, ...errorOf(await get(path)) }).toMatchObject({ path, status: 404, code });
      const revoked = errorOf(await get(`/api/models/acme/bert/revision/${w.revoked.commit}`));
      expect(revoked.message).toMatch(/revoked, not approved/);
      const missing = await get(`/acme/bert/resolve/main/nothing.bin`, { method: 'HEAD' });
      expect(missing.headers.get('x-repo-commit')).toBe(w.v2.commit);
      expect((await get('/api/nothing-here')).status).toBe(404);
    });

    it('serves a file with the Hub headers, ranges and HEAD; /raw/ is the LFS pointer', async () => {
      const bytes = w.v2.files['config.json']!;
      const r = await get('/acme/bert/resolve/main/config.json');
      expect(r.status).toBe(200);
      expect(Buffer.from(await r.arrayBuffer())).toEqual(bytes);
      expect(
        Object.fromEntries(['etag', 'x-linked-etag', 'x-linked-size', 'x-repo-commit', 'content-length', 'accept-ranges'].map((h) => [h, r.headers.get(h)])),
      ).toEqual({
        etag: `"${sha256(bytes)}"`,
        'x-linked-etag': `"${sha256(bytes)}"`,
        'x-linked-size': String(bytes.length),
        'x-repo-commit': w.v2.commit,
        'content-length': String(bytes.length),
        'accept-ranges': 'bytes',
      });
      const part = await get(`/acme/bert/resolve/${w.v2.commit}/config.json`, { headers: { range: 'bytes=2-9' } });
      expect(part.status).toBe(206);
      expect(part.headers.get('content-range')).toBe(`bytes 2-9/${bytes.length}`);
      expect(Buffer.from(await part.arrayBuffer())).toEqual(bytes.subarray(2, 10));
      const tail = await get('/acme/bert/resolve/main/config.json', { headers: { range: 'bytes=-5' } });
      expect(Buffer.from(await tail.arrayBuffer())).toEqual(bytes.subarray(bytes.length - 5));
      expect((await get('/acme/bert/resolve/main/config.json', { headers: { range: `bytes=${bytes.length}-` } })).status).toBe(416);
      const head = await get('/acme/bert/resolve/main/model.safetensors', { method: 'HEAD' });
      expect([head.status, head.headers.get('x-linked-size'), await head.text()]).toEqual([200, String(w.v2.files['model.safetensors']!.length), '']);
      const pointer = await (await get('/acme/bert/raw/main/config.json')).text();
      expect(pointer).toBe(`version https://git-lfs.github.com/spec/v1\noid sha256:${sha256(bytes)}\nsize ${bytes.length}\n`);
      const v1 = await get(`/acme/bert/resolve/${w.v1.commit}/model.safetensors`);
      expect(sha256(Buffer.from(await v1.arrayBuffer()))).toBe(sha256(w.v1.files['model.safetensors']!));
    });

    it('lists the tree (folders, recursion, a sub-folder either way it is encoded) and paths-info (JSON or form)', async () => {
      const root = await (await get('/api/models/acme/bert/tree/main')).json();
      expect(root.map((e: { type: string; path: string }) => `${e.type}:${e.path}`)).toEqual([
        'file:README.md',
        'file:config.json',
        'file:model.safetensors',
        'directory:tokenizer',
      ]);
      const vocab = w.v2.files['tokenizer/vocab.txt']!;
      const pointer = Buffer.from(`version https://git-lfs.github.com/spec/v1\noid sha256:${sha256(vocab)}\nsize ${vocab.length}\n`);
      const entry = {
        type: 'file',
        path: 'tokenizer/vocab.txt',
        size: vocab.length,
        oid: gitBlobId(pointer),
        lfs: { oid: sha256(vocab), size: vocab.length, pointerSize: pointer.length },
      };
      const recursive = await (await get('/api/models/acme/bert/tree/main?recursive=True')).json();
      expect(recursive).toHaveLength(5);
      expect(recursive).toContainEqual(entry);
      expect(await (await get('/api/models/acme/bert/tree/main/tokenizer?recursive=false')).json()).toEqual([entry]);
      expect(await (await get(`/api/models/acme/bert/tree/${w.v2.commit}/tokenizer%2F`)).json()).toEqual([entry]);
      const expandedEntries = await (await get('/api/models/acme/bert/tree/main/tokenizer?expand=true')).json();
      expect(expandedEntries[0].lastCommit).toMatchObject({ id: w.v2.commit });
      expect(errorOf(await get('/api/models/acme/bert/tree/main/nowhere'))).toMatchObject({ status: 404, code: 'EntryNotFound' });
      const asJson = await get('/api/models/acme/bert/paths-info/main', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ paths: ['tokenizer/vocab.txt', 'tokenizer', 'missing'], expand: false }),
      });
      expect((await asJson.json()).map((e: { type: string }) => e.type)).toEqual(['file', 'directory']);
      const asForm = await get('/api/models/acme/bert/paths-info/main', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'paths=tokenizer%2Fvocab.txt&expand=False',
      });
      expect(await asForm.json()).toEqual([entry]);
    });

    it('pages a tree with a Link to the next page', async () => {
      const served = (await resolveServed(w.registry.ctx, 'acme/bert', 'main')) as ServedVersion;
      const first = treePage(served, '', new URL('http://h/hf/api/models/acme/bert/tree/main?recursive=true'), 2);
      const next = /<([^>]+)>; rel="next"/.exec(first.headers.get('link') ?? '')?.[1];
      expect(next).toBeDefined();
      const paths: string[] = (await first.json()).map((e: { path: string }) => e.path);
      for (let url = next; url;) {
        const page = treePage(served, '', new URL(url), 2);
        paths.push(...(await page.json()).map((e: { path: string }) => e.path));
        url = /<([^>]+)>; rel="next"/.exec(page.headers.get('link') ?? '')?.[1];
      }
      expect(paths).toEqual(['README.md', 'config.json', 'model.safetensors', 'tokenizer', 'tokenizer/vocab.txt']);
    });

    it('reads one Range the way RFC 9110 lets a server', () => {
      expect(parseRange('bytes=0-0', 10)).toEqual({ start: 0, end: 0 });
      expect(parseRange('bytes=4-', 10)).toEqual({ start: 4, end: 9 });
      expect(parseRange('bytes=4-100', 10)).toEqual({ start: 4, end: 9 });
      expect(parseRange('bytes=-3', 10)).toEqual({ start: 7, end: 9 });
      expect(parseRange('bytes=-30', 10)).toEqual({ start: 0, end: 9 });
      expect(parseRange('bytes=10-', 10)).toBe('unsatisfiable');
      expect(parseRange('bytes=-0', 10)).toBe('unsatisfiable');
      for (const whole of [undefined, 'bytes=5-2', 'bytes=0-1,4-5', 'items=0-1', 'bytes=-']) expect(parseRange(whole, 10)).toBeUndefined();
      expect(parseRange('bytes=0-0', 0)).toBeUndefined();
    });
  });

  describe('the /hf endpoint with @huggingface/hub against a running server', () => {
    const hub = () => ({ hubUrl: `${w.server.url}/hf`, accessToken: `hf_${w.token}` });

    it('downloads the approved versions, and is refused unapproved, revoked and unknown ones', async () => {
      const info = await modelInfo({ name: 'acme/bert', additionalFields: ['sha'], ...hub() });
      expect(info).toMatchObject({ name: 'acme/bert', private: true, sha: w.v2.commit });
      const listed: string[] = [];
      for await (const entry of listFiles({ repo: 'acme/bert', recursive: true, ...hub() })) if (entry.type === 'file') listed.push(entry.path);
      expect(listed.sort()).toEqual(Object.keys(w.v2.files).sort());
      for (const [path, bytes] of Object.entries(w.v2.files)) {
        const blob = await downloadFile({ repo: 'acme/bert', path, ...hub() });
        expect(sha256(Buffer.from(await blob!.arrayBuffer())), path).toBe(sha256(bytes));
      }
      const pinned = await downloadFile({ repo: 'acme/bert', path: 'model.safetensors', revision: w.v1.commit, ...hub() });
      expect(sha256(Buffer.from(await pinned!.arrayBuffer()))).toBe(sha256(w.v1.files['model.safetensors']!));
      // A ranged read of a blob over a megabyte, as @huggingface/hub slices it.
      expect(Buffer.from(await pinned!.slice(100, 200).arrayBuffer())).toEqual(w.v1.files['model.safetensors']!.subarray(100, 200));
      expect(await downloadFile({ repo: 'acme/bert', path: 'missing.bin', ...hub() })).toBeNull();

      const refused = async (run: () => Promise<unknown>): Promise<number> => {
        const e: unknown = await run().then(
          () => undefined,
          (err: unknown) => err,
        );
        expect(e).toBeInstanceOf(HubApiError);
        return (e as HubApiError).statusCode;
      };
      expect(await refused(() => downloadFile({ repo: 'acme/bert', path: 'config.json', revision: w.inReview.commit, ...hub() }))).toBe(404);
      expect(await refused(() => downloadFile({ repo: 'acme/bert', path: 'config.json', revision: w.revoked.commit, ...hub() }))).toBe(404);
      expect(await refused(() => downloadFile({ repo: 'acme/unknown', path: 'config.json', ...hub() }))).toBe(404);
      expect(await refused(() => modelInfo({ name: 'acme/pending', ...hub() }))).toBe(404);
      expect(await refused(() => modelInfo({ name: 'acme/bert', hubUrl: hub().hubUrl, accessToken: 'hf_mg_unknown' }))).toBe(401);
    });

    it('snapshots a pinned commit into a cache folder, blobs named by SHA-256', async () => {
      const cacheDir = mkdtempSync(join(tmpdir(), 'mg-hf-cache-'));
      // @huggingface/hub says "Downloading <file> to <path>" on console.debug for each file.
      const quiet = vi.spyOn(console, 'debug').mockImplementation(() => undefined);
      try {
        const folder = await snapshotDownload({ repo: 'acme/bert', revision: w.v1.commit, cacheDir, ...hub() });
        expect(folder).toContain(w.v1.commit);
        for (const [path, bytes] of Object.entries(w.v1.files)) expect(sha256(readFileSync(join(folder, path))), path).toBe(sha256(bytes));
        expect(readFileSync(join(cacheDir, 'models--acme--bert', 'blobs', sha256(w.v1.files['config.json']!)))).toEqual(w.v1.files['config.json']);
      } finally {
        quiet.mockRestore();
        rmSync(cacheDir, { recursive: true, force: true });
      }
    });
  });
});
