import { maxSeverity, type Severity } from '../../core/severity.js';
import type { TfliteModel, TfliteOpCode } from '../../formats/tflite/model.js';
import type { Rule } from '../types.js';
import { judgeTfOp } from './tf-ops.js';

/**
 * Custom ops TFLite's own BuiltinOpResolver registers (tensorflow/lite/core/kernels/register.cc
 * AddCustom): kernels of the runtime itself, not of the app.
 */
const RUNTIME_CUSTOM_OPS = new Set(['Mfcc', 'AudioSpectrogram', 'TFLite_Detection_PostProcess']);

const FLEX_PREFIX = 'Flex';

function judge(code: TfliteOpCode): { severity: Severity; message: string } {
  const name = code.custom ?? '';
  const uses = `${code.uses} operator(s)`;
  if (code.flexOps) {
    if (code.flexError !== undefined) {
      return { severity: 'medium', message: `Flex op "${name}" (${uses}): the TensorFlow op in its custom options could not be read (${code.flexError})` };
    }
    // The delegate builds the kernel from the NodeDef in custom_options; the name after
    // `Flex` only routes the op there. Every name is judged and the worst grade taken.
    const names = [...new Set([name.slice(FLEX_PREFIX.length), ...code.flexOps])].filter((n) => n !== '');
    let severity: Severity = 'low';
    const notes: string[] = [];
    for (const n of names) {
      const j = judgeTfOp(n);
      severity = maxSeverity(severity, j.severity);
      notes.push(`${n}: ${j.why}`);
    }
    return { severity, message: `Flex op "${name}" (${uses}) runs TensorFlow op(s) ${notes.join('; ')}` };
  }
  if (RUNTIME_CUSTOM_OPS.has(name)) return { severity: 'low', message: `custom op "${name}" (${uses}) is registered by TFLite's built-in op resolver` };
  return {
    severity: 'medium',
    message: `custom op "${name}" (${uses}) runs only with a kernel the app registers: native code from outside the model`,
  };
}

/** TFLite operators that are not builtins: custom ops and Flex (TensorFlow) ops. */
export const customOp: Rule<TfliteModel> = {
  meta: {
    id: 'tflite/custom-op',
    defaultSeverity: 'medium',
    title: 'TFLite model uses custom or Flex operators',
    description:
      "Builtin TFLite operators run the runtime's own kernels and are inert. A CUSTOM operator is looked up by name in the op resolver of the app, so running the model needs native code from outside the model (medium; the few custom ops TFLite registers itself are low). A Flex operator (`Flex<Op>`) runs a TensorFlow op through the Flex delegate and is graded as that op is in a SavedModel: file, network and Python ops are high or medium, others low.",
    docs: 'docs/rules/tflite-custom-op.md',
    references: ['MITRE ATLAS AML.T0010', 'MITRE ATLAS AML.T0011', 'OWASP LLM03:2025', 'CWE-829'],
  },
  check(model, ctx) {
    for (const code of model.opcodes) {
      if (code.custom === undefined) continue;
      const { severity, message } = judge(code);
      ctx.report({ severity, message, location: { offset: code.offset }, evidence: code.flexOps ? [code.custom, ...code.flexOps].join(', ') : code.custom });
    }
  },
};
