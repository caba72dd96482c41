import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { PathGlob } from '../../core/glob.js';
import type { Artifact, ArtifactEntry, OpenedEntry } from '../../core/artifact.js';
import { cannotRead, ModelgateError } from '../../core/errors.js';
import { FileSource } from './file-source.js';
import { HashPool } from './hash-pool.js';
import { siblingsOf } from './siblings.js';
import { walkTarget } from './walk.js';

export interface LocalArtifactOptions {
  /** Whole-file SHA-256 of every regular file (default true), in a pool of hashing threads. */
  hash?: boolean;
  /**
   * Globs (core/glob.ts) matched against the report path of every walked entry: a match is left
   * out of the artifact, so the scan neither reads nor lists it. A target that is a file, named
   * on the command line, is never left out.
   */
  exclude?: readonly string[];
}

/**
 * Files and folders on disk, walked depth first in name order without following links, except
 * a link named as a target (the user asked for it) and the links of Hugging Face cache snapshots
 * into their own entry's blobs (hf-cache.ts), which are scanned as the repo files they are. A
 * blob that such a link serves is reported under the link's repo path, not again under
 * `blobs/`. Throws a ModelgateError UNREADABLE when a target does not exist.
 */
export function openLocalArtifact(targets: string[], options: LocalArtifactOptions = {}): Artifact {
  const walked: ArtifactEntry[] = [];
  targets.forEach((target, i) => {
    try {
      for (const entry of walkTarget(target, i, { hfCache: true, followTarget: true })) walked.push(entry);
    } catch (e) {
      throw cannotRead(target, e);
    }
  });
  const served = new Set(walked.filter((e) => e.hfCache?.blob !== undefined).map((e) => resolve(e.diskPath ?? e.path)));
  let entries = walked.filter((e) => e.kind !== 'file' || e.hfCache !== undefined || !served.has(resolve(e.diskPath ?? e.path)));
  const excluded: string[] = [];
  if (options.exclude !== undefined && options.exclude.length > 0) {
    const globs = options.exclude.map((g) => new PathGlob(g));
    const folders = targets.map((t) => statSync(t).isDirectory());
    entries = entries.filter((e) => {
      const out = folders[e.targetIndex] === true && globs.some((g) => g.matches(e.path));
      if (out) excluded.push(e.path);
      return !out;
    });
  }
  let pool: HashPool | undefined;
  return {
    kind: 'local',
    targets,
    entries,
    excluded,
    openFailure: 'cannot read',
    async open(entry): Promise<OpenedEntry> {
      const diskPath = entry.diskPath ?? entry.path;
      let source: FileSource;
      try {
        // Not following links: the walk saw a regular file here, and a link put in its place is not read.
        source = new FileSource(diskPath, { noFollow: true });
      } catch (e) {
        if (e instanceof ModelgateError) throw e;
        throw new ModelgateError('UNREADABLE', (e as Error).message, { cause: e });
      }
      const fd = source.descriptor;
      // A file reached through a link has the link's neighbours, as a loader opening the link would.
      const beside = entry.linkPath ?? diskPath;
      return {
        source,
        problems: [],
        siblings: siblingsOf(beside),
        // Workers read through the same descriptor: one open file, one truth.
        spec: { source: { kind: 'file', path: diskPath, fd }, siblings: { kind: 'dir', of: beside } },
        hash: options.hash === false ? undefined : () => (pool ??= new HashPool()).hashDescriptor(fd, diskPath, source.size),
        changed: () => source.changed(),
        close: () => source.close(),
      };
    },
    async close() {
      await pool?.close();
    },
  };
}
