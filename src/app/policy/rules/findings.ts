import type { Finding } from '../../../core/finding.js';
import type { ScanResult } from '../../../core/report-types.js';
import { severityRank } from '../../../core/severity.js';
import { expiredNote, matchOverride } from '../overrides.js';
import type { Policy } from '../schema.js';
import { quote, type Reasons } from './reasons.js';

/** The rule id the engine reports for `auto_map`/`custom_pipelines` code (src/detectors/hfconfig). */
export const REMOTE_CODE_RULE = 'hfconfig/remote-code';

/** Every finding with the path it is judged under: its file's path, or its own target. */
function* everyFinding(result: ScanResult): Iterable<{ finding: Finding; path: string }> {
  for (const finding of result.findings) yield { finding, path: finding.target };
  for (const file of result.files) for (const finding of file.findings) yield { finding, path: file.path };
}

/**
 * The checks made finding by finding: `maxSeverity` (a finding above it), `remoteCode` (an
 * `hfconfig/remote-code` finding, which the engine reports for every module an `auto_map` or
 * `custom_pipelines` entry makes a loader import, and for `custom_generate/generate.py`), and
 * the built-in `errors` rule (a fatal finding: the file was not fully read, so it is never
 * allowed). An override in force excuses a finding from all three; an expired one is named in
 * the denying reason.
 */
export function checkFindings(result: ScanResult, policy: Policy, today: Date, out: Reasons): void {
  const max = severityRank(policy.maxSeverity);
  for (const { finding, path } of everyFinding(result)) {
    const denied: { rule: string; message: string }[] = [];
    const what = `${path}: ${finding.ruleId} (${finding.severity})`;
    // A severity that is none of the five (a report edited by hand) counts as the worst.
    const rank = severityRank(finding.severity);
    if ((rank < 0 ? Number.POSITIVE_INFINITY : rank) > max) {
      denied.push({ rule: 'maxSeverity', message: `${what} is above the policy's maxSeverity ${policy.maxSeverity}: ${quote(finding.message)}` });
    }
    if (finding.ruleId === REMOTE_CODE_RULE && policy.remoteCode === 'deny') {
      denied.push({
        rule: 'remoteCode',
        message: `${path} makes loaders run the repo's own code (trust_remote_code): ${quote(finding.message)}; the policy denies remote code`,
      });
    }
    if (finding.fatal) {
      denied.push({
        rule: 'errors',
        message: `${path} was not fully read (${finding.code ?? 'fatal'}: ${quote(finding.message)}); a file that was not fully read is denied under every policy unless an override names the finding`,
      });
    }
    if (denied.length === 0) continue;
    const match = matchOverride(policy.overrides, finding, path, today);
    if (match.active) {
      const { override, index } = match.active;
      out.notes.push({
        rule: 'overrides',
        path,
        ruleId: finding.ruleId,
        message: `${what} accepted by overrides[${index}] until ${override.expires}: ${override.reason}`,
      });
      continue;
    }
    const expired = expiredNote(match);
    for (const d of denied) out.deny.push({ rule: d.rule, path, ruleId: finding.ruleId, message: d.message + expired });
  }
  // A verdict of error always comes with a fatal finding; fail closed if one ever does not.
  for (const file of result.files) {
    if (file.verdict === 'error' && !file.findings.some((f) => f.fatal)) {
      out.deny.push({ rule: 'errors', path: file.path, message: `${file.path} has the verdict error (not fully read) and is denied under every policy` });
    }
  }
}
