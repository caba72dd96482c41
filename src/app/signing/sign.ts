import { dirname, join, relative, resolve } from 'node:path';
import { statSync } from 'node:fs';
import { fsReason, ModelgateError } from '../../core/errors.js';
import { DEFAULT_SIGNATURE, GIT_IGNORES, type Manifest, type Method } from './model.js';
import { normalizeIgnore } from './paths.js';
import { serializeModel } from './serialize.js';
import { loadSigner, signManifest, type SignerKey } from './signer.js';

export interface SignOptions extends SignerKey {
  modelPath: string;
  /** Where the signature will be written (left out of the manifest when inside the model). */
  signaturePath: string;
  /** Paths to leave out, relative to the model (or absolute inside it). */
  ignorePaths?: string[];
  /** Leave out git's files (.git, .gitattributes, .github, .gitignore), as the reference does by default. */
  ignoreGitPaths?: boolean;
  method?: Method;
  shardSize?: number;
}

export interface SignResult {
  bundle: Record<string, unknown>;
  manifest: Manifest;
}

/** The signature's default place: `model.sig` at the folder's root, or beside a single-file model. */
export function defaultSignaturePath(modelPath: string): string {
  let isDir = false;
  try {
    isDir = statSync(modelPath).isDirectory();
  } catch {
    // An unreadable target is reported by whoever reads it.
  }
  return isDir ? join(modelPath, DEFAULT_SIGNATURE) : join(dirname(modelPath), DEFAULT_SIGNATURE);
}

/** The paths left out: git's files, the signature itself when inside the model, and the caller's. */
function ignoresFor(options: SignOptions): string[] {
  const out = new Set<string>(options.ignoreGitPaths === false ? [] : GIT_IGNORES);
  const sigRel = relative(resolve(options.modelPath), resolve(options.signaturePath)).split('\\').join('/');
  if (sigRel !== '' && !sigRel.startsWith('..')) out.add(sigRel);
  for (const p of options.ignorePaths ?? []) out.add(normalizeIgnore(options.modelPath, p));
  return [...out];
}

/**
 * Signs a model as the reference signer does: hash every file (or shard), build the in-toto
 * statement with the `https://model_signing/signature/v1.0` predicate, sign its DSSE PAE, and
 * wrap it in a v0.3 Sigstore bundle (`keyid` empty, no transparency log entries).
 */
export async function signModel(options: SignOptions): Promise<SignResult> {
  const signer = loadSigner(options);
  let isFile = false;
  try {
    isFile = statSync(options.modelPath).isFile();
  } catch (e) {
    throw new ModelgateError('UNREADABLE', `cannot read ${options.modelPath}: ${fsReason(e)}`, { cause: e });
  }
  // A single-file model has nothing to ignore (the reference records none).
  const manifest = await serializeModel(options.modelPath, {
    method: options.method ?? 'files',
    shardSize: options.shardSize,
    ignorePaths: isFile ? [] : ignoresFor(options),
  });
  if (manifest.resources.length === 0) throw new ModelgateError('USAGE', `${options.modelPath} holds no file to sign once ignored paths are left out`);
  return { bundle: signManifest(signer, manifest), manifest };
}
