import { lstatSync, readdirSync, readFileSync, type Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * huggingface_hub's cache on this machine (file_download.py, utils/_cache_manager.py), not
 * modelgate's own (cache.ts): one folder per repo, `<type>s--<org>--<name>/`, holding
 * - `blobs/<etag>`: the content, named by its LFS sha256 or its git blob id;
 * - `snapshots/<commit>/<repo path>`: relative links into `blobs/` (`../../blobs/<etag>`, one
 *   more `../` per folder of the repo path), or plain files where links cannot be made;
 * - `refs/<revision>`: the commit a branch or tag last resolved to (`refs/pr/1` nests).
 * Its layout is recognised here; local/hf-cache.ts follows a snapshot's links.
 */

/** The folder name of a cache entry: `models--org--name`, `datasets--…`, `spaces--…`. */
const ENTRY_NAME = /^(models|datasets|spaces)--(.+)$/;

/** A repo's entry in the cache. */
export interface CacheEntry {
  /** The entry's folder. */
  dir: string;
  /** `org/name` (or `name` for a repo without an org). */
  repo: string;
  type: 'model' | 'dataset' | 'space';
}

/** The repo an entry folder's name stands for, when it is one. */
export function entryOfName(dir: string): CacheEntry | undefined {
  const m = ENTRY_NAME.exec(basename(dir));
  if (!m) return undefined;
  const type = m[1] === 'models' ? 'model' : m[1] === 'datasets' ? 'dataset' : 'space';
  return { dir, repo: m[2]!.split('--').join('/'), type };
}

export function isRealDir(path: string): boolean {
  try {
    return lstatSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** True when `dir` has the layout of an entry: `snapshots/` and `blobs/` are folders (not links). */
export function hasEntryLayout(dir: string): boolean {
  return isRealDir(join(dir, 'snapshots')) && isRealDir(join(dir, 'blobs'));
}

/** The cache entry an absolute, normalised path is in (the entry folder itself or below it), with its layout checked. */
export function entryAbove(path: string): CacheEntry | undefined {
  for (let dir = path; ; dir = dirname(dir)) {
    const entry = entryOfName(dir);
    if (entry && hasEntryLayout(dir)) return entry;
    if (dirname(dir) === dir) return undefined;
  }
}

/** Refs (`main`, `v1`, `refs/pr/1`) by the commit each names, read from an entry's `refs/`. */
export function readRefs(entryDir: string): Map<string, string[]> {
  const byCommit = new Map<string, string[]>();
  const visit = (dir: string, prefix: string): void => {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const name of names) {
      const path = join(dir, name);
      let st: Stats;
      try {
        st = lstatSync(path);
      } catch {
        continue;
      }
      if (st.isDirectory()) visit(path, `${prefix}${name}/`);
      else if (st.isFile() && st.size <= 256) {
        const commit = readFileSync(path, 'utf8').trim();
        byCommit.set(commit, [...(byCommit.get(commit) ?? []), `${prefix}${name}`]);
      }
    }
  };
  visit(join(entryDir, 'refs'), '');
  return byCommit;
}

/** A revision of a cached repo: its commit, the refs naming it, and its snapshot folder. */
export interface CachedRevision {
  commit: string;
  refs: string[];
  dir: string;
}

/** A repo of the cache and the revisions it holds. */
export interface CachedRepo extends CacheEntry {
  revisions: CachedRevision[];
}

/** The repos a huggingface_hub cache folder holds, in name order (an empty list when it holds none). */
export function listCache(root: string): CachedRepo[] {
  let names: string[];
  try {
    names = readdirSync(root).sort();
  } catch {
    return [];
  }
  const repos: CachedRepo[] = [];
  for (const name of names) {
    const entry = entryOfName(join(root, name));
    if (!entry || !isRealDir(entry.dir) || !hasEntryLayout(entry.dir)) continue;
    const refs = readRefs(entry.dir);
    let commits: string[] = [];
    try {
      commits = readdirSync(join(entry.dir, 'snapshots')).sort();
    } catch {
      commits = [];
    }
    const revisions = commits
      .filter((c) => isRealDir(join(entry.dir, 'snapshots', c)))
      .map((commit) => ({ commit, refs: refs.get(commit) ?? [], dir: join(entry.dir, 'snapshots', commit) }));
    repos.push({ ...entry, revisions });
  }
  return repos;
}
