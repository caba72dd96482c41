import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import type { HubListing, OpenedEntry, Siblings } from '../../core/artifact.js';
import { BufferSource } from '../../core/byte-source.js';
import { ModelgateError } from '../../core/errors.js';
import type { Finding } from '../../core/finding.js';
import { ruleFinding } from '../../detectors/finding.js';
import { HASH_MISMATCH } from '../../detectors/repo/index.js';
import { HashPool } from '../local/hash-pool.js';
import { FileSource } from '../local/file-source.js';
import { HubClient, type HubFile, type HubSnapshot } from './api.js';
import { HubCache } from './cache.js';
import { hubConfig, type HubConfig } from './config.js';
import { hubError } from './errors.js';
import { gitBlobId, hubSiblings, MAX_GIT_BLOB } from './listing.js';
import { parseHubRef } from './ref.js';
import { RemoteSource, type FetchStats } from './remote-source.js';
import { HttpTransport, type TransportOptions } from './transport.js';

/** How a Hub session reads: the environment, the HTTP transport, and what to download. */
export interface HubOptions {
  /** Download every file whole and verify it against the Hub's hashes. */
  full?: boolean;
  /** Where HF_ENDPOINT, HF_TOKEN, HF_HUB_OFFLINE and HF_HOME are read (default process.env). */
  env?: NodeJS.ProcessEnv;
  transport?: TransportOptions;
  /** Called as a file downloads, for progress bars. */
  onDownload?: (path: string, bytes: number, total: number) => void;
}

export { gitBlobId };

/** How one repo file is read: its bytes, its SHA-256 and where that came from. */
export type Opened = OpenedEntry;

/**
 * One session with the Hub: a client, a cache and the byte counters, for the files of one
 * snapshot. Scans, locks and verifications all read repo files through it.
 */
export class HubSession {
  readonly stats: FetchStats & { downloaded: number } = { requests: 0, bytes: 0, downloaded: 0 };
  readonly cache: HubCache;
  readonly client: HubClient;
  /** Hashes cached blobs before they are used; started on first need. */
  private pool: HashPool | undefined;

  constructor(
    readonly config: HubConfig,
    readonly http: HttpTransport,
    readonly options: HubOptions,
  ) {
    this.cache = new HubCache(config.cacheDir);
    this.client = new HubClient(config, http);
  }

  async close(): Promise<void> {
    await this.pool?.close();
  }

  async snapshot(target: string): Promise<HubSnapshot> {
    const ref = parseHubRef(target);
    if (this.config.offline) return this.cache.loadSnapshot(ref);
    const snapshot = await this.client.snapshot(ref);
    this.cache.saveSnapshot(snapshot);
    return snapshot;
  }

  private mismatch(file: HubFile, what: string, expected: string, actual: string): Finding {
    return ruleFinding(HASH_MISMATCH, file.path, {
      message: `${file.path}: the downloaded bytes have ${what} ${actual}, but the Hub lists ${expected}`,
      evidence: `expected ${expected}, got ${actual}`,
    });
  }

  /**
   * A cached blob, hashed again before it is used (the cache is a folder anyone with the
   * user's rights can write): the right bytes, or undefined when there are none. Wrong bytes are
   * deleted so that they are downloaded again, or, offline, scanned with a mismatch finding.
   */
  private async cached(snap: HubSnapshot, file: HubFile): Promise<Opened | undefined> {
    const path = this.cache.blobPath(snap.repo, file);
    let source: FileSource;
    try {
      source = new FileSource(path);
    } catch {
      return undefined;
    }
    const sha256 = file.lfs ? await (this.pool ??= new HashPool(1)).hash(path) : createHash('sha256').update(source.read(0, source.size)).digest('hex');
    const ok = file.lfs ? sha256 === file.lfs.sha256 : gitBlobId(source.read(0, source.size)) === file.oid;
    if (ok && source.size === file.size) return { source, sha256, sha256Source: 'computed', problems: [], close: () => source.close() };
    if (this.config.offline) {
      const problem = this.mismatch(
        file,
        file.lfs ? 'SHA-256' : 'git blob id',
        file.lfs?.sha256 ?? file.oid,
        file.lfs ? sha256 : gitBlobId(source.read(0, source.size)),
      );
      return {
        source,
        sha256,
        sha256Source: 'computed',
        problems: [{ ...problem, message: `${problem.message} (cached copy in ${path})` }],
        close: () => source.close(),
      };
    }
    source.close();
    rmSync(path, { force: true });
    return undefined;
  }

  /** A whole LFS file into the cache (resuming), verified; the mismatch, if any, is a finding. */
  private async download(snap: HubSnapshot, file: HubFile): Promise<Opened> {
    const hit = await this.cached(snap, file);
    if (hit) {
      // A blob cached for another commit (or by an earlier version) gets this commit's link too.
      if (!this.config.offline && hit.problems.length === 0) this.cache.linkSnapshot(snap.repo, snap.commit, file);
      return hit;
    }
    if (this.config.offline) throw new ModelgateError('OFFLINE', `HF_HUB_OFFLINE is set and ${file.path} is not in the cache`);
    const incomplete = this.cache.incompletePath(snap.repo, file);
    const url = this.client.fileUrl(snap.repo, snap.commit, file.path);
    const res = await this.http.download(url, incomplete, {
      headers: this.client.headers,
      expectedSize: file.size,
      gitBlob: file.lfs === undefined,
      onProgress: (n) => this.options.onDownload?.(file.path, n, file.size),
    });
    if (res.sha256 === undefined) throw hubError(`hf:${snap.repo}/${file.path}`, res, this.config.token !== undefined);
    this.stats.downloaded += file.size;
    const expected = file.lfs?.sha256;
    if (expected !== undefined && res.sha256 !== expected) {
      const source = new FileSource(incomplete);
      return {
        source,
        sha256: res.sha256,
        sha256Source: 'computed',
        problems: [this.mismatch(file, 'SHA-256', expected, res.sha256)],
        close: () => (source.close(), rmSync(incomplete, { force: true })),
      };
    }
    if (expected === undefined && res.gitSha1 !== file.oid) {
      const source = new FileSource(incomplete);
      return {
        source,
        sha256: res.sha256,
        sha256Source: 'computed',
        problems: [this.mismatch(file, 'git blob id', file.oid, res.gitSha1 ?? '?')],
        close: () => (source.close(), rmSync(incomplete, { force: true })),
      };
    }
    const source = new FileSource(this.cache.commitBlob(snap.repo, file, incomplete, snap.commit));
    return { source, sha256: res.sha256, sha256Source: 'computed', problems: [], close: () => source.close() };
  }

  /** A small git file, whole, in memory, checked against its git blob id. */
  private async gitBlob(snap: HubSnapshot, file: HubFile): Promise<Opened> {
    const res = await this.http.request(this.client.fileUrl(snap.repo, snap.commit, file.path), { headers: this.client.headers, maxBody: MAX_GIT_BLOB });
    if (res.status !== 200) throw hubError(`hf:${snap.repo}/${file.path}`, res, this.config.token !== undefined);
    const bytes = res.body ?? Buffer.alloc(0);
    this.stats.downloaded += bytes.length;
    const id = gitBlobId(bytes);
    // Only bytes that match their listed blob id go into the cache, under that id: the offline
    // re-scan reads them back (and hashes them again) from there. Wrong bytes are a finding, as
    // for an LFS download, and are never cached.
    const problems = id === file.oid ? [] : [this.mismatch(file, 'git blob id', file.oid, id)];
    if (problems.length === 0 && bytes.length === file.size) this.cache.storeBlob(snap.repo, snap.commit, file, bytes);
    return {
      source: new BufferSource(bytes),
      sha256: createHash('sha256').update(bytes).digest('hex'),
      sha256Source: 'computed',
      problems,
      close: () => undefined,
    };
  }

  /** The bytes of a repo file, the cheapest way the options allow. */
  async open(snap: HubSnapshot, file: HubFile, full = this.options.full): Promise<Opened> {
    if (!file.lfs) {
      if (this.config.offline || file.size > MAX_GIT_BLOB) return this.download(snap, file);
      return this.gitBlob(snap, file);
    }
    if (full || this.config.offline) return this.download(snap, file);
    const source = new RemoteSource(this.http, this.client.fileUrl(snap.repo, snap.commit, file.path), file.size, this.client.headers, this.stats);
    return { source, sha256: file.lfs.sha256, sha256Source: 'hub-lfs', problems: [], close: () => undefined };
  }

  /** The repo's files as plain data, for reading siblings from any thread. */
  listing(snap: HubSnapshot): HubListing {
    return {
      repo: snap.repo,
      offline: this.config.offline,
      hasToken: this.config.token !== undefined,
      headers: this.client.headers,
      files: snap.files.map((f) => ({
        path: f.path,
        size: f.size,
        lfs: f.lfs !== undefined,
        url: this.client.fileUrl(snap.repo, snap.commit, f.path),
        cachePath: this.cache.blobPath(snap.repo, f),
      })),
    };
  }

  /** Other files of the same folder, for configs that name them (auto_map, ONNX external data). */
  siblings(snap: HubSnapshot, path: string, listing = this.listing(snap)): Siblings {
    return hubSiblings(listing, path, this.http, this.stats);
  }
}

/** Runs `work` with a Hub session whose HTTP thread is closed afterwards. */
export async function withHubSession<T>(options: HubOptions, work: (session: HubSession) => Promise<T>): Promise<T> {
  const http = new HttpTransport(options.transport);
  const session = new HubSession(hubConfig(options.env), http, options);
  try {
    return await work(session);
  } finally {
    await session.close();
    await http.close();
  }
}
