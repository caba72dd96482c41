import { ModelgateError } from '../../core/errors.js';
import type { HubConfig } from './config.js';
import { hubError } from './errors.js';
import type { HubRef } from './ref.js';
import type { HttpResponse, HttpTransport, Redirect } from './transport.js';

/** A file of a repo at one commit, as the Hub lists it. */
export interface HubFile {
  /** Path in the repo, `/`-separated. */
  path: string;
  size: number;
  /** Git blob id (sha1 of `blob <size>\0` + content; of the pointer file for LFS files). */
  oid: string;
  /** Present for LFS files: the SHA-256 and size of the real content. */
  lfs?: { sha256: string; size: number };
}

/** A repo resolved to one commit, with its files. */
export interface HubSnapshot {
  ref: HubRef;
  /** The repo's canonical name (differs from `ref.repo` after a rename redirect). */
  repo: string;
  commit: string;
  files: HubFile[];
  /** Hops where the Hub sent the API request to another repo name. */
  redirects: Redirect[];
  /** `securityRepoStatus` of the model info, as the Hub gave it. */
  security?: unknown;
  gated?: string | boolean;
  private?: boolean;
}

/** The model info fields modelgate reads (GET /api/models/{repo}/revision/{rev}). */
interface ModelInfo {
  id?: string;
  sha?: string;
  private?: boolean;
  gated?: string | boolean;
  disabled?: boolean;
  siblings?: Array<{ rfilename: string }>;
  securityRepoStatus?: unknown;
}

/** An entry of GET /api/models/{repo}/tree/{rev} and POST .../paths-info/{rev}. */
interface TreeEntry {
  type: string;
  path: string;
  oid?: string;
  size?: number;
  lfs?: { oid?: string; sha256?: string; size?: number; pointerSize?: number };
}

const SHA256 = /^[0-9a-f]{64}$/;
const SHA1 = /^[0-9a-f]{40}$/;
/** Files listed per repo before the listing is refused: the largest repos hold tens of thousands. */
const MAX_FILES = 200_000;

function json<T>(res: HttpResponse, what: string): T {
  try {
    return JSON.parse((res.body ?? Buffer.alloc(0)).toString('utf8')) as T;
  } catch (e) {
    throw new ModelgateError('NETWORK', `${what}: the Hub's answer is not JSON`, { cause: e });
  }
}

/** The `rel="next"` target of a Link header (RFC 8288), the Hub's pagination, resolved against `base`. */
export function nextLink(header: string | null | undefined, base: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(/,(?=\s*<)/)) {
    // Both groups always take part in a match (each may be empty).
    const m = /^\s*<([^>]*)>(.*)$/.exec(part);
    if (m && /;\s*rel="?([^";]*\s)?next(\s[^";]*)?"?/i.test(m[2]!)) return new URL(m[1]!, base).toString();
  }
  return undefined;
}

/** A model of the Hub's listing (GET /api/models). */
export interface ListedModel {
  id: string;
  downloads?: number;
  likes?: number;
}

/** Largest listing page accepted: a page of 1000 models is a few hundred KiB. */
const MAX_PAGE_BYTES = 32 * 1024 * 1024;

function toFile(entry: TreeEntry, what: string): HubFile {
  if (typeof entry.path !== 'string' || typeof entry.size !== 'number' || typeof entry.oid !== 'string' || !SHA1.test(entry.oid)) {
    throw new ModelgateError('NETWORK', `${what}: a listed file lacks a path, size or oid`);
  }
  const file: HubFile = { path: entry.path, size: entry.size, oid: entry.oid };
  if (entry.lfs) {
    const sha256 = entry.lfs.sha256 ?? entry.lfs.oid;
    if (typeof sha256 !== 'string' || !SHA256.test(sha256) || typeof entry.lfs.size !== 'number') {
      throw new ModelgateError('NETWORK', `${what}: ${entry.path} has LFS metadata without a SHA-256 and size`);
    }
    file.lfs = { sha256, size: entry.lfs.size };
    file.size = entry.lfs.size;
  }
  return file;
}

/**
 * The Hub's REST API, the few calls a scan needs (documented at https://huggingface.co/docs/hub/api
 * and in the OpenAPI spec at https://huggingface.co/spaces/huggingface/openapi).
 */
export class HubClient {
  constructor(
    readonly config: HubConfig,
    readonly http: HttpTransport,
  ) {}

  /** Authorization for requests to the endpoint (the transport drops it on other origins). */
  get headers(): Record<string, string> {
    return this.config.token ? { authorization: `Bearer ${this.config.token}` } : {};
  }

  private async get(url: string, what: string): Promise<HttpResponse> {
    const res = await this.http.request(url, { headers: this.headers });
    if (res.status !== 200) throw hubError(what, res, this.config.token !== undefined);
    return res;
  }

  /**
   * Resolves `ref` to a commit and lists its files: the model info at the revision gives the
   * commit (`sha`), then the recursive tree at that commit gives each file's size, git oid and
   * LFS SHA-256 (`lfs.oid`), page by page.
   */
  async snapshot(ref: HubRef): Promise<HubSnapshot> {
    const what = `hf:${ref.repo}@${ref.revision}`;
    const infoUrl = `${this.config.endpoint}/api/models/${ref.repo}/revision/${encodeURIComponent(ref.revision)}?securityStatus=true`;
    const infoRes = await this.get(infoUrl, what);
    const info = json<ModelInfo>(infoRes, what);
    if (typeof info.sha !== 'string' || !SHA1.test(info.sha)) throw new ModelgateError('NETWORK', `${what}: the model info has no commit sha`);
    const repo = typeof info.id === 'string' ? info.id : ref.repo;
    const files: HubFile[] = [];
    let url: string | undefined = `${this.config.endpoint}/api/models/${repo}/tree/${info.sha}?recursive=true&expand=false`;
    while (url) {
      const res = await this.get(url, `${what} (file listing)`);
      const page = json<TreeEntry[]>(res, what);
      if (!Array.isArray(page)) throw new ModelgateError('NETWORK', `${what}: the file listing is not a list`);
      for (const entry of page) if (entry.type === 'file') files.push(toFile(entry, what));
      if (files.length > MAX_FILES) throw new ModelgateError('LIMIT_ENTRIES', `${what}: more than ${MAX_FILES} files`);
      url = this.samePlace(nextLink(res.headers.link, url), what);
    }
    files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    return {
      ref,
      repo,
      commit: info.sha,
      files,
      redirects: infoRes.redirects.filter((r) => r.status >= 300 && new URL(r.to).origin === new URL(r.from).origin),
      security: info.securityRepoStatus,
      gated: info.gated,
      private: info.private,
    };
  }

  /** A next-page URL, refused when it leaves the endpoint (the token must not follow it). */
  private samePlace(next: string | undefined, what: string): string | undefined {
    if (next !== undefined && new URL(next).origin !== new URL(this.config.endpoint).origin) {
      throw new ModelgateError('NETWORK', `${what}: the next page is on another host: ${next}`);
    }
    return next;
  }

  /**
   * The most downloaded models, page by page (GET /api/models?sort=downloads&direction=-1:
   * "the response is paginated, use the Link header to get the next pages",
   * https://huggingface.co/docs/hub/api).
   */
  async listModels(limit: number): Promise<ListedModel[]> {
    const what = `${this.config.endpoint}/api/models`;
    const out: ListedModel[] = [];
    let url: string | undefined = `${what}?sort=downloads&direction=-1&limit=${Math.min(limit, 1000)}`;
    while (url && out.length < limit) {
      const res = await this.http.request(url, { headers: { accept: 'application/json', ...this.headers }, maxBody: MAX_PAGE_BYTES });
      if (res.status !== 200) throw hubError(what, res, this.config.token !== undefined);
      const page = json<unknown>(res, what);
      if (!Array.isArray(page)) throw new ModelgateError('NETWORK', `${what}: the listing is not a JSON array`);
      if (page.length === 0) break;
      for (const item of page as Array<Partial<Record<keyof ListedModel, unknown>>>) {
        if (typeof item?.id !== 'string') continue;
        const count = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined);
        out.push({ id: item.id, downloads: count(item.downloads), likes: count(item.likes) });
        if (out.length >= limit) break;
      }
      url = this.samePlace(nextLink(res.headers.link, url), what);
    }
    return out;
  }

  /** The resolver URL of a file at a commit (GET .../resolve/{commit}/{path}). */
  fileUrl(repo: string, commit: string, path: string): string {
    return `${this.config.endpoint}/${repo}/resolve/${commit}/${path.split('/').map(encodeURIComponent).join('/')}`;
  }
}
