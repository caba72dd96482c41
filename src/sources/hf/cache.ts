import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { ModelgateError } from '../../core/errors.js';
import type { HubFile, HubSnapshot } from './api.js';
import type { HubRef } from './ref.js';

/**
 * modelgate's own Hub cache, laid out like huggingface_hub's (`models--org--name/refs`,
 * `blobs`, `snapshots`) but in a folder of its own (`$HF_HOME/modelgate`), so that a download
 * made for scanning is never loaded by `from_pretrained` behind the scanner's back.
 * - `refs/<revision>`: the commit a revision last resolved to (offline mode reads it);
 * - `modelgate-listings/<commit>.json`: the file listing at that commit, with each file's hashes
 *   (huggingface_hub ignores this folder; its scan_cache_dir refuses files in `snapshots/`);
 * - `blobs/<sha256>` (LFS) or `blobs/<git oid>`: content whose hash was verified (the names
 *   huggingface_hub gives them: the ETag, the SHA-256 of an LFS file or the git blob id);
 * - `snapshots/<commit>/<path>`: a relative symlink to `../../blobs/<id>` per verified file, as
 *   huggingface_hub's `_create_symlink` writes it, so that its own tools read what is here;
 * - `blobs/<key>.incomplete`: a download under way, resumed from its length.
 * Blobs are written whole under a temporary name in `blobs/` and renamed into place, so a
 * reader never sees a partial blob under a verified name.
 */
export class HubCache {
  constructor(readonly root: string) {}

  private repoDir(repo: string): string {
    return join(this.root, `models--${repo.replace('/', '--')}`);
  }

  /** Where a file's verified content lives: keyed by its hash, never by its name. */
  blobPath(repo: string, file: HubFile): string {
    return join(this.repoDir(repo), 'blobs', file.lfs?.sha256 ?? file.oid);
  }

  /** The partial download of `file`, resumed on the next try. */
  incompletePath(repo: string, file: HubFile): string {
    mkdirSync(join(this.repoDir(repo), 'blobs'), { recursive: true });
    return `${this.blobPath(repo, file)}.incomplete`;
  }

  /** Moves a verified download into place, and links it from its snapshot. */
  commitBlob(repo: string, file: HubFile, incomplete: string, commit?: string): string {
    const path = this.blobPath(repo, file);
    renameSync(incomplete, path);
    if (commit !== undefined) this.linkSnapshot(repo, commit, file);
    return path;
  }

  /**
   * Writes the verified bytes of a git-tracked (non-LFS) file as `blobs/<git oid>`: into a
   * temporary file of the same folder, then renamed over the final name. The caller has checked
   * that `bytes` hash to `file.oid`. Best effort: a cache that cannot be written (read-only,
   * full) costs only the offline re-scan, so the error is swallowed and false returned.
   */
  storeBlob(repo: string, commit: string, file: HubFile, bytes: Buffer): boolean {
    const path = this.blobPath(repo, file);
    const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(tmp, bytes, { flag: 'wx' });
      renameSync(tmp, path);
    } catch {
      rmSync(tmp, { force: true });
      return false;
    }
    this.linkSnapshot(repo, commit, file);
    return true;
  }

  /**
   * `snapshots/<commit>/<path>` -> the relative path to `blobs/<id>`, as huggingface_hub links a
   * file it has downloaded. The link is made under a temporary name and renamed over the old
   * one. Only paths that stay inside the snapshot folder are linked; failures are ignored (the
   * blob, named by its hash, is what modelgate reads).
   */
  linkSnapshot(repo: string, commit: string, file: HubFile): void {
    if (!COMMIT.test(commit) || !insideRelative(file.path)) return;
    const link = join(this.repoDir(repo), 'snapshots', commit, ...file.path.split('/'));
    const tmp = `${link}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      mkdirSync(dirname(link), { recursive: true });
      symlinkSync(relative(dirname(link), this.blobPath(repo, file)), tmp);
      renameSync(tmp, link);
    } catch {
      rmSync(tmp, { force: true });
    }
  }

  /** Records a resolved snapshot, for offline use. */
  saveSnapshot(snapshot: HubSnapshot): void {
    const dir = this.repoDir(snapshot.ref.repo);
    mkdirSync(join(dir, 'refs'), { recursive: true });
    mkdirSync(join(dir, 'snapshots'), { recursive: true });
    const data = {
      repo: snapshot.repo,
      commit: snapshot.commit,
      files: snapshot.files,
      security: snapshot.security,
      gated: snapshot.gated,
      private: snapshot.private,
    };
    mkdirSync(join(dir, LISTINGS), { recursive: true });
    writeAtomic(join(dir, LISTINGS, `${snapshot.commit}.json`), `${JSON.stringify(data)}\n`);
    // huggingface_hub's own name for a ref (`refs/main`, `refs/refs/pr/1`), written the way it
    // writes one (a temporary file renamed over it); a commit asked for by its id has no ref.
    if (snapshot.ref.revision !== snapshot.commit) {
      const refPath = this.refPath(snapshot.ref.repo, snapshot.ref.revision);
      mkdirSync(dirname(refPath), { recursive: true });
      writeAtomic(refPath, snapshot.commit);
    }
  }

  /** `refs/<revision>` as huggingface_hub names it; a revision that would leave `refs/` is escaped instead. */
  private refPath(repo: string, revision: string): string {
    const refs = join(this.repoDir(repo), 'refs');
    return insideRelative(revision) ? join(refs, ...revision.split('/')) : join(refs, encodeURIComponent(revision));
  }

  /** The snapshot `ref` resolved to when last online; OFFLINE when there is none. */
  loadSnapshot(ref: HubRef): HubSnapshot {
    const dir = this.repoDir(ref.repo);
    let commit = ref.revision;
    try {
      if (!ref.pinned) commit = readFirst([this.refPath(ref.repo, ref.revision), join(dir, 'refs', encodeURIComponent(ref.revision))]).trim();
      if (!COMMIT.test(commit)) throw new Error(`not a commit id: ${JSON.stringify(commit.slice(0, 80))}`);
      // Listings written by earlier versions lived in snapshots/<commit>.json, which huggingface_hub's
      // scan_cache_dir refuses ("Found a file"); they are still read from there.
      const text = readFirst([join(dir, LISTINGS, `${commit}.json`), join(dir, 'snapshots', `${commit}.json`)]);
      const data = JSON.parse(text) as Omit<HubSnapshot, 'ref' | 'redirects'>;
      return { ...data, ref, redirects: [] };
    } catch (e) {
      throw new ModelgateError(
        'OFFLINE',
        `HF_HUB_OFFLINE is set and the cache (${this.root}) has no listing of hf:${ref.repo}@${ref.revision}; scan it once online`,
        { cause: e },
      );
    }
  }
}

const COMMIT = /^[0-9a-f]{40}$/;
/** modelgate's listings of snapshots, `<commit>.json`: beside huggingface_hub's folders, not in them. */
const LISTINGS = 'modelgate-listings';

/** The text of the first of `paths` that can be read; the last error otherwise. */
function readFirst(paths: string[]): string {
  let error: unknown;
  for (const path of paths) {
    try {
      return readFileSync(path, 'utf8');
    } catch (e) {
      error = e;
    }
  }
  throw error;
}

/** Writes `path` whole: a temporary file of the same folder, renamed over it. */
function writeAtomic(path: string, data: string): void {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileSync(tmp, data, { flag: 'wx' });
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/** A repo path that stays inside the folder it is joined to: no `..`, no absolute path, no empty part. */
export function insideRelative(path: string): boolean {
  return (
    path !== '' && !path.startsWith('/') && !path.includes('\\') && !path.includes('\0') && path.split('/').every((p) => p !== '' && p !== '.' && p !== '..')
  );
}
