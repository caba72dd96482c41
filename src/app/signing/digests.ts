import { statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { fsReason, ModelgateError } from '../../core/errors.js';
import { DEFAULT_SIGNATURE, GIT_IGNORES } from './model.js';
import { checkRelative, comparePaths, normalizeIgnore } from './paths.js';
import { serializeModel } from './serialize.js';

/** A model file known by its digest: the path relative to the model root (`/`-separated) and its SHA-256. */
export interface FileDigest {
  path: string;
  /** Lowercase hex (upper case is accepted and lowered). */
  sha256: string;
}

const HEX64 = /^[0-9a-f]{64}$/;

/**
 * Checks a caller's file list and puts it in the reference's canonical order (path components,
 * as Python's PurePosixPath sorts): every path inside the model (no `..`, not absolute, no empty
 * component), every digest 64 hex digits, no path twice. A bad list is a USAGE error.
 */
export function normalizeFileDigests(files: readonly FileDigest[]): FileDigest[] {
  const seen = new Set<string>();
  const out = files.map(({ path, sha256 }) => {
    if (typeof path !== 'string') throw new ModelgateError('USAGE', 'a file has no path');
    const name = checkRelative(path, 'file', 'USAGE');
    const digest = typeof sha256 === 'string' ? sha256.toLowerCase() : '';
    if (!HEX64.test(digest)) throw new ModelgateError('USAGE', `${name}: the SHA-256 is not 64 hex digits`);
    if (seen.has(name)) throw new ModelgateError('USAGE', `${name} is listed twice`);
    seen.add(name);
    return { path: name, sha256: digest };
  });
  return out.sort((a, b) => comparePaths(a.path, b.path));
}

export interface FolderDigestOptions {
  /** More paths to leave out, relative to the folder (or absolute inside it). */
  ignorePaths?: string[];
  /** Files of evidence (an envelope, a signature) left out when they lie inside the folder. */
  evidence?: string[];
}

/**
 * Every regular file of a model folder with its SHA-256, hashed as signing hashes it (links and
 * special files stop it with UNSUPPORTED or SPECIAL_FILE). Left out: git's files, `model.sig`,
 * the evidence files inside the folder and `ignorePaths`. A folder that is not one, or holds no
 * file, is a USAGE error.
 */
export async function digestFolder(dir: string, options: FolderDigestOptions = {}): Promise<FileDigest[]> {
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch (e) {
    throw new ModelgateError('UNREADABLE', `cannot read ${dir}: ${fsReason(e)}`, { cause: e });
  }
  if (!isDir) throw new ModelgateError('USAGE', `${dir} is not a folder`);
  const ignores = new Set<string>([...GIT_IGNORES, DEFAULT_SIGNATURE]);
  for (const p of options.evidence ?? []) {
    const rel = relative(resolve(dir), resolve(p)).split('\\').join('/');
    if (rel !== '' && rel !== '..' && !rel.startsWith('../') && !isAbsolute(rel)) ignores.add(rel);
  }
  for (const p of options.ignorePaths ?? []) ignores.add(normalizeIgnore(dir, p));
  const manifest = await serializeModel(dir, { method: 'files', ignorePaths: [...ignores] });
  if (manifest.resources.length === 0) throw new ModelgateError('USAGE', `${dir} holds no file once ignored paths are left out`);
  return manifest.resources.map((r) => ({ path: r.name, sha256: r.digest }));
}
