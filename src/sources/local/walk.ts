import { lstatSync, readdirSync, readlinkSync, type Stats } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { ArtifactEntry } from '../../core/artifact.js';

/** One entry of a local target; its disk path is always set. */
export type WalkEntry = ArtifactEntry & { diskPath: string };

function specialKind(st: Stats): string | undefined {
  if (st.isFIFO()) return 'fifo';
  if (st.isSocket()) return 'socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'device';
  return undefined;
}

/**
 * Lists what a target holds, depth first in name order, never following symbolic links (so
 * link loops cannot recurse). Throws only when the target itself does not exist.
 */
export function* walkTarget(target: string, targetIndex: number): Generator<WalkEntry> {
  const rootStat = lstatSync(target);
  const root = resolve(target);
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
      const pointsTo = isAbsolute(link) ? link : resolve(dirname(disk), link);
      const inside = rootStat.isDirectory() && (pointsTo === root || pointsTo.startsWith(root + sep));
      yield { path, diskPath: disk, targetIndex, kind: 'symlink', size: st.size, linkTarget: link, escapes: !inside };
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
    else yield { path, diskPath: disk, targetIndex, kind: 'file', size: st.size };
  };
  yield* visit(target, rootStat, undefined);
}
