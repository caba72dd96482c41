import type { Severity } from '../core/severity.js';

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
}
