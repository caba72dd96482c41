import { isAbsolute, relative, resolve, sep } from 'node:path';
import { ModelgateError, type ErrorCode } from '../../core/errors.js';

/**
 * Model-relative paths as the reference names them: POSIX components, never absolute, never
 * `..`. Resource names are compared with these rules, so a signature cannot name a file outside
 * the model. A bad path is SIGNATURE_INVALID in what was signed, or `code` (USAGE for a caller's list).
 */
export function checkRelative(path: string, what: string, code: ErrorCode = 'SIGNATURE_INVALID'): string {
  const parts = path.split('/');
  if (path === '' || path.startsWith('/') || parts.some((p) => p === '..' || p === '') || path.includes('\0')) {
    throw new ModelgateError(code, `${what} ${JSON.stringify(path)} is not a path inside the model`);
  }
  return parts.filter((p) => p !== '.').join('/') || '.';
}

/**
 * An ignore path given on the command line: relative to the model root, or absolute (then it
 * must be inside the model). Trailing slashes are dropped: a folder ignores all it holds.
 */
export function normalizeIgnore(modelPath: string, path: string): string {
  const rel = isAbsolute(path) ? relative(resolve(modelPath), path) : path;
  const posix = rel
    .split(sep)
    .join('/')
    .replace(/\/+$/, '')
    .replace(/^(\.\/)+/, '');
  if (posix === '' || posix === '.' || posix.startsWith('../') || posix === '..' || isAbsolute(posix)) {
    throw new ModelgateError('USAGE', `ignore path ${path} is not inside the model ${modelPath}`);
  }
  return posix;
}

/** True when `rel` is `ignore` or inside it, component by component (the reference's `is_relative_to`). */
export function isIgnored(rel: string, ignores: readonly string[]): boolean {
  return ignores.some((ig) => rel === ig || rel.startsWith(`${ig}/`));
}

/**
 * The reference sorts items by path components (Python's PurePosixPath order), then shard
 * offsets. UTF-8 byte order is code point order, which is how Python compares strings.
 */
export function comparePaths(a: string, b: string): number {
  const pa = a.split('/');
  const pb = b.split('/');
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const c = Buffer.compare(Buffer.from(pa[i]!, 'utf8'), Buffer.from(pb[i]!, 'utf8'));
    if (c !== 0) return c;
  }
  return pa.length - pb.length;
}

/** `path:start:end` of a shard resource, split; undefined when the name is not one. */
export function parseShardName(name: string): { path: string; start: number; end: number } | undefined {
  const m = /^(.*):(\d+):(\d+)$/.exec(name);
  if (!m || m[1]!.includes(':')) return undefined;
  const start = Number(m[2]);
  const end = Number(m[3]);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || end < start) return undefined;
  return { path: m[1]!, start, end };
}
