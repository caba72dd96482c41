import { describe, expect, it } from 'vitest';
import type { ByteSource } from '../../../src/core/byte-source.js';
import type { Severity } from '../../../src/core/severity.js';
import type { RuleReport, Rule } from '../../../src/detectors/types.js';
import type { PickleBuilder } from '../../../src/formats/pickle/builder.js';
import type { PickleStream } from '../../../src/formats/pickle/model.js';
import { parse } from '../../formats/pickle/helpers.js';

type PickleInput = PickleBuilder | Buffer | ByteSource;

/** A finding as the runner would see it: the rule's id and the severity after any grading. */
export interface Reported extends RuleReport {
  ruleId: string;
  severity: Severity;
}

/** Parses `input` with the default limits and runs one rule over the stream. */
export function runRule(rule: Rule<PickleStream>, input: PickleInput): Reported[] {
  const stream = parse(input);
  const out: Reported[] = [];
  rule.check(stream, { report: (r) => out.push({ ...r, ruleId: rule.meta.id, severity: r.severity ?? rule.meta.defaultSeverity }) });
  return out;
}

/** One expected finding; `evidence` and `message` are matched as substrings. */
export interface Expected {
  severity: Severity;
  evidence?: string;
  message?: string;
  code?: string;
  fatal?: boolean;
}

export interface ValidCase {
  name: string;
  pickle: PickleInput;
}

export interface InvalidCase extends ValidCase {
  errors: Expected[];
}

/**
 * ESLint RuleTester style: every `valid` pickle gives no finding from the rule; every `invalid`
 * one gives exactly the listed findings, in order, each with a location.
 */
export function ruleTester(rule: Rule<PickleStream>, cases: { valid: ValidCase[]; invalid: InvalidCase[] }): void {
  describe(rule.meta.id, () => {
    if (cases.valid.length > 0) {
      it.each(cases.valid)('valid: $name', ({ pickle }) => {
        expect(runRule(rule, pickle)).toEqual([]);
      });
    }
    it.each(cases.invalid)('invalid: $name', ({ pickle, errors }) => {
      const found = runRule(rule, pickle);
      expect(found.map((f) => f.severity)).toEqual(errors.map((e) => e.severity));
      errors.forEach((e, i) => {
        const f = found[i];
        expect(f.ruleId).toBe(rule.meta.id);
        expect(f.location?.offset).toBeTypeOf('number');
        if (e.evidence !== undefined) expect(f.evidence).toContain(e.evidence);
        if (e.message !== undefined) expect(f.message).toContain(e.message);
        if (e.code !== undefined) expect(f.code).toBe(e.code);
        if (e.fatal !== undefined) expect(f.fatal ?? false).toBe(e.fatal);
      });
    });
  });
}
