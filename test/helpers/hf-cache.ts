import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { gitBlobId, sha256 } from './fixture-hub.js';

/** A file of a repo as huggingface_hub downloads it: LFS files are named by their sha256, others by their git blob id. */
export interface CachedFile {
  path: string;
  content: Buffer;
  /** Stored with Git LFS (default: by extension, as the Hub's .gitattributes does for weights). */
  lfs?: boolean;
}

const isLfs = (f: CachedFile): boolean => f.lfs ?? /\.(bin|pt|pth|ckpt|safetensors|h5|onnx|pkl|gguf|msgpack)$/.test(f.path);

/** The blob name (etag) huggingface_hub stores a file's content under. */
export const blobName = (f: CachedFile): string => (isLfs(f) ? sha256(f.content) : gitBlobId(f.content));

/**
 * Writes one snapshot of `repo` into a huggingface_hub cache folder as `hf_hub_download` does
 * (file_download.py): the content in `<entry>/blobs/<etag>`, a relative link
 * `<entry>/snapshots/<commit>/<path>` -> `../../blobs/<etag>` (one more `../` per folder of the
 * path, as `os.path.relpath` makes it), and `<entry>/refs/<revision>` holding the commit.
 * Returns the entry's folder.
 */
export function writeCachedSnapshot(
  cacheRoot: string,
  repo: string,
  commit: string,
  files: CachedFile[],
  options: { refs?: string[]; type?: 'models' | 'datasets' | 'spaces' } = {},
): string {
  const entry = join(cacheRoot, `${options.type ?? 'models'}--${repo.split('/').join('--')}`);
  mkdirSync(join(entry, 'blobs'), { recursive: true });
  for (const f of files) {
    const blob = join(entry, 'blobs', blobName(f));
    writeFileSync(blob, f.content);
    const pointer = join(entry, 'snapshots', commit, ...f.path.split('/'));
    mkdirSync(dirname(pointer), { recursive: true });
    symlinkSync(relative(dirname(pointer), blob), pointer);
  }
  for (const ref of options.refs ?? ['main']) {
    const path = join(entry, 'refs', ...ref.split('/'));
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, commit);
  }
  return entry;
}
