import { createHash } from 'node:crypto';
import type { ServedVersion } from '../../app/registry/index.js';
import { fileEntry } from './entries.js';

/**
 * A model's info at a revision, shaped as the Hub's GET /api/models/{repo}/revision/{rev}
 * (https://huggingface.co/docs/hub/api; huggingface_hub ModelInfo, @huggingface/hub modelInfo,
 * which reads `_id`, `id`, `private`, `gated`, `downloads`, `likes`, `lastModified`, `sha`).
 * `sha` is the served commit; `siblings` list the files, with `blobId`, `size` and `lfs` when
 * `blobs=true`. `modelgate` says which registry version this is: clients ignore fields they do
 * not know (huggingface_hub keeps them as attributes).
 */
export function modelInfo(version: ServedVersion, blobs: boolean): Record<string, unknown> {
  const [author] = version.modelId.split('/');
  const siblings = version.files.map((file) => {
    if (!blobs) return { rfilename: file.path };
    const entry = fileEntry(file);
    return { rfilename: file.path, blobId: entry.oid, size: file.size, lfs: { sha256: file.sha256, size: file.size, pointerSize: entry.lfs.pointerSize } };
  });
  return {
    // The Hub's _id is a 24-hex database id; this one is derived from the model id, so it is stable.
    _id: createHash('sha256').update(version.modelId).digest('hex').slice(0, 24),
    id: version.modelId,
    modelId: version.modelId,
    author,
    sha: version.commit,
    lastModified: version.approvedAt,
    createdAt: version.modelCreatedAt,
    // Served to token holders only.
    private: true,
    gated: false,
    disabled: false,
    downloads: 0,
    likes: 0,
    tags: [],
    siblings,
    usedStorage: version.files.reduce((sum, f) => sum + f.size, 0),
    modelgate: { version: version.versionId, rootDigest: version.rootDigest, sourceCommit: version.sourceCommit, state: 'approved' },
  };
}
