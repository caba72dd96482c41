import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { BUILDER_SEEDS } from './builder-seeds.js';
import { recognise } from './scan.js';

/** One starting input of a target. */
export interface Seed {
  bytes: Buffer;
  /** Where it came from: a repository path, or `builder:<format>#<n>`. */
  origin: string;
}

/** The committed inputs seeds are taken from, relative to the repository root. */
export const SEED_FOLDERS = ['eval/corpus', 'test/fixtures'];

/** Larger files cost time per run and mostly repeat tensor data; mutations belong in structure. */
const MAX_SEED_BYTES = 256 * 1024;
/** Seeds kept per target, smallest first: enough variety, few enough to cycle through quickly. */
const MAX_SEEDS = 48;

function* walk(dir: string): Generator<string> {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names.sort()) {
    const path = join(dir, name);
    const stat = statSync(path, { throwIfNoEntry: false });
    if (stat?.isDirectory()) yield* walk(path);
    else if (stat?.isFile() && stat.size > 0 && stat.size <= MAX_SEED_BYTES) yield path;
  }
}

/**
 * The seeds of every target, by registry id: each committed file goes to the format whose
 * recognition takes it under its own name (as a scan would), and the builders add their own.
 */
export function loadSeeds(root: string): Map<string, Seed[]> {
  const byFormat = new Map<string, Seed[]>();
  const seen = new Set<string>();
  const add = (id: string, seed: Seed): void => {
    const digest = createHash('sha1').update(seed.bytes).digest('hex');
    if (seen.has(digest)) return;
    seen.add(digest);
    const list = byFormat.get(id) ?? [];
    list.push(seed);
    byFormat.set(id, list);
  };
  for (const [id, build] of Object.entries(BUILDER_SEEDS)) build().forEach((bytes, n) => add(id, { bytes, origin: `builder:${id}#${n}` }));
  for (const folder of SEED_FOLDERS) {
    for (const path of walk(join(root, folder))) {
      const bytes = readFileSync(path);
      const id = recognise(bytes, basename(path));
      if (id !== undefined) add(id, { bytes, origin: relative(root, path) });
    }
  }
  for (const [id, list] of byFormat) {
    const builders = list.filter((s) => s.origin.startsWith('builder:'));
    const files = list.filter((s) => !s.origin.startsWith('builder:')).sort((a, b) => a.bytes.length - b.bytes.length);
    byFormat.set(id, [...builders, ...files].slice(0, MAX_SEEDS));
  }
  return byFormat;
}
