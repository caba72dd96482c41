import type { PolicyFacts, SignatureFacts } from '../facts.js';
import type { Policy, PolicySigner } from '../schema.js';
import { quote, type Reasons } from './reasons.js';

/** Problems of a lock check quoted in the reason; the rest are counted. */
const MAX_LOCK_PROBLEMS = 10;

/** `requireLock`: a lock must have been checked, and every file must match it. */
function checkLock(policy: Policy, facts: PolicyFacts, out: Reasons): void {
  if (!policy.requireLock) return;
  const lock = facts.lock;
  if (!lock?.checked) {
    const why = lock && lock.problems.length > 0 ? `: ${lock.problems.slice(0, MAX_LOCK_PROBLEMS).map(quote).join('; ')}` : '';
    out.deny.push({ rule: 'requireLock', message: `the policy requires a lock match, but no lock was checked against the target${why}` });
    return;
  }
  if (lock.ok) return;
  const shown = lock.problems.slice(0, MAX_LOCK_PROBLEMS).map(quote);
  const more = lock.problems.length > MAX_LOCK_PROBLEMS ? `; and ${lock.problems.length - MAX_LOCK_PROBLEMS} more` : '';
  const what = shown.length > 0 ? `: ${shown.join('; ')}${more}` : '';
  out.deny.push({ rule: 'requireLock', message: `the target does not match its lock${what}` });
}

function signerMatches(signer: PolicySigner, sig: SignatureFacts): boolean {
  if (signer.key !== undefined) return sig.keyFingerprint !== undefined && sig.keyFingerprint.toLowerCase() === signer.key.toLowerCase();
  return sig.identity === signer.identity && sig.issuer === signer.issuer;
}

function describeSigner(sig: SignatureFacts): string {
  if (sig.keyFingerprint) return `key ${sig.keyFingerprint}`;
  if (sig.identity) return `${sig.identity} (issuer ${sig.issuer ?? 'unknown'})`;
  return 'an unnamed signer';
}

/**
 * `signature`: a signature must have been checked and have verified, and, when the policy
 * lists signers, come from one of them (identity and issuer both equal, or the key
 * fingerprint equal ignoring case). With no signature facts at all (signing is not built
 * yet, or no signature was found), a policy that requires one denies.
 */
function checkSignature(policy: Policy, facts: PolicyFacts, out: Reasons): void {
  if (!policy.signature?.required) return;
  const sig = facts.signature;
  if (!sig?.checked) {
    const why = sig?.error ? ` (${quote(sig.error)})` : '';
    out.deny.push({ rule: 'signature', message: `the policy requires a signature, but no signature was checked${why}` });
    return;
  }
  if (!sig.verified) {
    out.deny.push({ rule: 'signature', message: `the signature did not verify${sig.error ? `: ${quote(sig.error)}` : ''}` });
    return;
  }
  const signers = policy.signature.signers;
  if (signers && !signers.some((s) => signerMatches(s, sig))) {
    const wanted = signers.map((s) => (s.key ? `key ${s.key}` : `${s.identity} (issuer ${s.issuer})`)).join(', ');
    out.deny.push({ rule: 'signature.signers', message: `the signature verified but was made by ${describeSigner(sig)}; the policy accepts only ${wanted}` });
  }
}

/** The checks on facts the caller established: a lock match and a signature. */
export function checkAttestations(policy: Policy, facts: PolicyFacts, out: Reasons): void {
  checkLock(policy, facts, out);
  checkSignature(policy, facts, out);
}
