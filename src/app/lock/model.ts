import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { fsReason, ModelgateError } from '../../core/errors.js';

/** The lock file's schema id; bumped only when a field changes meaning. */
export const LOCK_SCHEMA = 'modelgate/lock@1';

/** One locked file: its path in the target, size and SHA-256; or a symbolic link and where it points. */
export interface LockEntry {
  path: string;
  size: number;
  sha256?: string;
  symlink?: string;
}

/** Where the locked files came from. */
export type LockSource = { type: 'local'; path: string } | { type: 'hf'; repo: string; revision: string; commit: string; endpoint: string };

/** `modelgate.lock` (README "Locks"). */
export interface LockFile {
  schema: typeof LOCK_SCHEMA;
  createdAt: string;
  tool: { name: 'modelgate'; version: string };
  source: LockSource;
  files: LockEntry[];
}

const SHA256 = /^[0-9a-f]{64}$/;

function invalid(path: string, why: string): ModelgateError {
  return new ModelgateError('LOCK_INVALID', `${path} is not a modelgate lock: ${why}`);
}

/** Reads and checks a lock file; throws UNREADABLE or LOCK_INVALID. */
export function readLock(path: string): LockFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ModelgateError('UNREADABLE', `cannot read lock ${path}: ${fsReason(e)}`, { cause: e });
  }
  let data: Partial<LockFile>;
  try {
    data = JSON.parse(text) as Partial<LockFile>;
  } catch (e) {
    throw invalid(path, `not JSON (${(e as Error).message})`);
  }
  if (data === null || typeof data !== 'object') throw invalid(path, 'not a JSON object');
  if (data.schema !== LOCK_SCHEMA) throw invalid(path, `schema is ${JSON.stringify(data.schema)}, expected ${LOCK_SCHEMA}`);
  const src = data.source as Partial<LockSource> | undefined;
  if (!src || (src.type !== 'local' && src.type !== 'hf')) throw invalid(path, 'source.type must be local or hf');
  if (src.type === 'hf' && (typeof src.repo !== 'string' || typeof src.commit !== 'string')) throw invalid(path, 'an hf source needs repo and commit');
  if (!Array.isArray(data.files)) throw invalid(path, 'files must be a list');
  const seen = new Set<string>();
  for (const [i, f] of data.files.entries()) {
    if (!f || typeof f.path !== 'string' || f.path === '') throw invalid(path, `files[${i}] has no path`);
    if (seen.has(f.path)) throw invalid(path, `files[${i}]: ${f.path} is listed twice`);
    seen.add(f.path);
    if (f.symlink !== undefined) {
      if (typeof f.symlink !== 'string') throw invalid(path, `files[${i}].symlink must be a string`);
      continue;
    }
    if (!Number.isSafeInteger(f.size) || f.size < 0) throw invalid(path, `files[${i}].size must be a byte count`);
    if (typeof f.sha256 !== 'string' || !SHA256.test(f.sha256)) throw invalid(path, `files[${i}].sha256 must be 64 lower-case hex digits`);
  }
  return data as LockFile;
}

/**
 * Writes a lock file whole or not at all (a temporary file renamed into place). Throws
 * UNREADABLE when it cannot be written (a missing folder, no permission), leaving no
 * temporary file behind.
 */
export function writeLock(path: string, lock: LockFile): void {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, `${JSON.stringify(lock, null, 2)}\n`);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new ModelgateError('UNREADABLE', `cannot write lock ${path}: ${(e as Error).message}`, { cause: e });
  }
}
