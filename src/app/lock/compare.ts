import type { Finding } from '../../core/finding.js';
import { LOCK_CHANGED, LOCK_EXTRA, LOCK_MISSING, targetFinding } from '../../detectors/repo/index.js';
import type { LockEntry } from './model.js';

/** What a comparison found, file by file. */
export interface LockComparison {
  checked: number;
  missing: string[];
  extra: string[];
  changed: string[];
  findings: Finding[];
}

function describe(e: LockEntry): string {
  return e.symlink !== undefined ? `a link to ${e.symlink}` : `${e.size} bytes, sha256 ${e.sha256}`;
}

/**
 * Compares what a target holds now with its lock: every locked file must be there with the same
 * size and SHA-256 (or link target), and nothing else may be. Each difference is a top-level
 * finding (`lock/missing-file`, `lock/extra-file`, `lock/changed-file`) whose target is
 * `target` and whose message names the file.
 */
export function compareWithLock(locked: readonly LockEntry[], actual: readonly LockEntry[], target: string): LockComparison {
  const now = new Map(actual.map((e) => [e.path, e]));
  const before = new Map(locked.map((e) => [e.path, e]));
  const out: LockComparison = { checked: actual.length, missing: [], extra: [], changed: [], findings: [] };
  for (const [path, want] of before) {
    const got = now.get(path);
    if (!got) {
      out.missing.push(path);
      out.findings.push(targetFinding(LOCK_MISSING, target, { message: `${path} is in the lock but not in the target`, evidence: describe(want) }));
      continue;
    }
    const same = want.symlink !== undefined || got.symlink !== undefined ? want.symlink === got.symlink : want.size === got.size && want.sha256 === got.sha256;
    if (!same) {
      out.changed.push(path);
      out.findings.push(
        targetFinding(LOCK_CHANGED, target, {
          message: `${path} changed: the lock has ${describe(want)}, the target has ${describe(got)}`,
          evidence: `locked ${describe(want)}; now ${describe(got)}`,
        }),
      );
    }
  }
  for (const [path, got] of now) {
    if (before.has(path)) continue;
    out.extra.push(path);
    out.findings.push(targetFinding(LOCK_EXTRA, target, { message: `${path} is in the target but not in the lock`, evidence: describe(got) }));
  }
  return out;
}
