import { describe, expect, it } from 'vitest';
import type { Severity } from '../../../src/core/severity.js';
import type { Rule, RuleReport } from '../../../src/detectors/types.js';

/** A finding as the runner would record it: rule id plus the severity after grading. */
export interface Reported extends RuleReport {
  ruleId: string;
  severity: Severity;
}

/** Runs one rule over one model and collects what it reports. */
export function runRule<M>(rule: Rule<M>, model: M): Reported[] {
  const out: Reported[] = [];
  rule.check(model, { report: (r) => out.push({ ...r, ruleId: rule.meta.id, severity: r.severity ?? rule.meta.defaultSeverity }) });
  return out;
}

/** One expected finding; `message` and `evidence` match as substrings. */
export interface Expected {
  severity: Severity;
  message?: string;
  evidence?: string;
  code?: string;
  fatal?: boolean;
}

/**
 * ESLint RuleTester style for any model: every `valid` input gives no finding from the rule,
 * every `invalid` one exactly the listed findings, in order.
 */
export function modelRuleTester<I, M>(
  rule: Rule<M>,
  build: (input: I) => M,
  cases: { valid: Array<{ name: string; input: I }>; invalid: Array<{ name: string; input: I; errors: Expected[] }> },
): void {
  describe(rule.meta.id, () => {
    if (cases.valid.length > 0) {
      it.each(cases.valid)('valid: $name', ({ input }) => {
        expect(runRule(rule, build(input))).toEqual([]);
      });
    }
    it.each(cases.invalid)('invalid: $name', ({ input, errors }) => {
      const found = runRule(rule, build(input));
      expect(found.map((f) => f.severity)).toEqual(errors.map((e) => e.severity));
      errors.forEach((e, i) => {
        const f = found[i];
        if (e.message !== undefined) expect(f.message).toContain(e.message);
        if (e.evidence !== undefined) expect(f.evidence).toContain(e.evidence);
        if (e.code !== undefined) expect(f.code).toBe(e.code);
        if (e.fatal !== undefined) expect(f.fatal ?? false).toBe(e.fatal);
      });
    });
  });
}
