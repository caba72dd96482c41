import type { Resource } from './model.js';
import { parseShardName } from './paths.js';

/** How the files on disk differ from the signed manifest, by file name. */
export interface ManifestDiff {
  /** Signed but not on disk. */
  missing: string[];
  /** On disk but not signed. */
  extra: string[];
  /** On disk and signed, with other bytes (or, for shards, other sizes). */
  changed: string[];
}

/** The file a resource belongs to (a shard's path, or the file itself). */
const fileOf = (name: string): string => parseShardName(name)?.path ?? name;

/**
 * Compares the signed resources with those computed from disk, and names files: a file is
 * missing or extra when none of its items appear on the other side, changed when some differ.
 */
export function diffManifests(signed: readonly Resource[], actual: readonly Resource[]): ManifestDiff {
  const want = new Map(signed.map((r) => [r.name, r.digest]));
  const have = new Map(actual.map((r) => [r.name, r.digest]));
  const signedFiles = new Set(signed.map((r) => fileOf(r.name)));
  const actualFiles = new Set(actual.map((r) => fileOf(r.name)));
  const changed = new Set<string>();
  for (const [name, digest] of want) {
    const file = fileOf(name);
    if (actualFiles.has(file) && have.get(name) !== digest) changed.add(file);
  }
  for (const name of have.keys()) {
    const file = fileOf(name);
    if (signedFiles.has(file) && !want.has(name)) changed.add(file);
  }
  return {
    missing: [...signedFiles].filter((f) => !actualFiles.has(f)).sort(),
    extra: [...actualFiles].filter((f) => !signedFiles.has(f)).sort(),
    changed: [...changed].sort(),
  };
}

/** One line per difference, naming the file. */
export function describeDiff(diff: ManifestDiff): string[] {
  return [
    ...diff.missing.map((f) => `${f}: signed but missing`),
    ...diff.extra.map((f) => `${f}: present but not signed`),
    ...diff.changed.map((f) => `${f}: contents differ from the signed digest`),
  ];
}
