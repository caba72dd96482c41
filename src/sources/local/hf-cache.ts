import { lstatSync, readlinkSync, type Stats } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { HfCacheFile } from '../../core/report-types.js';
import { entryOfName, hasEntryLayout, isRealDir, readRefs, type CacheEntry } from '../hf/local-cache.js';

/**
 * The links of huggingface_hub cache snapshots (hf/local-cache.ts), followed as the repo files
 * they are. A link of a snapshot is followed only to a regular file directly in its own entry's
 * `blobs/`, reached through real folders only: anything else (an absolute link elsewhere, `../`
 * out of the entry, a link into another repo's entry, a link to a link) is left a link.
 */

/** Where a folder lies in an entry's snapshots: the entry and the commit, when every folder from the snapshot down to it is a real one. */
interface SnapshotPlace {
  entry: CacheEntry;
  commit: string;
  /** The snapshot's folder: `<entry>/snapshots/<commit>`. */
  root: string;
}

/** What a snapshot link leads to when it is followed. */
export interface BlobLink extends HfCacheFile {
  /** The blob's path on disk. */
  blobPath: string;
  /** Its size. */
  size: number;
}

/** Why a link of a snapshot is not followed, when it is not. */
export interface RefusedLink {
  refused: string;
  /** True when the link leads out of its entry (rather than to a missing or odd blob). */
  leaves: boolean;
}

/**
 * Follows the links of cache snapshots into their entries' blobs. Entries, snapshot places and
 * refs are looked up once per folder.
 */
export class CacheLinks {
  private readonly places = new Map<string, SnapshotPlace | null>();
  private readonly refs = new Map<string, Map<string, string[]>>();

  /** The snapshot a folder is in, when it is a real folder at or under `<entry>/snapshots/<commit>`. */
  placeOf(folder: string): SnapshotPlace | undefined {
    const known = this.places.get(folder);
    if (known !== undefined) return known ?? undefined;
    let place: SnapshotPlace | undefined;
    if (isRealDir(folder)) {
      const parent = dirname(folder);
      const entry = basename(parent) === 'snapshots' ? entryOfName(dirname(parent)) : undefined;
      if (entry && hasEntryLayout(entry.dir)) place = { entry, commit: basename(folder), root: folder };
      else if (parent !== folder) place = this.placeOf(parent);
    }
    this.places.set(folder, place ?? null);
    return place;
  }

  private refsOf(entryDir: string): Map<string, string[]> {
    let refs = this.refs.get(entryDir);
    if (!refs) this.refs.set(entryDir, (refs = readRefs(entryDir)));
    return refs;
  }

  /**
   * What the link at `linkPath` (absolute, normalised, pointing at `link`) leads to: undefined
   * when it is not in a snapshot of a cache entry; a blob of the same entry; or why not.
   */
  follow(linkPath: string, link: string): BlobLink | RefusedLink | undefined {
    const place = this.placeOf(dirname(linkPath));
    if (!place) return undefined;
    const blobs = join(place.entry.dir, 'blobs');
    // The folders from the entry down to the link are real (placeOf), so `..` here is the disk's `..`.
    const pointsTo = isAbsolute(link) ? resolve(link) : resolve(dirname(linkPath), link);
    const name = `the Hugging Face cache entry ${basename(place.entry.dir)}`;
    if (pointsTo !== place.entry.dir && !pointsTo.startsWith(place.entry.dir + sep)) return { refused: `, which leaves ${name}`, leaves: true };
    if (dirname(pointsTo) !== blobs) return { refused: `, which is not a blob of ${name}`, leaves: false };
    let st: Stats;
    try {
      st = lstatSync(pointsTo);
    } catch {
      return { refused: `, a blob missing from ${name}`, leaves: false };
    }
    if (!st.isFile()) return { refused: `, which is not a regular file in ${name}`, leaves: false };
    return { ...this.fileOf(place, linkPath), blob: basename(pointsTo), blobPath: pointsTo, size: st.size };
  }

  /** The snapshot information of a regular file in a snapshot (one written without links), when it is in one. */
  plain(filePath: string): HfCacheFile | undefined {
    const place = this.placeOf(dirname(filePath));
    return place && this.fileOf(place, filePath);
  }

  /** What the cache says of the file at `path` of a snapshot: its repo, commit, refs and repo path. */
  private fileOf(place: SnapshotPlace, path: string): HfCacheFile {
    return {
      repo: place.entry.repo,
      type: place.entry.type,
      commit: place.commit,
      refs: this.refsOf(place.entry.dir).get(place.commit) ?? [],
      path: relative(place.root, path).split(sep).join('/'),
    };
  }
}

/** The blob a link of a snapshot leads to, for a single lookup (a sibling); undefined when it is not followed. */
export function blobOfLink(linkPath: string): BlobLink | undefined {
  let link: string;
  try {
    link = readlinkSync(linkPath);
  } catch {
    return undefined;
  }
  const followed = new CacheLinks().follow(resolve(linkPath), link);
  return followed && 'blobPath' in followed ? followed : undefined;
}
