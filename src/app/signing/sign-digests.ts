import { ModelgateError } from '../../core/errors.js';
import { normalizeFileDigests, type FileDigest } from './digests.js';
import { GIT_IGNORES, itemAlgorithm, type Manifest, type Serialization } from './model.js';
import { checkRelative, isIgnored } from './paths.js';
import type { SignResult } from './sign.js';
import { loadSigner, signManifest } from './signer.js';
import { rootDigest } from './statement.js';

export interface DigestSelection {
  /** Paths to leave out, relative to the model root; a folder leaves out all it holds. */
  ignorePaths?: string[];
  /** Leave out git's files (.git, .gitattributes, .github, .gitignore), as `modelgate sign` and the reference do (default true). */
  ignoreGitPaths?: boolean;
}

export interface DigestSignOptions extends DigestSelection {
  /** The statement subject's name (the reference writes the model folder's name; informative only). Default `model`. */
  modelName?: string;
  /** PEM signing certificate for the key; with it the bundle carries the certificate chain. */
  certificate?: Buffer;
  /** PEM files of the certificates above the signing certificate. */
  certificateChain?: Buffer[];
}

/**
 * The manifest a folder holding exactly `files` serializes to with the `files` method: the
 * files in canonical order, those under an ignored path left out (and the ignored paths
 * recorded), as `modelgate sign` would make it from disk.
 */
export function manifestOfDigests(files: readonly FileDigest[], options: DigestSelection & { modelName?: string } = {}): Manifest {
  const ignores = new Set<string>(options.ignoreGitPaths === false ? [] : GIT_IGNORES);
  for (const p of options.ignorePaths ?? []) ignores.add(checkRelative(p.replace(/\/+$/, ''), 'ignore path', 'USAGE'));
  const ignorePaths = [...ignores].sort();
  const serialization: Serialization = { method: 'files', hashType: 'sha256', allowSymlinks: false, ignorePaths };
  const algorithm = itemAlgorithm(serialization);
  const resources = normalizeFileDigests(files)
    .filter((f) => !isIgnored(f.path, ignorePaths))
    .map((f) => ({ name: f.path, algorithm, digest: f.sha256 }));
  return { modelName: options.modelName ?? 'model', serialization, resources };
}

/**
 * The OpenSSF model-signing root digest of a model: the statement subject's `sha256`, which
 * is SHA-256 over the raw (32-byte) SHA-256 digests of the signed files, concatenated in the
 * reference's canonical order (path components, as Python's PurePosixPath sorts). It is the
 * subject digest `signModelDigests(files, key, options)` signs and `modelgate sign` writes for a
 * folder of those files, so the same options leave out the same files: git's files by default.
 *
 * The paths are not hashed, only their order is: renaming files so that the order stays the
 * same keeps the digest. The signature still covers the names (its predicate lists every
 * resource's name and digest), so identify a version by this digest together with its file list.
 */
export function modelRootDigest(files: readonly FileDigest[], options: DigestSelection = {}): string {
  return rootDigest(manifestOfDigests(files, options).resources);
}

/**
 * Signs a model from digests already known, without reading a file: the same OpenSSF
 * model-signing bundle `modelgate sign --private-key` writes for a folder holding exactly these
 * files (`files` serialization, SHA-256), which `verifyModelSignature` with `{kind: 'key'}` and
 * `modelgate verify-signature --public-key` verify against such a folder. Git's files are left
 * out by default, as there (`verify-signature` always leaves them out, so a signed one would fail).
 * A bad path or digest, a key that does not load, or nothing left to sign is a USAGE error.
 */
export function signModelDigests(files: readonly FileDigest[], privateKey: Buffer | string, options: DigestSignOptions = {}): SignResult {
  const signer = loadSigner({ privateKey, certificate: options.certificate, certificateChain: options.certificateChain });
  const manifest = manifestOfDigests(files, options);
  if (manifest.resources.length === 0) throw new ModelgateError('USAGE', 'no file to sign once ignored paths are left out');
  return { bundle: signManifest(signer, manifest), manifest };
}
