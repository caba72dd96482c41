import type { FindingLocation } from '../core/finding.js';
import type { Severity } from '../core/severity.js';
import type { RuleMeta } from './rule.js';

/** What a rule hands to `ctx.report`; the runner adds rule id, target and references. */
export interface RuleReport {
  /** Grade up or down from the rule's default; say why in the message. */
  severity?: Severity;
  message: string;
  location?: FindingLocation;
  evidence?: string;
  fatal?: boolean;
  code?: string;
}

export interface RuleContext {
  report(finding: RuleReport): void;
}

/** A detector: metadata plus a pure check of a format's parsed model. */
export interface Rule<M> {
  meta: RuleMeta;
  check(model: M, ctx: RuleContext): void;
}
