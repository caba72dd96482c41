import { lstatSync, readdirSync, type Stats } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import { fsReason } from '../../core/errors.js';
import { RegistryError } from './client.js';

/** One file to upload: its path in the version (`/`-separated) and on disk. */
export interface UploadFile {
  path: string;
  disk: string;
  size: number;
}

/** Git's own database is never part of a model: a cloned repo uploads its files, not `.git`. */
const SKIPPED_DIRS = new Set(['.git']);

function lstat(disk: string): Stats {
  try {
    return lstatSync(disk);
  } catch (e) {
    throw new RegistryError('UNREADABLE', `cannot read ${disk}: ${fsReason(e)}`, undefined, { cause: e });
  }
}

/** Refuses anything but a regular file or a folder: links are never followed, devices never read. */
function kindOf(disk: string, stat: Stats): 'file' | 'dir' {
  if (stat.isSymbolicLink()) throw new RegistryError('USAGE', `${disk} is a symbolic link: the registry takes regular files only (copy the file it points to)`);
  if (stat.isDirectory()) return 'dir';
  if (stat.isFile()) return 'file';
  throw new RegistryError('SPECIAL_FILE', `${disk} is not a regular file (a FIFO, socket or device): not uploaded`);
}

function walk(root: string, dir: string, out: UploadFile[]): void {
  const names = readdirSync(dir).sort();
  for (const name of names) {
    const disk = join(dir, name);
    const stat = lstat(disk);
    if (kindOf(disk, stat) === 'dir') {
      if (!SKIPPED_DIRS.has(name)) walk(root, disk, out);
    } else out.push({ path: relative(root, disk).split(sep).join('/'), disk, size: stat.size });
  }
}

/**
 * The files of a submission, all checked before anything is sent: a folder gives its files by
 * their paths relative to it, a file gives its own name. Symbolic links and special files
 * anywhere are refused, and two files may not land on one path.
 */
export function collectFiles(targets: readonly string[]): UploadFile[] {
  const files: UploadFile[] = [];
  for (const target of targets) {
    const stat = lstat(target);
    if (kindOf(target, stat) === 'dir') walk(target, target, files);
    else files.push({ path: basename(target), disk: target, size: stat.size });
  }
  if (files.length === 0) throw new RegistryError('USAGE', `no files to upload in ${targets.join(', ')}`);
  const seen = new Map<string, string>();
  for (const f of files) {
    const other = seen.get(f.path);
    if (other !== undefined) throw new RegistryError('USAGE', `${other} and ${f.disk} would both be uploaded as ${f.path}`);
    seen.set(f.path, f.disk);
  }
  return files;
}

/** A version's file path as a URL path: each segment percent-encoded, the `/` kept. */
export function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}
