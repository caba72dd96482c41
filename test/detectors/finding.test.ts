import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/core/finding.js';
import { withLimits } from '../../src/core/limits.js';
import { NEURAL_CLEANSE } from '../../src/detectors/backdoor/index.js';
import { ruleFinding } from '../../src/detectors/finding.js';
import type { RuleMeta } from '../../src/detectors/rule.js';
import type { RuleReport } from '../../src/detectors/types.js';
import { ScanContext } from '../../src/engine/context.js';

const noReferences: RuleMeta = { ...NEURAL_CLEANSE, references: [] };

describe('ruleFinding', () => {
  it.each<[string, RuleMeta, RuleReport]>([
    ['a default severity', NEURAL_CLEANSE, { message: 'm' }],
    ['a graded severity with evidence', NEURAL_CLEANSE, { severity: 'info', message: 'm', evidence: 'e' }],
    ['a location, fatal and a code', NEURAL_CLEANSE, { message: 'm', location: { offset: 3 }, fatal: true, code: 'MALFORMED' }],
    ['a rule without references', noReferences, { message: 'm', evidence: '' }],
  ])('makes the finding a scan reports, for %s', (_name, meta, report) => {
    const findings: Finding[] = [];
    new ScanContext('a.onnx', withLimits(), findings, { decompressed: 0 }).report(meta, report);
    const made = ruleFinding(meta, 'a.onnx', report);
    expect(made).toEqual(findings[0]);
    expect(Object.keys(made)).toEqual(Object.keys(findings[0] ?? {}));
  });
});
