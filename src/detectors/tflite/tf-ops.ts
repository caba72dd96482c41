import type { Severity } from '../../core/severity.js';
import { RISKY_OPS } from '../savedmodel/ops.js';

/** How a TensorFlow op run through TFLite's Flex delegate is graded. */
export interface TfOpJudgement {
  severity: Severity;
  why: string;
}

/**
 * The one place TFLite (and any other format that embeds TensorFlow ops) asks how a
 * TensorFlow op is judged: the SavedModel op table. An op the table does not list is low: it
 * runs TensorFlow's own kernel, but only in an app linked with the Flex delegate. Nothing is
 * known about its inputs here, so the table's default grade applies.
 */
export function judgeTfOp(op: string): TfOpJudgement {
  const risky = RISKY_OPS.get(op);
  if (risky) return { severity: risky.severity, why: `${risky.category}: ${risky.why}` };
  return { severity: 'low', why: 'a TensorFlow kernel run by the Flex delegate' };
}
