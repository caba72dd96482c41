import { describe, expect, it } from 'vitest';
import type { Severity } from '../../../src/core/severity.js';
import type { Rule, RuleReport } from '../../../src/detectors/types.js';
import type { JsonValue } from '../../../src/formats/keras/json.js';
import type { KerasModel } from '../../../src/formats/keras/model.js';
import { emptyKerasModel, walkKerasConfig } from '../../../src/formats/keras/parse.js';

/** A finding as the runner would see it: the rule's id and the severity after any grading. */
export interface Reported extends RuleReport {
  ruleId: string;
  severity: Severity;
}

/** Walks a config document (as `config.json` would hold it) and runs one rule over it. */
export function runKerasRule(rule: Rule<KerasModel>, config: JsonValue): Reported[] {
  const model = emptyKerasModel('keras-v3');
  walkKerasConfig(config, '$', model);
  const out: Reported[] = [];
  rule.check(model, { report: (r) => out.push({ ...r, ruleId: rule.meta.id, severity: r.severity ?? rule.meta.defaultSeverity }) });
  return out;
}

/** One expected finding; `evidence` and `message` are matched as substrings. */
export interface Expected {
  severity: Severity;
  evidence?: string;
  message?: string;
}

export interface ValidCase {
  name: string;
  config: JsonValue;
}

export interface InvalidCase extends ValidCase {
  errors: Expected[];
}

/**
 * ESLint RuleTester style: every `valid` config gives no finding from the rule; every
 * `invalid` one gives exactly the listed findings, in order.
 */
export function kerasRuleTester(rule: Rule<KerasModel>, cases: { valid: ValidCase[]; invalid: InvalidCase[] }): void {
  describe(rule.meta.id, () => {
    it.each(cases.valid)('valid: $name', ({ config }) => {
      expect(runKerasRule(rule, config)).toEqual([]);
    });
    it.each(cases.invalid)('invalid: $name', ({ config, errors }) => {
      const found = runKerasRule(rule, config);
      expect(found.map((f) => f.severity)).toEqual(errors.map((e) => e.severity));
      errors.forEach((e, i) => {
        expect(found[i].ruleId).toBe(rule.meta.id);
        if (e.evidence !== undefined) expect(found[i].evidence).toContain(e.evidence);
        if (e.message !== undefined) expect(found[i].message).toContain(e.message);
      });
    });
  });
}
