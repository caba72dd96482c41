import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A Hugging Face Hub stand-in for tests, on 127.0.0.1 only. Its answers have the shapes of the
 * real Hub's, each documented where cited:
 * - model info, GET /api/models/{repo}/revision/{rev}: `id`, `sha`, `siblings[].rfilename`,
 *   `private`, `gated`, `securityRepoStatus` (https://huggingface.co/docs/hub/api, "GET
 *   /api/models/{repo_id}/revision/{revision}"; huggingface_hub ModelInfo reads
 *   `securityRepoStatus`);
 * - the tree, GET /api/models/{repo}/tree/{rev}?recursive=true: `[{type, oid, size, path,
 *   lfs: {oid, size, pointerSize}}]`, paginated by a `Link: <…>; rel="next"` header (OpenAPI
 *   spec at https://huggingface.co/spaces/huggingface/openapi; huggingface.js ListFileEntry);
 * - POST /api/models/{repo}/paths-info/{rev} with form fields `paths` and `expand`: the same
 *   entries (huggingface.js PathInfo/LfsPathInfo);
 * - the resolver, GET|HEAD /{repo}/resolve/{rev}/{path}: git files answer 200 with
 *   `ETag: "<git oid>"` and `X-Repo-Commit`; LFS files answer 302 to a storage URL on another
 *   origin with `X-Repo-Commit`, `X-Linked-Etag: "<sha256>"`, `X-Linked-Size` and `Location`
 *   (huggingface_hub file_download.get_hf_file_metadata reads these headers);
 * - renamed repos answer 307 with a relative Location to the new name (huggingface_hub
 *   _http: "follow relative redirects … to a renamed repository");
 * - errors carry `X-Error-Code` (RepoNotFound, GatedRepo, RevisionNotFound, EntryNotFound) and
 *   `X-Error-Message`, as huggingface_hub.utils._http.hf_raise_for_status reads them; without
 *   a token, a private or missing repo is 401 RepoNotFound;
 * - 429 carries `RateLimit: "api";r=0;t=N` and `RateLimit-Policy: "fixed window";"api";q=500;w=300`
 *   (https://huggingface.co/docs/hub/rate-limits, IETF draft-ietf-httpapi-ratelimit-headers-09);
 * - the listing by downloads, GET /api/models?sort=downloads&direction=-1&limit=N.
 * The storage server honours `Range` (206 with Content-Range), like the CDN it stands for.
 */

export interface FixtureFile {
  path: string;
  content: Buffer;
  /** Stored in LFS (default: anything that is not small text). */
  lfs?: boolean;
  diskPath?: undefined;
  sha256?: undefined;
}

/** A multi-gigabyte LFS file served from disk (the bench), with its SHA-256 given. */
export interface DiskFixtureFile {
  path: string;
  diskPath: string;
  sha256: string;
  content?: undefined;
  lfs?: true;
}

export type RepoFile = FixtureFile | DiskFixtureFile;

export interface FixtureRepo {
  id: string;
  /** Commits by sha, each a full list of files. */
  commits: Record<string, RepoFile[]>;
  /** Branch and tag names → commit sha. */
  refs: Record<string, string>;
  private?: boolean;
  gated?: boolean;
  securityRepoStatus?: unknown;
  downloads?: number;
}

export interface LoggedRequest {
  server: 'hub' | 'cdn';
  method: string;
  path: string;
  range?: string;
  authorization?: string;
}

/** Faults the tests switch on. */
export interface Faults {
  /** Answer the next N hub requests with 429. */
  rateLimit?: number;
  /** Seconds the 429 says to wait. */
  rateLimitSeconds?: number;
  /** LFS SHA-256s whose storage bytes are served with one byte changed. */
  corrupt?: Set<string>;
  /** Git blob ids of small (non-LFS) files served with one byte changed. */
  corruptGit?: Set<string>;
  /** Cut the connection after this many bytes, once per SHA-256. */
  dropAfter?: Map<string, number>;
  /** Tree page size (the real Hub's is 1000 or so; small here to test pagination). */
  pageSize?: number;
}

export function gitBlobId(content: Buffer): string {
  return createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
}
export const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

const bytesOf = (file: RepoFile): Buffer => file.content ?? Buffer.alloc(0);
const sizeOf = (file: RepoFile): number => (file.diskPath !== undefined ? statSync(file.diskPath).size : bytesOf(file).length);
const shaOf = (file: RepoFile): string => file.sha256 ?? sha256(bytesOf(file));

function isLfs(file: RepoFile): boolean {
  if (file.diskPath !== undefined) return true;
  if (file.lfs !== undefined) return file.lfs;
  return !/\.(json|md|txt|py|jinja|yaml|yml|gitattributes)$/.test(file.path) && !file.path.startsWith('.');
}

/** The LFS pointer file git stores for an LFS file (git-lfs spec v1). */
function pointer(file: RepoFile): Buffer {
  return Buffer.from(`version https://git-lfs.github.com/spec/v1\noid sha256:${shaOf(file)}\nsize ${sizeOf(file)}\n`);
}

/** A commit sha for a list of files, stable for the same files. */
export function commitOf(files: RepoFile[], salt = ''): string {
  const h = createHash('sha1').update(salt);
  for (const f of files) h.update(f.path).update(f.content ?? shaOf(f));
  return h.digest('hex');
}

function entry(file: RepoFile): Record<string, unknown> {
  if (!isLfs(file)) return { type: 'file', oid: gitBlobId(bytesOf(file)), size: bytesOf(file).length, path: file.path };
  const ptr = pointer(file);
  return { type: 'file', oid: gitBlobId(ptr), size: ptr.length, path: file.path, lfs: { oid: shaOf(file), size: sizeOf(file), pointerSize: ptr.length } };
}

export class FixtureHub {
  readonly repos = new Map<string, FixtureRepo>();
  /** Old name → new name (a renamed repo). */
  readonly renamed = new Map<string, string>();
  readonly tokens = new Set<string>();
  readonly log: LoggedRequest[] = [];
  faults: Faults = {};
  /** Models the listing serves, most downloaded first (default: the public repos, by `downloads`). */
  listed?: Array<Record<string, unknown>>;
  /** Answers a hub request itself when it returns an answer (in-process tests of odd answers). */
  override?: (req: IncomingMessage) => { status: number; body: string; headers?: Record<string, string> } | undefined;
  cdnBytes = 0;
  private hub!: Server;
  private cdn!: Server;
  url = '';
  cdnUrl = '';
  private readonly blobs = new Map<string, RepoFile>();
  private readonly dropped = new Set<string>();

  addRepo(repo: FixtureRepo): void {
    this.repos.set(repo.id, repo);
    for (const files of Object.values(repo.commits)) for (const f of files) if (isLfs(f)) this.blobs.set(shaOf(f), f);
  }

  /** A repo with one commit on `main`. Returns the commit sha. */
  addSimpleRepo(id: string, files: RepoFile[], extra: Partial<FixtureRepo> = {}): string {
    const sha = commitOf(files, id);
    this.addRepo({ id, commits: { [sha]: files }, refs: { main: sha }, ...extra });
    return sha;
  }

  async start(): Promise<this> {
    this.hub = createServer((req, res) => this.onHub(req, res));
    this.cdn = createServer((req, res) => this.onCdn(req, res));
    await Promise.all([listen(this.hub), listen(this.cdn)]);
    this.url = `http://127.0.0.1:${(this.hub.address() as AddressInfo).port}`;
    this.cdnUrl = `http://127.0.0.1:${(this.cdn.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    this.hub.closeAllConnections();
    this.cdn.closeAllConnections();
    await Promise.all([new Promise((r) => this.hub.close(r)), new Promise((r) => this.cdn.close(r))]);
  }

  private record(server: 'hub' | 'cdn', req: IncomingMessage): void {
    this.log.push({ server, method: req.method ?? 'GET', path: req.url ?? '', range: req.headers.range, authorization: req.headers.authorization });
  }

  private fail(res: ServerResponse, status: number, code: string, message: string): void {
    res.writeHead(status, { 'content-type': 'application/json', 'x-error-code': code, 'x-error-message': message });
    res.end(JSON.stringify({ error: message }));
  }

  private onHub(req: IncomingMessage, res: ServerResponse): void {
    this.record('hub', req);
    const special = this.override?.(req);
    if (special) {
      res.writeHead(special.status, { 'content-type': 'application/json', ...special.headers });
      res.end(special.body);
      return;
    }
    if (this.faults.rateLimit && this.faults.rateLimit > 0) {
      this.faults.rateLimit--;
      const t = this.faults.rateLimitSeconds ?? 1;
      res.writeHead(429, { 'content-type': 'application/json', ratelimit: `"api";r=0;t=${t}`, 'ratelimit-policy': '"fixed window";"api";q=500;w=300' });
      res.end(JSON.stringify({ error: 'Too Many Requests' }));
      return;
    }
    const url = new URL(req.url ?? '/', this.url);
    const path = decodeURIComponent(url.pathname);
    if (path === '/api/models') return this.listing(url, res);
    const api = /^\/api\/models\/([^/]+\/[^/]+)\/(revision|tree|paths-info)\/([^/]+)(?:\/(.*))?$/.exec(url.pathname);
    const resolve = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(url.pathname);
    const repoId = decodeURIComponent((api ?? resolve)?.[1] ?? '');
    if (!api && !resolve) return this.fail(res, 404, 'EntryNotFound', 'no such endpoint');
    const newName = this.renamed.get(repoId);
    if (newName) {
      res.writeHead(307, { location: url.pathname.replace(repoId, newName) + url.search });
      res.end();
      return;
    }
    const repo = this.repos.get(repoId);
    const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    const authed = this.tokens.has(token);
    if (!repo || (repo.private && !authed)) return this.fail(res, authed ? 404 : 401, 'RepoNotFound', 'Repository not found');
    if (repo.gated && !authed) {
      return this.fail(
        res,
        token ? 403 : 401,
        'GatedRepo',
        `Access to model ${repo.id} is restricted. You must have access to it and be authenticated to access it. Please log in.`,
      );
    }
    const rev = decodeURIComponent((api ? api[3] : resolve![2]) ?? '');
    const sha = repo.commits[rev] ? rev : repo.refs[rev];
    const files = sha === undefined ? undefined : repo.commits[sha];
    if (!sha || !files) return this.fail(res, 404, 'RevisionNotFound', `Invalid rev id: ${rev}`);
    if (api?.[2] === 'revision') return this.modelInfo(repo, sha, files, url, res);
    if (api?.[2] === 'tree') return this.tree(files, api[4] ? decodeURIComponent(api[4]) : '', url, res);
    if (api?.[2] === 'paths-info') return void this.pathsInfo(files, req, res);
    // Not the API, so the resolve pattern matched, and its file group always takes part.
    return this.resolveFile(repo, sha, files, decodeURIComponent(resolve![3]!), req, res);
  }

  private modelInfo(repo: FixtureRepo, sha: string, files: RepoFile[], url: URL, res: ServerResponse): void {
    const blobs = url.searchParams.get('blobs') === 'true';
    const siblings = files.map((f) => {
      if (!blobs) return { rfilename: f.path };
      const e = entry(f);
      const lfs = e.lfs as { oid: string; size: number; pointerSize: number } | undefined;
      return { rfilename: f.path, blobId: e.oid, size: e.size, ...(lfs ? { lfs: { sha256: lfs.oid, size: lfs.size, pointerSize: lfs.pointerSize } } : {}) };
    });
    const body: Record<string, unknown> = {
      _id: createHash('md5').update(repo.id).digest('hex').slice(0, 24),
      id: repo.id,
      modelId: repo.id,
      author: repo.id.split('/')[0],
      sha,
      lastModified: '2026-11-01T00:00:00.000Z',
      private: repo.private ?? false,
      disabled: false,
      gated: repo.gated ? 'manual' : false,
      downloads: repo.downloads ?? 0,
      likes: 0,
      tags: [],
      siblings,
    };
    if (url.searchParams.get('securityStatus') === 'true') body.securityRepoStatus = repo.securityRepoStatus ?? { scansDone: true, filesWithIssues: [] };
    json(res, body);
  }

  private tree(files: RepoFile[], under: string, url: URL, res: ServerResponse): void {
    const recursive = url.searchParams.get('recursive') === 'true';
    const prefix = under ? `${under.replace(/\/$/, '')}/` : '';
    const entries: Array<Record<string, unknown>> = [];
    const dirs = new Set<string>();
    for (const f of files) {
      if (!f.path.startsWith(prefix)) continue;
      const rest = f.path.slice(prefix.length);
      if (recursive || !rest.includes('/')) entries.push(entry(f));
      const parts = rest.split('/');
      for (let i = 1; i < parts.length && (recursive || i === 1); i++) dirs.add(prefix + parts.slice(0, i).join('/'));
    }
    for (const d of dirs) entries.push({ type: 'directory', oid: createHash('sha1').update(d).digest('hex'), size: 0, path: d });
    const pageSize = this.faults.pageSize ?? 1000;
    const cursor = Number(url.searchParams.get('cursor') ?? '0');
    const page = entries.slice(cursor, cursor + pageSize);
    const headers: Record<string, string> = {};
    if (cursor + pageSize < entries.length) {
      const next = new URL(url.href);
      next.searchParams.set('cursor', String(cursor + pageSize));
      headers.link = `<${next.href}>; rel="next"`;
    }
    json(res, page, headers);
  }

  private async pathsInfo(files: RepoFile[], req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body = '';
    for await (const chunk of req) body += chunk;
    const form = new URLSearchParams(body);
    const paths = new Set(form.getAll('paths'));
    json(res, files.filter((f) => paths.has(f.path)).map(entry));
  }

  private resolveFile(repo: FixtureRepo, sha: string, files: RepoFile[], path: string, req: IncomingMessage, res: ServerResponse): void {
    const file = files.find((f) => f.path === path);
    if (!file) return this.fail(res, 404, 'EntryNotFound', `${path} does not exist on "${sha}"`);
    if (isLfs(file)) {
      const hash = shaOf(file);
      res.writeHead(302, {
        location: `${this.cdnUrl}/repos/${hash.slice(0, 2)}/${hash}?X-Amz-Signature=fixture&X-Amz-Expires=3600`,
        'x-repo-commit': sha,
        'x-linked-etag': `"${hash}"`,
        'x-linked-size': String(sizeOf(file)),
        etag: `"${gitBlobId(pointer(file))}"`,
      });
      res.end();
      return;
    }
    const oid = gitBlobId(bytesOf(file));
    let bytes = bytesOf(file);
    if (this.faults.corruptGit?.has(oid) && bytes.length > 0) {
      bytes = Buffer.from(bytes);
      bytes[bytes.length >> 1]! ^= 0xff;
    }
    serveBytes(req, res, bytes, { etag: `"${oid}"`, 'x-repo-commit': sha });
    void repo;
  }

  private onCdn(req: IncomingMessage, res: ServerResponse): void {
    this.record('cdn', req);
    const blob = /^\/repos\/[0-9a-f]{2}\/([0-9a-f]{64})/.exec(req.url ?? '')?.[1];
    const file = blob === undefined ? undefined : this.blobs.get(blob);
    if (blob === undefined || !file) {
      res.writeHead(404);
      res.end();
      return;
    }
    if (file.diskPath !== undefined) {
      this.cdnBytes += serveFile(req, res, file.diskPath, { etag: `"${blob}"` });
      return;
    }
    let bytes = bytesOf(file);
    if (this.faults.corrupt?.has(blob)) {
      bytes = Buffer.from(bytes);
      bytes[bytes.length >> 1]! ^= 0xff;
    }
    const drop = this.faults.dropAfter?.get(blob);
    const cut = drop !== undefined && !this.dropped.has(blob) ? drop : undefined;
    if (cut !== undefined) this.dropped.add(blob);
    this.cdnBytes += serveBytes(req, res, bytes, { etag: `"${blob}"` }, cut);
  }

  /** GET /api/models?sort=downloads&direction=-1&limit=N, in pages linked by `Link: <…&cursor=…>; rel="next"`. */
  private listing(url: URL, res: ServerResponse): void {
    const all =
      this.listed ??
      [...this.repos.values()]
        .filter((r) => !r.private)
        .sort((a, b) => (b.downloads ?? 0) - (a.downloads ?? 0))
        .map((r) => ({
          _id: createHash('md5').update(r.id).digest('hex').slice(0, 24),
          id: r.id,
          modelId: r.id,
          downloads: r.downloads ?? 0,
          likes: 0,
          private: false,
          tags: [],
        }));
    const pageSize = this.faults.pageSize ?? 1000;
    const limit = Math.min(Number(url.searchParams.get('limit') ?? pageSize), pageSize);
    const start = Number(url.searchParams.get('cursor') ?? 0);
    const headers: Record<string, string> = {};
    if (start + limit < all.length) {
      const next = new URL(url.href);
      next.searchParams.set('cursor', String(start + limit));
      headers.link = `<${next.href}>; rel="next"`;
    }
    json(res, all.slice(start, start + limit), headers);
  }
}

function listen(server: Server): Promise<void> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
}

function json(res: ServerResponse, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Serves a range of a file on disk (the bench's multi-gigabyte files), streamed. Returns bytes sent. */
function serveFile(req: IncomingMessage, res: ServerResponse, path: string, headers: Record<string, string>): number {
  const size = statSync(path).size;
  const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
  const start = range ? Number(range[1]) : 0;
  const end = range && range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
  if (start >= size || start > end) {
    res.writeHead(416, { 'content-range': `bytes */${size}` });
    res.end();
    return 0;
  }
  if (range) headers['content-range'] = `bytes ${start}-${end}/${size}`;
  res.writeHead(range ? 206 : 200, { 'accept-ranges': 'bytes', 'content-length': end - start + 1, 'content-type': 'application/octet-stream', ...headers });
  createReadStream(path, { start, end, highWaterMark: 1 << 20 }).pipe(res);
  return end - start + 1;
}

/** Serves bytes with Range support (RFC 9110 §14); `cut` ends the connection early. Returns bytes sent. */
function serveBytes(req: IncomingMessage, res: ServerResponse, bytes: Buffer, headers: Record<string, string>, cut?: number): number {
  const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
  let start = 0;
  let end = bytes.length - 1;
  let status = 200;
  if (range) {
    start = Number(range[1]);
    end = range[2] ? Math.min(Number(range[2]), bytes.length - 1) : bytes.length - 1;
    if (start >= bytes.length || start > end) {
      res.writeHead(416, { 'content-range': `bytes */${bytes.length}` });
      res.end();
      return 0;
    }
    status = 206;
    headers['content-range'] = `bytes ${start}-${end}/${bytes.length}`;
  }
  const body = bytes.subarray(start, end + 1);
  res.writeHead(status, { 'accept-ranges': 'bytes', 'content-length': body.length, 'content-type': 'application/octet-stream', ...headers });
  if (req.method === 'HEAD') {
    res.end();
    return 0;
  }
  if (cut !== undefined && cut < body.length) {
    res.write(body.subarray(0, cut), () => res.destroy());
    return cut;
  }
  res.end(body);
  return body.length;
}
