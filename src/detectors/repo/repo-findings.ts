import type { Finding } from '../../core/finding.js';
import { HUB_SECURITY_STATUS, REDIRECT, targetFinding, UNPINNED_REVISION } from './index.js';

/** What is known of a repo after resolving it on the Hub (a structural view of a snapshot). */
export interface RepoFacts {
  /** The repo and revision asked for, and whether the revision is a commit. */
  ref: { repo: string; revision: string; pinned: boolean };
  /** The repo the Hub answered for (differs after a rename redirect). */
  repo: string;
  commit: string;
  redirects: ReadonlyArray<{ from: string; to: string; status: number }>;
  /** The Hub's own security status, when it gave one. */
  security?: unknown;
}

/** Look-alike findings for a repo id (`check-name`), reported against `target`. */
export type TyposquatCheck = (repoId: string, target: string) => Finding[];

/** The repo a Hub API URL is about (`/api/models/org/name/...` or `/org/name/resolve/...`). */
function repoOfUrl(url: string): string {
  const parts = new URL(url).pathname.split('/').filter(Boolean);
  if (parts[0] === 'api' && parts[1] === 'models') return `${parts[2]}/${parts[3]}`;
  return `${parts[0]}/${parts[1]}`;
}

interface SecurityStatus {
  scansDone?: boolean;
  filesWithIssues?: Array<{ path?: string; level?: string }>;
}

/** What the Hub's own scanners said, in one line (their words, not a verdict). */
function describeSecurity(status: unknown): string {
  const s = (status ?? {}) as SecurityStatus;
  const issues = Array.isArray(s.filesWithIssues) ? s.filesWithIssues : [];
  if (issues.length === 0) return s.scansDone === false ? 'the Hub has not finished scanning this repo' : 'the Hub reports no file with issues';
  return `the Hub flags ${issues.length} file${issues.length === 1 ? '' : 's'}: ${issues
    .slice(0, 10)
    .map((f) => `${f.path ?? '?'} (${f.level ?? '?'})`)
    .join(', ')}`;
}

/**
 * Findings about a Hub repo as a whole (REPORT.md top-level `findings`): a look-alike name (of
 * the repo asked for, and of the one a redirect led to), a rename redirect, a revision that can
 * move, and the Hub's own scan as one signal.
 */
export function repoFindings(target: string, snap: RepoFacts, typosquat: TyposquatCheck): Finding[] {
  const findings: Finding[] = typosquat(snap.ref.repo, target);
  if (snap.repo !== snap.ref.repo) findings.push(...typosquat(snap.repo, target));
  for (const hop of snap.redirects) {
    const from = repoOfUrl(hop.from);
    const to = repoOfUrl(hop.to);
    if (from === to) continue;
    const orgChanged = from.split('/')[0]!.toLowerCase() !== to.split('/')[0]!.toLowerCase();
    findings.push(
      targetFinding(REDIRECT, target, {
        severity: orgChanged ? 'medium' : 'low',
        message: `the Hub redirects ${from} to ${to} (HTTP ${hop.status}): the repo was renamed or moved${
          orgChanged ? '; the old organisation name can be registered by someone else, and code that uses it would then load their model' : ''
        }. Use ${to} and pin a commit.`,
        evidence: `${hop.from} -> ${hop.to}`,
      }),
    );
  }
  if (!snap.ref.pinned) {
    findings.push(
      targetFinding(UNPINNED_REVISION, target, {
        message: `revision '${snap.ref.revision}' is a branch or tag and can move after review; it resolved to ${snap.commit}: pin that commit (hf:${snap.repo}@${snap.commit})`,
        evidence: `${snap.ref.revision} -> ${snap.commit}`,
      }),
    );
  }
  if (snap.security !== undefined && snap.security !== null) {
    findings.push(
      targetFinding(HUB_SECURITY_STATUS, target, {
        message: `${describeSecurity(snap.security)} (one signal only; modelgate's verdicts come from its own analysis)`,
        evidence: JSON.stringify(snap.security).slice(0, 2000),
      }),
    );
  }
  return findings;
}
