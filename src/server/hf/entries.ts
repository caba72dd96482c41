import { createHash } from 'node:crypto';
import type { ServedFile, ServedVersion } from '../../app/registry/index.js';

/**
 * Files and folders as the Hub's tree and paths-info APIs list them (huggingface.js
 * ApiIndexTreeEntry; huggingface_hub RepoFile and RepoFolder). Every served file is listed as a
 * git-LFS file: `lfs.oid` is its SHA-256 (the registry's own digest, and the name
 * huggingface_hub caches it under), `oid` the git blob id of its LFS pointer, `size` its real
 * size, as the Hub lists an LFS file. No file's bytes are read to list it.
 */

export interface FileEntry {
  type: 'file';
  oid: string;
  size: number;
  path: string;
  lfs: { oid: string; size: number; pointerSize: number };
  lastCommit?: LastCommit;
}

export interface DirectoryEntry {
  type: 'directory';
  oid: string;
  size: 0;
  path: string;
  lastCommit?: LastCommit;
}

export type TreeEntry = FileEntry | DirectoryEntry;

/** `expand=true`: the commit that last touched the entry, which for a served version is its own. */
interface LastCommit {
  id: string;
  title: string;
  date: string;
}

/** The pointer file git stores for an LFS file (git-lfs docs/spec.md, version 1). */
export function lfsPointer(file: Pick<ServedFile, 'sha256' | 'size'>): Buffer {
  return Buffer.from(`version https://git-lfs.github.com/spec/v1\noid sha256:${file.sha256}\nsize ${file.size}\n`);
}

/** git's object id of a blob: SHA-1 of `blob <size>\0` and the bytes (git's object format). */
export function gitBlobId(bytes: Buffer): string {
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

export function fileEntry(file: ServedFile): FileEntry {
  const pointer = lfsPointer(file);
  return { type: 'file', oid: gitBlobId(pointer), size: file.size, path: file.path, lfs: { oid: file.sha256, size: file.size, pointerSize: pointer.length } };
}

/** A folder's id: stable for the same commit and path (the registry keeps no git trees, so not a git tree id). */
export function directoryEntry(commit: string, path: string): DirectoryEntry {
  return { type: 'directory', oid: createHash('sha1').update(`${commit}\0${path}`).digest('hex'), size: 0, path };
}

function lastCommit(version: ServedVersion): LastCommit {
  return { id: version.commit, title: `modelgate: version ${version.versionId} approved`, date: version.approvedAt };
}

/** Adds `lastCommit` to each entry when asked to (`expand`). */
export function expanded(entries: TreeEntry[], version: ServedVersion, expand: boolean): TreeEntry[] {
  return expand ? entries.map((e) => ({ ...e, lastCommit: lastCommit(version) })) : entries;
}

/** The folders holding a path: `a/b/c.txt` → `a`, `a/b`. */
function parents(path: string): string[] {
  const parts = path.split('/');
  return parts.slice(1).map((_, i) => parts.slice(0, i + 1).join('/'));
}

/**
 * The entries under a folder (`''` is the root), in path order: its files and folders, or
 * everything below it when recursive. Undefined when `under` is not a folder of the version.
 */
export function listTree(version: ServedVersion, under: string, recursive: boolean): TreeEntry[] | undefined {
  const prefix = under === '' ? '' : `${under}/`;
  const inside = version.files.filter((f) => f.path.startsWith(prefix));
  if (inside.length === 0 && under !== '') return undefined;
  const byPath = new Map<string, TreeEntry>();
  for (const file of inside) {
    const rest = file.path.slice(prefix.length);
    const depth = rest.split('/').length;
    if (recursive || depth === 1) byPath.set(file.path, fileEntry(file));
    for (const dir of parents(rest)) {
      const path = prefix + dir;
      if ((recursive || !dir.includes('/')) && !byPath.has(path)) byPath.set(path, directoryEntry(version.commit, path));
    }
  }
  return [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The entries of the paths asked for that exist (files or folders); others are left out, as the Hub does. */
export function pathsInfo(version: ServedVersion, paths: readonly string[]): TreeEntry[] {
  const files = new Map(version.files.map((f) => [f.path, f]));
  const folders = new Set(version.files.flatMap((f) => parents(f.path)));
  const out: TreeEntry[] = [];
  for (const path of new Set(paths.map((p) => p.replace(/^\/+|\/+$/g, '')))) {
    const file = files.get(path);
    if (file) out.push(fileEntry(file));
    else if (folders.has(path)) out.push(directoryEntry(version.commit, path));
  }
  return out;
}
