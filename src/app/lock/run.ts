import { existsSync } from 'node:fs';
import { cannotRead, missing, ModelgateError } from '../../core/errors.js';
import type { Finding } from '../../core/finding.js';
import type { ScanSource } from '../../core/report-types.js';
import { isHubArtifact, isHubTarget, openArtifact, parseHubRef, type HubOptions } from '../../sources/index.js';
import { TOOL_VERSION } from '../version.js';
import { collectHub, collectLocal } from './collect.js';
import { compareWithLock } from './compare.js';
import { LOCK_SCHEMA, readLock, type LockEntry, type LockFile } from './model.js';

export interface LockOptions extends HubOptions {
  /** The lock file being written or read; left out of a local target's files. */
  lockPath?: string;
}

/** `modelgate verify`'s answer (README "Locks"). */
export interface VerifyReport {
  schema: 'modelgate/verify@1';
  tool: { name: 'modelgate'; version: string };
  target: string;
  /** The lock file compared with, or null when a Hub repo was checked against the Hub's own hashes. */
  lock: string | null;
  source?: ScanSource;
  /** True when every file matched and nothing is missing or extra. */
  match: boolean;
  checked: number;
  missing: string[];
  extra: string[];
  changed: string[];
  /** What else a person should know (a lock made at another commit, say). */
  notes: string[];
  findings: Finding[];
}

/** The files of a target now: a local folder or file, or a Hub repo at its revision. */
async function current(
  target: string,
  options: LockOptions,
  full: boolean,
): Promise<{ entries: LockEntry[]; findings: Finding[]; source?: ScanSource; endpoint?: string }> {
  if (!isHubTarget(target) && !existsSync(target)) throw cannotRead(target, missing());
  const artifact = await openArtifact([target], { ...options, full });
  try {
    if (!isHubArtifact(artifact)) return { entries: await collectLocal(artifact, options.lockPath ? [options.lockPath] : []), findings: [] };
    const snap = artifact.snapshot;
    const { entries, findings } = await collectHub(artifact.session, snap, full);
    const source: ScanSource = { repo: snap.ref.repo, revision: snap.ref.revision, commit: snap.commit };
    if (snap.repo !== snap.ref.repo) source.redirectedTo = snap.repo;
    return { entries, findings, source, endpoint: artifact.session.config.endpoint };
  } finally {
    await artifact.close();
  }
}

/**
 * The lock of a target: schema, source (with the resolved commit for a Hub repo), and each
 * file's path, size and SHA-256. Throws when a Hub file's bytes do not match the Hub's hashes
 * (a lock must never pin bytes that already fail verification).
 */
export async function lockTarget(target: string, options: LockOptions = {}): Promise<LockFile> {
  const now = await current(target, options, options.full === true);
  if (now.findings.length > 0) {
    throw new ModelgateError('NETWORK', `not locked: ${now.findings.map((f) => f.message).join('; ')}`);
  }
  const source: LockFile['source'] = now.source
    ? { type: 'hf', repo: now.source.redirectedTo ?? now.source.repo, revision: now.source.revision, commit: now.source.commit, endpoint: now.endpoint ?? '' }
    : { type: 'local', path: target };
  return { schema: LOCK_SCHEMA, createdAt: new Date().toISOString(), tool: { name: 'modelgate', version: TOOL_VERSION }, source, files: now.entries };
}

/**
 * Checks a target against a lock file, or a Hub repo against the Hub's own hashes when no lock
 * is given (every file downloaded and hashed). Missing, extra and changed files are findings.
 */
export async function verifyTarget(target: string, lockPath: string | undefined, options: LockOptions = {}): Promise<VerifyReport> {
  const notes: string[] = [];
  const lock = lockPath !== undefined ? readLock(lockPath) : undefined;
  if (!lock && !isHubTarget(target))
    throw new ModelgateError('USAGE', `no lock to verify ${target} against: write one with \`modelgate lock\` or pass --lock FILE`);
  const now = await current(target, { ...options, lockPath }, lock ? options.full === true : true);
  const report: VerifyReport = {
    schema: 'modelgate/verify@1',
    tool: { name: 'modelgate', version: TOOL_VERSION },
    target,
    lock: lockPath ?? null,
    match: true,
    checked: now.entries.length,
    missing: [],
    extra: [],
    changed: [],
    notes,
    findings: [...now.findings],
  };
  if (now.source) report.source = now.source;
  if (lock) {
    if (lock.source.type === 'hf' && now.source) {
      const repo = now.source.redirectedTo ?? now.source.repo;
      if (lock.source.repo.toLowerCase() !== repo.toLowerCase()) notes.push(`the lock is of hf:${lock.source.repo}, the target is hf:${repo}`);
      if (lock.source.endpoint && now.endpoint && lock.source.endpoint !== now.endpoint)
        notes.push(`the lock was made against ${lock.source.endpoint}; this check read ${now.endpoint}`);
      if (lock.source.commit !== now.source.commit)
        notes.push(`the lock was made at commit ${lock.source.commit}; ${now.source.revision} is now ${now.source.commit}`);
    }
    const cmp = compareWithLock(lock.files, now.entries, target);
    Object.assign(report, { missing: cmp.missing, extra: cmp.extra, changed: cmp.changed });
    report.findings.push(...cmp.findings);
  } else {
    notes.push(`no lock: every file was downloaded and checked against the SHA-256 (LFS) and git blob ids hf:${parseHubRef(target).repo} lists`);
  }
  report.match = report.findings.length === 0;
  return report;
}
