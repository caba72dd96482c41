import { modelRootDigest } from '../signing/index.js';

/**
 * A version's identity: the OpenSSF model-signing root digest of its files (SHA-256 over each
 * file's SHA-256 in canonical path order, git's own files left out as model signing leaves them
 * out), the subject digest a model signature of the same files names, so a signature made
 * elsewhere and the registry's record can be matched. It does not cover names: the file list
 * (path and SHA-256 of each) is kept beside it.
 */
export function rootDigest(files: ReadonlyArray<{ path: string; sha256: string }>): string {
  return modelRootDigest(files.map((f) => ({ path: f.path, sha256: f.sha256 })));
}
