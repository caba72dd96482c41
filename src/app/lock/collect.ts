import { resolve } from 'node:path';
import { ModelgateError } from '../../core/errors.js';
import type { Finding } from '../../core/finding.js';
import type { Artifact } from '../../core/artifact.js';
import { openArtifact, type HubSession, type HubSnapshot } from '../../sources/index.js';
import type { LockEntry } from './model.js';

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
  const hash = artifact.hash?.bind(artifact);
  const target = artifact.targets.join(', ');
  try {
    const pending: Array<Promise<LockEntry>> = [];
    for (const entry of artifact.entries) {
      if (SKIPPED.some((re) => re.test(entry.path)) || skipDisk.has(resolve(entry.diskPath ?? entry.path))) continue;
      if (entry.kind === 'symlink') pending.push(Promise.resolve({ path: entry.path, size: 0, symlink: entry.linkTarget ?? '' }));
      else if (entry.kind === 'file' && hash) pending.push(hash(entry).then((sha256) => ({ path: entry.path, size: entry.size, sha256 })));
      else
        throw new ModelgateError(
          entry.kind === 'special' ? 'SPECIAL_FILE' : 'UNREADABLE',
          `${entry.path}: ${entry.error ?? `a ${entry.special ?? 'special file'}`}, which a lock cannot pin`,
        );
    }
    const entries = await Promise.all(pending);
    return entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  } catch (e) {
    if (e instanceof ModelgateError) throw e;
    throw new ModelgateError('UNREADABLE', `cannot read ${target}: ${(e as Error).message}`, { cause: e });
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
