import type { Severity } from '../../core/severity.js';
import { judgeTfOp as judgeRegisteredOp } from '../savedmodel/op-registry.js';

/** How a TensorFlow op run through TFLite's Flex delegate is graded. */
export interface TfOpJudgement {
  severity: Severity;
  why: string;
}

/**
 * The one place TFLite (and any other format that embeds TensorFlow ops) asks how a
 * TensorFlow op is judged: against the allow-list generated from TensorFlow's op registry,
 * as SavedModel graphs are. A pure-compute op is low: it runs TensorFlow's own kernel, but only
 * in an app linked with the Flex delegate. A risky op keeps its grade; an op TensorFlow does
 * not register needs a custom library. Nothing is known about its inputs here, so the op's
 * default grade applies.
 */
export function judgeTfOp(op: string): TfOpJudgement {
  const judged = judgeRegisteredOp(op);
  if (judged.verdict === 'pure') return { severity: 'low', why: 'a TensorFlow kernel run by the Flex delegate' };
  return { severity: judged.severity, why: judged.category ? `${judged.category}: ${judged.why}` : judged.why };
}
