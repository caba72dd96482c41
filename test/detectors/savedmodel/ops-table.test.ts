import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dangerousOp } from '../../../src/detectors/savedmodel/dangerous-op.js';
import { RISKY_OPS } from '../../../src/detectors/savedmodel/ops.js';

describe('the risky-op table', () => {
  const doc = readFileSync(dangerousOp.meta.docs, 'utf8');

  it.each([...RISKY_OPS.keys()])('documents %s', (op) => {
    expect(doc).toContain(`\`${op}\``);
  });

  it('gives every op a reason and grades that only go up outside the folder', () => {
    const rank = ['info', 'low', 'medium', 'high', 'critical'];
    for (const [op, row] of RISKY_OPS) {
      expect(row.why.length, op).toBeGreaterThan(10);
      if (row.outside) expect(rank.indexOf(row.outside), op).toBeGreaterThanOrEqual(rank.indexOf(row.severity));
    }
  });
});
