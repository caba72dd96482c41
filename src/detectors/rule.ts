import type { Severity } from '../core/severity.js';

/** How often a rule's findings are right, in GitHub code scanning's words (SARIF `precision`). */
export type RulePrecision = 'very-high' | 'high' | 'medium' | 'low';

/** What a rule is, for reports and docs: the rule id is written here and nowhere else. */
export interface RuleMeta {
  /** `<format>/<name>`, e.g. `pickle/dangerous-callable`. */
  id: string;
  defaultSeverity: Severity;
  title: string;
  /** One paragraph: what the rule finds and why it matters. */
  description: string;
  /** Relative link to the rule's doc, `docs/rules/<id>.md`. */
  docs: string;
  /** MITRE ATLAS ids, CWEs, advisories. */
  references: string[];
  /**
   * Bumped whenever the rule's logic changes what it reports (1 when absent): part of the
   * record a result keeps of what produced it, and so of the cache key.
   */
  version?: number;
  /**
   * How often its findings are right, for SARIF consumers; when absent it follows the default
   * severity (report/sarif-rules.ts).
   */
  precision?: RulePrecision;
}
