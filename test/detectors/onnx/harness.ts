import { describe, expect, it } from 'vitest';
import { BufferSource } from '../../../src/core/byte-source.js';
import type { Severity } from '../../../src/core/severity.js';
import type { Rule, RuleReport } from '../../../src/detectors/types.js';
import type { OnnxModel } from '../../../src/formats/onnx/model.js';
import { parseOnnx } from '../../../src/formats/onnx/parse.js';

export interface Reported extends RuleReport {
  severity: Severity;
}

/** Parses ModelProto bytes (which must parse) and runs one rule. */
export function runRule(rule: Rule<OnnxModel>, bytes: Buffer): Reported[] {
  const { model, error } = parseOnnx(new BufferSource(bytes));
  if (error) throw error;
  const out: Reported[] = [];
  rule.check(model, { report: (r) => out.push({ ...r, severity: r.severity ?? rule.meta.defaultSeverity }) });
  return out;
}

/** One expected finding; `evidence` and `message` are matched as substrings. */
export interface Expected {
  severity: Severity;
  evidence?: string;
  message?: string;
}

/**
 * ESLint RuleTester style: every `valid` model gives no finding from the rule; every `invalid`
 * one gives exactly the listed findings, in order, each with a location.
 */
export function ruleTester(
  rule: Rule<OnnxModel>,
  cases: { valid: Array<{ name: string; model: Buffer }>; invalid: Array<{ name: string; model: Buffer; errors: Expected[] }> },
): void {
  describe(rule.meta.id, () => {
    if (cases.valid.length > 0) {
      it.each(cases.valid)('valid: $name', ({ model }) => {
        expect(runRule(rule, model)).toEqual([]);
      });
    }
    it.each(cases.invalid)('invalid: $name', ({ model, errors }) => {
      const found = runRule(rule, model);
      expect(found.map((f) => f.severity)).toEqual(errors.map((e) => e.severity));
      errors.forEach((e, i) => {
        expect(found[i].location?.offset).toBeTypeOf('number');
        if (e.evidence !== undefined) expect(found[i].evidence).toContain(e.evidence);
        if (e.message !== undefined) expect(found[i].message).toContain(e.message);
      });
    });
  });
}
