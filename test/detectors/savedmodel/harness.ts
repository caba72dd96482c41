import { describe, expect, it } from 'vitest';
import { BufferSource } from '../../../src/core/byte-source.js';
import type { Severity } from '../../../src/core/severity.js';
import type { Rule, RuleReport } from '../../../src/detectors/types.js';
import type { SavedModel } from '../../../src/formats/savedmodel/model.js';
import { parseSavedModel } from '../../../src/formats/savedmodel/parse.js';
import { parseFingerprint, parseKerasMetadata } from '../../../src/formats/savedmodel/sidecar.js';

export interface Reported extends RuleReport {
  severity: Severity;
}

/** SavedModel bytes, with the sidecar files that may sit beside them. */
export interface Input {
  model: Buffer;
  keras?: Buffer;
  fingerprint?: Buffer;
}

/** Parses a SavedModel (which must parse) and its sidecars, and runs one rule. */
export function runRule(rule: Rule<SavedModel>, input: Input): Reported[] {
  const { model, error } = parseSavedModel(new BufferSource(input.model));
  if (error) throw error;
  if (input.keras) model.keras = parseKerasMetadata(input.keras);
  if (input.fingerprint) model.fingerprint = parseFingerprint(input.fingerprint);
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
 * ESLint RuleTester style: every `valid` input gives no finding from the rule; every `invalid`
 * one gives exactly the listed findings, in order, each with a location.
 */
export function ruleTester(
  rule: Rule<SavedModel>,
  cases: { valid: Array<{ name: string } & Input>; invalid: Array<{ name: string; errors: Expected[] } & Input> },
): void {
  describe(rule.meta.id, () => {
    if (cases.valid.length > 0) {
      it.each(cases.valid)('valid: $name', (input) => {
        expect(runRule(rule, input)).toEqual([]);
      });
    }
    it.each(cases.invalid)('invalid: $name', ({ errors, ...input }) => {
      const found = runRule(rule, input);
      expect(found.map((f) => f.severity)).toEqual(errors.map((e) => e.severity));
      errors.forEach((e, i) => {
        expect(found[i].location?.offset).toBeTypeOf('number');
        if (e.evidence !== undefined) expect(found[i].evidence).toContain(e.evidence);
        if (e.message !== undefined) expect(found[i].message).toContain(e.message);
      });
    });
  });
}
