import { beforeAll, describe, expect, it } from 'vitest';
import type { Severity } from '../../src/core/severity.js';
import type { Rule, RuleReport } from '../../src/detectors/types.js';

/**
 * The shared rule tester, in the spirit of ESLint's RuleTester: each rule test is a table of
 * `valid` inputs (no finding from the rule) and `invalid` ones (exactly the listed findings, in
 * order). A format plugs in with a small adapter: how a case's input becomes the model its rules
 * check, and what every finding of that format must carry.
 */

/** A finding as the runner would record it: the rule's id and the severity after any grading. */
export interface Reported extends RuleReport {
  ruleId: string;
  severity: Severity;
}

/** One expected finding; `message` and `evidence` match as substrings, the rest exactly. */
export interface Expected {
  severity: Severity;
  message?: string;
  evidence?: string;
  code?: string;
  /** Whether the finding ends the analysis (an absent `fatal` counts as false). */
  fatal?: boolean;
  /** Where the finding points: the first occurrence of this text in the input's bytes. */
  at?: string;
}

export interface ValidCase<I> {
  name: string;
  input: I;
}

export interface InvalidCase<I> extends ValidCase<I> {
  errors: Expected[];
}

export interface RuleCases<I> {
  valid: Array<ValidCase<I>>;
  invalid: Array<InvalidCase<I>>;
}

/** How one format's cases reach its rules. */
export interface RuleFormat<I, M> {
  /** The model the rules check, from a case's input (built with the format's builder). */
  parse(input: I): M;
  /** Runs once before the cases: loads what parsing needs (a WebAssembly parser...). */
  setup?(): Promise<void>;
  /** Assertions every reported finding of the format must pass (a byte offset, a line...). */
  eachFinding?(finding: Reported): void;
  /** The input's bytes, in which an expected finding's `at` text is looked up. */
  bytes?(input: I): Buffer;
}

/** Runs one rule over one model and collects what it reports. */
export function runRule<M>(rule: Rule<M>, model: M): Reported[] {
  const out: Reported[] = [];
  rule.check(model, { report: (r) => out.push({ ...r, ruleId: rule.meta.id, severity: r.severity ?? rule.meta.defaultSeverity }) });
  return out;
}

/** For `eachFinding`: the finding points at a byte offset. */
export function expectOffset(finding: Reported): void {
  expect(finding.location?.offset).toBeTypeOf('number');
}

/**
 * Declares the cases of one rule under `describe(<rule id>)`: `valid: <name>` tests expect no
 * finding, `invalid: <name>` tests exactly `errors`, in order. `format` is the format's adapter,
 * or just its parse function.
 */
export function ruleTester<I, M>(rule: Rule<M>, format: RuleFormat<I, M> | ((input: I) => M), cases: RuleCases<I>): void {
  const adapter: RuleFormat<I, M> = typeof format === 'function' ? { parse: format } : format;
  describe(rule.meta.id, () => {
    if (adapter.setup) beforeAll(adapter.setup);
    if (cases.valid.length > 0) {
      it.each(cases.valid)('valid: $name', ({ input }) => {
        expect(runRule(rule, adapter.parse(input))).toEqual([]);
      });
    }
    it.each(cases.invalid)('invalid: $name', ({ input, errors }) => {
      const found = runRule(rule, adapter.parse(input));
      expect(
        found.map((f) => f.severity),
        JSON.stringify(found.map((f) => f.message)),
      ).toEqual(errors.map((e) => e.severity));
      errors.forEach((e, i) => {
        const f = found[i] as Reported;
        expect(f.ruleId).toBe(rule.meta.id);
        adapter.eachFinding?.(f);
        if (e.message !== undefined) expect(f.message).toContain(e.message);
        if (e.evidence !== undefined) expect(f.evidence).toContain(e.evidence);
        if (e.code !== undefined) expect(f.code).toBe(e.code);
        if (e.fatal !== undefined) expect(f.fatal ?? false).toBe(e.fatal);
        if (e.at !== undefined) {
          if (!adapter.bytes) throw new Error(`${rule.meta.id}: an expected finding has 'at', but the format gives no bytes to find it in`);
          expect(f.location?.offset).toBe(adapter.bytes(input).indexOf(e.at));
        }
      });
    });
  });
}
