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
 * - `snapshots/<commit>.json`: the file listing at that commit;
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
    if (!/^[0-9a-f]{40}$/.test(commit) || !insideRelative(file.path)) return;
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
    writeFileSync(join(dir, 'snapshots', `${snapshot.commit}.json`), `${JSON.stringify(data)}\n`);
    writeFileSync(join(dir, 'refs', encodeURIComponent(snapshot.ref.revision)), snapshot.commit);
  }

  /** The snapshot `ref` resolved to when last online; OFFLINE when there is none. */
  loadSnapshot(ref: HubRef): HubSnapshot {
    const dir = this.repoDir(ref.repo);
    let commit = ref.revision;
    try {
      if (!ref.pinned) commit = readFileSync(join(dir, 'refs', encodeURIComponent(ref.revision)), 'utf8').trim();
      const data = JSON.parse(readFileSync(join(dir, 'snapshots', `${commit}.json`), 'utf8')) as Omit<HubSnapshot, 'ref' | 'redirects'>;
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

/** A repo path that stays inside the folder it is joined to: no `..`, no absolute path, no empty part. */
export function insideRelative(path: string): boolean {
  return (
    path !== '' && !path.startsWith('/') && !path.includes('\\') && !path.includes('\0') && path.split('/').every((p) => p !== '' && p !== '.' && p !== '..')
  );
}
