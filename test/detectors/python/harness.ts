import { beforeAll, describe, expect, it } from 'vitest';
import type { Severity } from '../../../src/core/severity.js';
import type { Rule, RuleReport } from '../../../src/detectors/types.js';
import { initPython } from '../../../src/formats/python/runtime.js';
import type { PythonModule } from '../../../src/formats/python/model.js';
import { model } from '../../formats/python/helpers.js';

/** A finding as the runner would see it: the severity after any grading. */
export interface Reported extends RuleReport {
  severity: Severity;
}

/** Parses `code` and runs one rule over it. */
export function runRule(rule: Rule<PythonModule>, code: string): Reported[] {
  const out: Reported[] = [];
  rule.check(model(code), { report: (r) => out.push({ ...r, severity: r.severity ?? rule.meta.defaultSeverity }) });
  return out;
}

/** One expected finding; `message` and `evidence` match as substrings. */
export interface Expected {
  severity: Severity;
  message?: string;
  evidence?: string;
  /** Where the finding points: the first occurrence of this text in the source. */
  at?: string;
}

export interface ValidCase {
  name: string;
  code: string;
}

export interface InvalidCase extends ValidCase {
  errors: Expected[];
}

/**
 * ESLint RuleTester style: every `valid` source gives no finding from the rule; every
 * `invalid` one gives exactly the listed findings, in order, each with a byte offset.
 */
export function ruleTester(rule: Rule<PythonModule>, cases: { valid: ValidCase[]; invalid: InvalidCase[] }): void {
  describe(rule.meta.id, () => {
    beforeAll(initPython);
    if (cases.valid.length > 0) {
      it.each(cases.valid)('valid: $name', ({ code }) => {
        expect(runRule(rule, code)).toEqual([]);
      });
    }
    it.each(cases.invalid)('invalid: $name', ({ code, errors }) => {
      const found = runRule(rule, code);
      expect(found.map((f) => f.severity), JSON.stringify(found.map((f) => f.message))).toEqual(errors.map((e) => e.severity));
      errors.forEach((e, i) => {
        const f = found[i];
        expect(f.location?.offset).toBeTypeOf('number');
        expect(f.message).toMatch(/line \d+, column \d+/);
        if (e.message !== undefined) expect(f.message).toContain(e.message);
        if (e.evidence !== undefined) expect(f.evidence).toContain(e.evidence);
        if (e.at !== undefined) expect(f.location?.offset).toBe(Buffer.from(code, 'utf8').indexOf(e.at));
      });
    });
  });
}
