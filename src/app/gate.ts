import { existsSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, sep } from 'node:path';
import type { PolicyDecision, ScanResult } from '../core/report-types.js';
import { verifyTarget } from './lock/run.js';
import { decide, type LoadedPolicy, type LockFacts, type PolicyFacts, type SignatureFacts } from './policy/index.js';
import { signatureFacts, type SignerRequirement } from './signing/facts.js';
import { DEFAULT_SIGNATURE } from './signing/model.js';
import { checkoutSnapshot, isHubArtifact, isHubTarget, openArtifact, type HubArtifact, type HubOptions } from '../sources/index.js';

/** The lock file `modelgate lock` writes and `verify` reads by default: in the working folder. */
export const DEFAULT_LOCK = 'modelgate.lock';

/** The targets a gate judges: never none. */
type Targets = readonly [string, ...string[]];

export interface GateOptions extends HubOptions {
  /** The lock to check the target against; `modelgate.lock` in the working folder when it exists. */
  lockPath?: string;
  /** The signature; default `model.sig` at the target's root. */
  signaturePath?: string;
  /** PEM public keys, root certificates and a Sigstore trusted root to verify the signature with. */
  publicKeys?: string[];
  certificateChain?: string[];
  trustedRoot?: string;
}

function real(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

/** True when `path` is a local target or lies inside one (links resolved): one of its own files. */
export function isInsideTarget(path: string, target: string): boolean {
  if (isHubTarget(target)) return false;
  const root = real(target);
  const file = real(path);
  return file === root || file.startsWith(root.endsWith(sep) ? root : root + sep);
}

/**
 * The default lock, `./modelgate.lock`, for a target: undefined when there is none, and refused
 * (`inside`) when the working folder is the target or inside it, because the lock would then be
 * one of the target's own files, which a malicious repo ships to match itself. A lock named
 * with --lock is the user's choice and is always used.
 */
export function defaultLock(targets: readonly string[]): { path?: string; inside?: string } {
  if (!existsSync(DEFAULT_LOCK)) return {};
  const inside = targets.find((t) => isInsideTarget(DEFAULT_LOCK, t));
  return inside === undefined ? { path: DEFAULT_LOCK } : { inside };
}

async function lockFacts(targets: Targets, options: GateOptions): Promise<LockFacts> {
  let lockPath = options.lockPath;
  if (lockPath === undefined) {
    const found = defaultLock(targets);
    if (found.inside !== undefined) {
      return { checked: false, ok: false, problems: [`./${DEFAULT_LOCK} is inside ${found.inside}, whose own files may have put it there: pass --lock FILE`] };
    }
    lockPath = found.path;
  }
  if (lockPath === undefined) return { checked: false, ok: false, problems: [`no lock file: pass --lock FILE or run modelgate lock`] };
  // A lock pins the files of one target; any other target scanned alongside is pinned by nothing.
  if (targets.length > 1) {
    return {
      checked: true,
      ok: false,
      problems: [`${lockPath} pins one target, but ${targets.length} were scanned (${targets.join(', ')}): scan each with its own lock`],
    };
  }
  const report = await verifyTarget(targets[0], lockPath, options);
  return { checked: true, ok: report.match, problems: report.findings.map((f) => f.message) };
}

/**
 * A Hub repo's signature: `model.sig` at the repo root (or --signature) verified over a
 * checkout of every file at the scanned commit, downloaded and checked against the Hub's
 * hashes first. Nothing is downloaded when the repo has no signature to check.
 */
export async function hubSignatureFacts(target: string | HubArtifact, signers: SignerRequirement[], options: GateOptions): Promise<SignatureFacts> {
  const artifact = typeof target === 'string' ? await openArtifact([target], options) : target;
  if (!isHubArtifact(artifact)) {
    await artifact.close();
    throw new TypeError(`${String(target)} is not a Hugging Face repo`);
  }
  const { session, snapshot: snap } = artifact;
  try {
    if (options.signaturePath === undefined && !snap.files.some((f) => f.path === DEFAULT_SIGNATURE)) {
      return { checked: false, verified: false, error: `hf:${snap.repo}@${snap.commit} has no ${DEFAULT_SIGNATURE}` };
    }
    const dir = mkdtempSync(join(tmpdir(), 'modelgate-checkout-'));
    try {
      const problems = await checkoutSnapshot(session, snap, dir);
      if (problems.length > 0) return { checked: true, verified: false, error: problems.map((p) => p.message).join('; ') };
      return await signatureFacts(dir, {
        signaturePath: options.signaturePath ?? join(dir, DEFAULT_SIGNATURE),
        signers,
        publicKeys: options.publicKeys,
        certificateChain: options.certificateChain,
        trustedRoot: options.trustedRoot,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  } finally {
    // An artifact the caller opened is the caller's to close.
    if (typeof target === 'string') await artifact.close();
  }
}

/** Whether the target's signature verifies, and who made it (for the policy's `signature`). */
async function signatureFactsFor(targets: Targets, signers: SignerRequirement[], options: GateOptions): Promise<SignatureFacts> {
  if (targets.length > 1) return { checked: false, verified: false, error: `a signature covers one target, but ${targets.length} were scanned` };
  if (isHubTarget(targets[0])) return hubSignatureFacts(targets[0], signers, options);
  return signatureFacts(targets[0], {
    signaturePath: options.signaturePath,
    signers,
    publicKeys: options.publicKeys,
    certificateChain: options.certificateChain,
    trustedRoot: options.trustedRoot,
  });
}

/**
 * The policy decision for a scanned target: gathers the facts the policy needs (a lock
 * comparison when it requires one, a signature check when it requires one) and asks the policy. The lock is never looked for inside
 * the target, whose files may be the attacker's. Every target of `result` is judged, not only
 * `target`.
 */
export async function gateDecision(result: ScanResult, target: string, loaded: LoadedPolicy, options: GateOptions = {}): Promise<PolicyDecision> {
  const facts: PolicyFacts = {};
  // The result's targets, or `target` when it has none.
  const [first = target, ...others] = result.targets;
  const targets: Targets = [first, ...others];
  if (loaded.policy.requireLock) facts.lock = await lockFacts(targets, options);
  const signature = loaded.policy.signature;
  if (signature && signature.required !== false) facts.signature = await signatureFactsFor(targets, signature.signers ?? [], options);
  return decide(result, loaded, facts);
}
