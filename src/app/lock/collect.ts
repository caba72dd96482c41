import { resolve } from 'node:path';
import { fsReason, ModelgateError } from '../../core/errors.js';
import type { Finding } from '../../core/finding.js';
import type { Artifact } from '../../core/artifact.js';
import { openArtifact, type HubSession, type HubSnapshot } from '../../sources/index.js';
import type { LockEntry } from './model.js';

/** Files hashed at once: enough to keep every hashing thread busy, few enough descriptors. */
const LOCK_IN_FLIGHT = 8;

/** Folders that are not part of a model: git's own data and huggingface_hub's download metadata. */
const SKIPPED = [/^\.git(\/|$)/, /^\.cache\/huggingface(\/|$)/];

/**
 * Every file of a local target with its size and SHA-256, hashed in parallel (one thread per
 * core, 4 MiB reads: disk speed), in path order. Symbolic links are entries with their target,
 * never followed. `exclude` (the lock file itself) is left out. A FIFO, device or unreadable
 * file stops the lock: it cannot be pinned.
 */
export async function collectLocal(of: Artifact | string, exclude: string[] = []): Promise<LockEntry[]> {
  if (typeof of === 'string') {
    const artifact = await openArtifact([of]);
    try {
      return await collectLocal(artifact, exclude);
    } finally {
      await artifact.close();
    }
  }
  const artifact = of;
  const skipDisk = new Set(exclude.map((p) => resolve(p)));
  const target = artifact.targets.join(', ');
  // Each file is hashed through the descriptor it was opened with, a few at a time (descriptors are finite).
  const pin = async (entry: (typeof artifact.entries)[number]): Promise<LockEntry> => {
    const opened = await artifact.open(entry);
    try {
      if (!opened.hash) throw new ModelgateError('UNREADABLE', `${entry.path} cannot be hashed`);
      const sha256 = await opened.hash();
      const change = opened.changed?.();
      if (change !== undefined) throw new ModelgateError('CHANGED', `${entry.path} changed while it was hashed (${change})`);
      return { path: entry.path, size: opened.source.size, sha256 };
    } finally {
      opened.close();
    }
  };
  try {
    const files: Array<(typeof artifact.entries)[number]> = [];
    const entries: LockEntry[] = [];
    for (const entry of artifact.entries) {
      if (SKIPPED.some((re) => re.test(entry.path)) || skipDisk.has(resolve(entry.diskPath ?? entry.path))) continue;
      if (entry.kind === 'symlink') entries.push({ path: entry.path, size: 0, symlink: entry.linkTarget ?? '' });
      else if (entry.kind === 'file') files.push(entry);
      else
        throw new ModelgateError(
          entry.kind === 'special' ? 'SPECIAL_FILE' : 'UNREADABLE',
          `${entry.path}: ${entry.error ?? `a ${entry.special ?? 'special file'}`}, which a lock cannot pin`,
        );
    }
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < files.length) entries.push(await pin(files[next++]!));
    };
    await Promise.all(Array.from({ length: LOCK_IN_FLIGHT }, lane));
    return entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  } catch (e) {
    if (e instanceof ModelgateError) throw e;
    throw new ModelgateError('UNREADABLE', `cannot read ${target}: ${fsReason(e)}`, { cause: e });
  }
}

/**
 * Every file of a Hub snapshot with its size and SHA-256. LFS files take the SHA-256 the Hub
 * lists unless `full`, which downloads and hashes them; git files are small and always fetched,
 * hashed and checked against their git blob id. Hash mismatches come back as findings.
 */
export async function collectHub(session: HubSession, snap: HubSnapshot, full: boolean): Promise<{ entries: LockEntry[]; findings: Finding[] }> {
  const entries: LockEntry[] = [];
  const findings: Finding[] = [];
  for (const file of snap.files) {
    if (file.lfs && !full) {
      entries.push({ path: file.path, size: file.size, sha256: file.lfs.sha256 });
      continue;
    }
    const opened = await session.open(snap, file, full);
    try {
      findings.push(...opened.problems);
      entries.push({ path: file.path, size: opened.source.size, sha256: opened.sha256 });
    } finally {
      opened.close();
    }
  }
  return { entries, findings };
}
