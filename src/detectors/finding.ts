import type { Finding } from '../core/finding.js';
import type { RuleMeta } from './rule.js';
import type { RuleReport } from './types.js';

/**
 * The finding a rule's report makes at `target`: the rule id and references come from the
 * rule's meta (never typed twice), the severity from meta unless the report grades it, and
 * optional fields only when given. ScanContext.report records exactly this during a scan;
 * commands that report a rule outside a scan (screen, strip) make their findings here.
 */
export function ruleFinding(meta: RuleMeta, target: string, r: RuleReport): Finding {
  const finding: Finding = {
    ruleId: meta.id,
    severity: r.severity ?? meta.defaultSeverity,
    message: r.message,
    target,
  };
  if (r.location) finding.location = r.location;
  if (r.evidence !== undefined) finding.evidence = r.evidence;
  if (meta.references.length > 0) finding.references = meta.references;
  if (r.fatal) finding.fatal = true;
  if (r.code !== undefined) finding.code = r.code;
  return finding;
}
