import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ModelgateError } from '../../core/errors.js';
import type { HubFile, HubSnapshot } from './api.js';
import type { HubRef } from './ref.js';

/**
 * modelgate's own Hub cache, laid out like huggingface_hub's (`models--org--name/refs`,
 * `blobs`, `snapshots`) but in a folder of its own (`$HF_HOME/modelgate`), so that a download
 * made for scanning is never loaded by `from_pretrained` behind the scanner's back.
 * - `refs/<revision>`: the commit a revision last resolved to (offline mode reads it);
 * - `snapshots/<commit>.json`: the file listing at that commit;
 * - `blobs/<sha256>` (LFS) or `blobs/<git oid>`: content whose hash was verified;
 * - `blobs/<key>.incomplete`: a download under way, resumed from its length.
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

  /** Moves a verified download into place. */
  commitBlob(repo: string, file: HubFile, incomplete: string): string {
    const path = this.blobPath(repo, file);
    renameSync(incomplete, path);
    return path;
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
