import type { Finding } from '../../core/finding.js';
import { TYPOSQUAT, targetFinding } from '../../detectors/repo/index.js';
import { checkName, type CheckNameOptions, type NameMatch } from './check.js';

/** One top-level `repo/typosquat` finding (REPORT.md `findings`) for a match. */
export function matchFinding(match: NameMatch, target: string): Finding {
  return targetFinding(TYPOSQUAT, target, {
    message: match.reason,
    severity: match.severity,
    evidence: `${match.input} ~ ${match.similarTo} (${match.kind}, score ${match.score.toFixed(2)})`,
  });
}

/**
 * `repo/typosquat` findings for a repo id, for `hf:` scans: one per look-alike, its severity
 * from the score (high for a confusable or separator variant of a known organisation, medium
 * for a one-letter edit, an added `-ai`/`-official` or a case variant, low for a known repo's
 * name copied under another organisation). `target` is the target as given.
 */
export function typosquatFindings(repoId: string, target: string, options: CheckNameOptions = {}): Finding[] {
  return checkName(repoId, options).map((match) => matchFinding(match, target));
}
