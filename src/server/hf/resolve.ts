import { existsSync } from 'node:fs';
import { servedBlobPath, type Registry, type ServedVersion } from '../../app/registry/index.js';
import { gitBlobId, lfsPointer } from './entries.js';
import { entryNotFound, hubError } from './errors.js';
import { serveBytes } from './serve-bytes.js';

/**
 * GET|HEAD /{repo}/resolve/{rev}/{path}: the file's bytes, straight from the blob store (no
 * redirect), with the headers huggingface_hub's get_hf_file_metadata and @huggingface/hub's
 * fileDownloadInfo read: X-Repo-Commit, ETag and X-Linked-Etag (the SHA-256, which
 * huggingface_hub names the cached blob by), X-Linked-Size, Content-Length, and Range support
 * (fileDownloadInfo probes with `Range: bytes=0-0` and reads the size from Content-Range).
 * `/raw/` answers the git content instead: the file's LFS pointer.
 */
export function resolveFile(registry: Registry, version: ServedVersion, path: string, raw: boolean, request: Request): Response {
  const file = version.files.find((f) => f.path === path);
  if (!file) return entryNotFound(version, path);
  const method = request.method;
  const range = request.headers.get('range') ?? undefined;
  if (raw) {
    const pointer = lfsPointer(file);
    return serveBytes(method, range, { kind: 'buffer', bytes: pointer }, { etag: `"${gitBlobId(pointer)}"`, 'x-repo-commit': version.commit });
  }
  const disk = servedBlobPath(registry.ctx, file);
  if (!existsSync(disk)) {
    console.error(`hf: the blob of ${version.modelId}@${version.commit}/${path} (${file.sha256}) is missing from the store`);
    return hubError(500, undefined, 'internal error: a blob is missing from the store');
  }
  return serveBytes(
    method,
    range,
    { kind: 'disk', path: disk, size: file.size },
    {
      etag: `"${file.sha256}"`,
      'x-linked-etag': `"${file.sha256}"`,
      'x-linked-size': String(file.size),
      'x-repo-commit': version.commit,
    },
  );
}
