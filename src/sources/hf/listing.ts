import type { HubListing, ListedFile, Siblings } from '../../core/artifact.js';
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { ModelgateError } from '../../core/errors.js';
import { FileSource } from '../local/file-source.js';
import { hubError } from './errors.js';
import { RemoteSource, type FetchStats } from './remote-source.js';
import type { SyncRequester } from './transport.js';

/** The Git blob id of some bytes: sha1("blob <size>\0" + bytes). */
export function gitBlobId(bytes: Buffer): string {
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

/** Files not in LFS are small git blobs (the Hub sends anything over 10 MB to LFS); read whole. */
export const MAX_GIT_BLOB = 64 * 1024 * 1024;

/** True when `name` is a plain file name: nothing that leaves the folder. */
function plainName(name: string): boolean {
  return name !== '' && !name.includes('/') && !name.includes('\\') && name !== '.' && name !== '..';
}

/** The bytes of a listed file, read synchronously: a git blob whole, an LFS file by ranges, or offline from the cache. */
function readListed(listing: HubListing, file: ListedFile, http: SyncRequester, stats: FetchStats): Buffer {
  if (!file.lfs && !listing.offline) {
    const res = http.requestSync(file.url, { headers: listing.headers, maxBody: MAX_GIT_BLOB });
    if (res.status !== 200) throw hubError(`hf:${listing.repo}/${file.path}`, res, listing.hasToken);
    return res.body ?? Buffer.alloc(0);
  }
  if (listing.offline) {
    // A cached blob is named by its hash (git blob id, or SHA-256 for LFS): bytes that no longer
    // match their name were changed after they were verified, and are not used.
    const changed = () =>
      new ModelgateError('OFFLINE', `HF_HUB_OFFLINE is set and the cached copy of ${file.path} (${file.cachePath}) does not match its hash`);
    const cached = new FileSource(file.cachePath);
    let bytes: Buffer;
    try {
      if (cached.size !== file.size) throw changed();
      bytes = cached.read(0, file.size);
    } finally {
      cached.close();
    }
    const id = file.lfs ? createHash('sha256').update(bytes).digest('hex') : gitBlobId(bytes);
    if (bytes.length !== file.size || id !== basename(file.cachePath)) throw changed();
    return bytes;
  }
  return new RemoteSource(http, file.url, file.size, listing.headers, stats).read(0, file.size);
}

/**
 * Other files of the same repo folder as `path`, for configs that name them (auto_map, ONNX
 * external data), read on demand through `http` from whichever thread is scanning.
 */
export function hubSiblings(listing: HubListing, path: string, http: SyncRequester, stats: FetchStats): Siblings {
  const dir = path.includes('/') ? path.slice(0, path.lastIndexOf('/') + 1) : '';
  let byPath: Map<string, ListedFile> | undefined;
  return (name) => {
    if (!plainName(name)) return undefined;
    byPath ??= new Map(listing.files.map((f) => [f.path, f]));
    const file = byPath.get(dir + name);
    if (!file) return undefined;
    return { name, size: file.size, read: () => readListed(listing, file, http, stats) };
  };
}
