import type { ScanResult } from '../../../core/report-types.js';
import { globMatch } from '../glob.js';
import type { Policy } from '../schema.js';
import type { Reasons } from './reasons.js';

/** A full commit sha: 40 hex digits (git's SHA-1 object names, which the Hub uses). */
const COMMIT_SHA = /^[0-9a-f]{40}$/i;

/** `org` patterns match the organisation, `org/name` patterns the whole repo id. */
function matches(pattern: string, repo: string, ignoreCase: boolean): boolean {
  const subject = pattern.includes('/') ? repo : repo.split('/')[0]!;
  return globMatch(pattern, subject, { ignoreCase });
}

/**
 * `organizations.allow` / `organizations.deny`, for a Hugging Face target. Both the name asked
 * for and the name the Hub redirected to are judged: either one denied denies, and both must
 * be allowed. Deny patterns ignore case (the Hub resolves names without regard to case, so
 * `EvilOrg` must not slip past `evilorg`); allow patterns need the same case, so that a
 * case-only look-alike is not allowed by accident.
 */
function checkOrganizations(result: ScanResult, policy: Policy, out: Reasons): void {
  const orgs = policy.organizations;
  if (!orgs || (!orgs.allow && !orgs.deny)) return;
  const source = result.source;
  if (!source) {
    out.notes.push({ rule: 'organizations', message: 'not applied: the target is not a Hugging Face repo' });
    return;
  }
  const names = source.redirectedTo && source.redirectedTo !== source.repo ? [source.repo, source.redirectedTo] : [source.repo];
  for (const repo of names) {
    const how = repo === source.redirectedTo ? ` (the Hub redirected ${source.repo} to it)` : '';
    const denied = orgs.deny?.find((p) => matches(p, repo, true));
    if (denied !== undefined) {
      out.deny.push({ rule: 'organizations.deny', message: `${repo}${how} matches "${denied}", which the policy denies` });
    }
    if (orgs.allow && !orgs.allow.some((p) => matches(p, repo, false))) {
      const allowed = orgs.allow.length === 0 ? 'the policy allows none' : `the policy allows only ${orgs.allow.join(', ')}`;
      out.deny.push({ rule: 'organizations.allow', message: `${repo}${how} matches no allowed organisation or repo; ${allowed}` });
    }
  }
}

/**
 * `requirePinnedRevision`: a Hub target must be asked for at a full commit sha, and read at
 * that same commit. A local target has no revision to pin: the rule does not apply to it
 * (`requireLock` is how to pin the bytes of a folder).
 */
function checkPinnedRevision(result: ScanResult, policy: Policy, out: Reasons): void {
  if (!policy.requirePinnedRevision) return;
  const source = result.source;
  if (!source) {
    out.notes.push({ rule: 'requirePinnedRevision', message: 'not applied: the target is not a Hugging Face repo' });
    return;
  }
  if (!COMMIT_SHA.test(source.revision)) {
    out.deny.push({
      rule: 'requirePinnedRevision',
      message: `${source.repo} was read at revision "${source.revision}", a branch or tag that can move; the policy requires a full 40-hex commit sha (${source.repo}@${source.commit || '<sha>'})`,
    });
  } else if (source.revision.toLowerCase() !== source.commit.toLowerCase()) {
    out.deny.push({
      rule: 'requirePinnedRevision',
      message: `${source.repo} was asked for at ${source.revision} but read at commit ${source.commit || '(none)'}; the policy requires the pinned commit itself`,
    });
  }
}

/** The checks about where a target came from: organisations and a pinned revision. */
export function checkSource(result: ScanResult, policy: Policy, out: Reasons): void {
  checkOrganizations(result, policy, out);
  checkPinnedRevision(result, policy, out);
}
