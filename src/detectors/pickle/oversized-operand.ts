import type { PickleStream } from '../../formats/pickle/model.js';
import type { Rule } from '../types.js';

/** String or bytes operands longer than the string limit are skipped unread. */
export const oversizedOperand: Rule<PickleStream> = {
  meta: {
    id: 'pickle/oversized-operand',
    defaultSeverity: 'low',
    title: 'Pickle operand over the string limit was skipped',
    description:
      'An operand longer than the string limit was stepped over without being read. Such operands are raw array data in real files; their bytes were not searched for embedded pickles.',
    docs: 'docs/rules/pickle-oversized-operand.md',
    references: ['MITRE ATLAS AML.T0010', 'OWASP LLM03:2025', 'CWE-502'],
  },
  check(stream, ctx) {
    for (const s of stream.skippedOperands) {
      ctx.report({
        message: `operand of ${s.length} bytes is over the string limit and was skipped unread`,
        location: { offset: s.offset, opIndex: s.opIndex },
        code: 'LIMIT_STRING',
      });
    }
  },
};
