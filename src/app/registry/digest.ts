import { comparePaths } from '../signing/paths.js';
import { rootDigest as signingRootDigest } from '../signing/statement.js';

/**
 * A version's identity: the OpenSSF model-signing root digest of its files (SHA-256 over each
 * file's SHA-256 in canonical path order), the digest a model signature of the same files names
 * as its subject, so a signature made elsewhere and the registry's record can be matched.
 */
export function rootDigest(files: ReadonlyArray<{ path: string; sha256: string }>): string {
  const resources = [...files].sort((a, b) => comparePaths(a.path, b.path)).map((f) => ({ name: f.path, algorithm: 'sha256', digest: f.sha256 }));
  return signingRootDigest(resources);
}
