import { lstatSync, readdirSync, readlinkSync, realpathSync, type Stats } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { ArtifactEntry } from '../../core/artifact.js';
import { CacheLinks } from './hf-cache.js';

/** One entry of a local target; its disk path is always set. */
export type WalkEntry = ArtifactEntry & { diskPath: string };

function specialKind(st: Stats): string | undefined {
  if (st.isFIFO()) return 'fifo';
  if (st.isSocket()) return 'socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'device';
  return undefined;
}

export interface WalkOptions {
  /**
   * Follow the links of Hugging Face cache snapshots into their own entry's `blobs/` (hf-cache.ts):
   * such a file is listed under its path with its blob's disk path and size, and `hfCache`.
   */
  hfCache?: boolean;
  /** Follow the target itself when it is a link: the user named it. */
  followTarget?: boolean;
}

/**
 * Lists what a target holds, depth first in name order, never following symbolic links (so
 * link loops cannot recurse), except as `options` allow: a link that is the target itself, and
 * a cache snapshot's links to its own blobs, which are files. Throws only when the target itself
 * does not exist.
 */
export function* walkTarget(target: string, targetIndex: number, options: WalkOptions = {}): Generator<WalkEntry> {
  let rootStat = lstatSync(target);
  let root = resolve(target);
  const cache = options.hfCache ? new CacheLinks() : undefined;
  let start = target;
  if (rootStat.isSymbolicLink() && options.followTarget) {
    // A cache snapshot's link is followed as one (it keeps its repo path); any other, wherever it leads.
    const blob = cache?.follow(root, readlinkSync(target));
    if (blob && 'blobPath' in blob) {
      const { blobPath, size, ...hfCache } = blob;
      yield { path: target, diskPath: blobPath, targetIndex, kind: 'file', size, linkPath: root, hfCache };
      return;
    }
    try {
      start = realpathSync(target);
      rootStat = lstatSync(start);
    } catch (e) {
      yield { path: target, diskPath: target, targetIndex, kind: 'unreadable', size: 0, error: `a link that cannot be followed: ${(e as Error).message}` };
      return;
    }
    root = start;
  }
  const visit = function* (disk: string, st: Stats, rel: string | undefined): Generator<WalkEntry> {
    const path = rel ?? target;
    if (st.isSymbolicLink()) {
      let link = '';
      try {
        link = readlinkSync(disk);
      } catch (e) {
        yield { path, diskPath: disk, targetIndex, kind: 'unreadable', size: 0, error: String(e) };
        return;
      }
      const followed = cache?.follow(resolve(disk), link);
      if (followed && 'blobPath' in followed) {
        const { blobPath, size, ...hfCache } = followed;
        yield { path, diskPath: blobPath, targetIndex, kind: 'file', size, linkPath: resolve(disk), hfCache };
        return;
      }
      const pointsTo = isAbsolute(link) ? link : resolve(dirname(disk), link);
      const inside = rootStat.isDirectory() && (pointsTo === root || pointsTo.startsWith(root + sep));
      // A snapshot's link that is not followed is flagged, even one to elsewhere in the target (another repo's entry).
      const escapes = followed ? true : !inside;
      yield { path, diskPath: disk, targetIndex, kind: 'symlink', size: st.size, linkTarget: link, escapes, linkNote: followed?.refused };
      return;
    }
    if (st.isDirectory()) {
      let names: string[];
      try {
        names = readdirSync(disk).sort();
      } catch (e) {
        yield { path: rel ?? target, diskPath: disk, targetIndex, kind: 'unreadable', size: 0, error: (e as Error).message };
        return;
      }
      for (const name of names) {
        const child = join(disk, name);
        let cst: Stats;
        try {
          cst = lstatSync(child);
        } catch (e) {
          yield { path: relative(root, child).split(sep).join('/'), diskPath: child, targetIndex, kind: 'unreadable', size: 0, error: (e as Error).message };
          continue;
        }
        yield* visit(child, cst, relative(root, child).split(sep).join('/'));
      }
      return;
    }
    const special = specialKind(st);
    if (special) yield { path, diskPath: disk, targetIndex, kind: 'special', size: 0, special };
    else {
      const hfCache = cache?.plain(resolve(disk));
      yield { path, diskPath: disk, targetIndex, kind: 'file', size: st.size, ...(hfCache && { hfCache }) };
    }
  };
  yield* visit(start, rootStat, undefined);
}
