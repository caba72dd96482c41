import { existsSync } from 'node:fs';
import type { PolicyDecision, ScanResult } from '../core/report-types.js';
import { verifyTarget } from '../lock/run.js';
import { decide, type LoadedPolicy, type PolicyFacts } from '../policy/index.js';
import type { HubScanOptions } from './scan-hub.js';

/** The lock file `modelgate lock` writes and `verify` reads by default: in the working folder. */
export const DEFAULT_LOCK = 'modelgate.lock';

export interface GateOptions extends HubScanOptions {
  /** The lock to check the target against; `modelgate.lock` in the working folder when it exists. */
  lockPath?: string;
}

/**
 * The policy decision for a scanned target: gathers the facts the policy needs (a lock
 * comparison when it requires one) and asks the policy. The lock is never looked for inside
 * the target, whose files may be the attacker's.
 */
export async function gateDecision(result: ScanResult, target: string, loaded: LoadedPolicy, options: GateOptions = {}): Promise<PolicyDecision> {
  const facts: PolicyFacts = {};
  if (loaded.policy.requireLock) {
    const lockPath = options.lockPath ?? (existsSync(DEFAULT_LOCK) ? DEFAULT_LOCK : undefined);
    if (lockPath === undefined) facts.lock = { checked: false, ok: false, problems: [`no lock file: pass --lock FILE or run modelgate lock`] };
    else {
      const report = await verifyTarget(target, lockPath, options);
      facts.lock = { checked: true, ok: report.match, problems: report.findings.map((f) => f.message) };
    }
  }
  return decide(result, loaded, facts);
}
