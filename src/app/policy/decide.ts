import type { PolicyDecision, PolicyReason, ScanResult } from '../../core/report-types.js';
import type { PolicyFacts } from './facts.js';
import type { LoadedPolicy } from './load.js';
import { checkAttestations } from './rules/attestations.js';
import { checkFindings } from './rules/findings.js';
import { checkFormats } from './rules/formats.js';
import type { Reasons } from './rules/reasons.js';
import { checkSource } from './rules/source.js';
import type { Policy } from './schema.js';

/**
 * Reasons listed per policy key. A repo of ten thousand bad files is denied just the same;
 * past this the decision says how many more there are, and the report has every finding.
 */
export const MAX_REASONS_PER_RULE = 100;

function capped(reasons: PolicyReason[]): PolicyReason[] {
  const count = new Map<string, number>();
  const out: PolicyReason[] = [];
  for (const reason of reasons) {
    const n = (count.get(reason.rule) ?? 0) + 1;
    count.set(reason.rule, n);
    if (n <= MAX_REASONS_PER_RULE) out.push(reason);
  }
  for (const [rule, n] of count) {
    if (n > MAX_REASONS_PER_RULE) out.push({ rule, message: `${n - MAX_REASONS_PER_RULE} more reasons under ${rule} are not listed` });
  }
  return out;
}

/**
 * Judges a scan result against a policy: allow or deny, and why. Pure: it reads nothing but
 * its arguments. `facts` are what other checks established (a lock match, a signature); a
 * rule that needs a fact that is absent denies. `today` decides which overrides have expired.
 *
 * When denied, `reasons` are every denying reason, each naming the policy key that denied;
 * when allowed, they are notes (overrides that were applied, rules that did not apply).
 * `policy` may be a LoadedPolicy, whose path then goes into the decision.
 */
export function decide(result: ScanResult, policy: Policy | LoadedPolicy, facts: PolicyFacts = {}, today: Date = new Date()): PolicyDecision {
  const loaded = 'path' in policy && 'policy' in policy ? policy : undefined;
  const rules: Policy = loaded ? loaded.policy : (policy as Policy);
  const out: Reasons = { deny: [], notes: [] };
  checkFindings(result, rules, today, out);
  checkFormats(result, rules, out);
  checkSource(result, rules, out);
  checkAttestations(rules, facts, out);
  const allow = out.deny.length === 0;
  const decision: PolicyDecision = { allow, reasons: capped(allow ? out.notes : out.deny) };
  if (loaded) decision.policy = loaded.path;
  return decision;
}
