import type { PickleStream } from '../../formats/pickle/model.js';
import { renderValue } from '../../formats/pickle/render.js';
import type { Rule } from '../types.js';

/** A call whose callable is not an imported name: the result of another call, a lookup... */
export const dynamicCall: Rule<PickleStream> = {
  meta: {
    id: 'pickle/dynamic-call',
    defaultSeverity: 'high',
    title: 'Pickle calls a value produced at load time',
    description:
      'REDUCE, NEWOBJ or OBJ is applied to something other than an imported name, such as the result of getattr or of another call. That is how gadget chains reach functions no import names.',
    docs: 'docs/rules/pickle-dynamic-call.md',
    references: ['MITRE ATLAS AML.T0010', 'OWASP LLM03:2025', 'CWE-502'],
  },
  check(stream, ctx) {
    for (const call of stream.calls) {
      const callee = call.object.callee;
      if (callee.k === 'global' || callee.k === 'ext') continue;
      const evidence = renderValue(call.object);
      ctx.report({
        message: `unpickling calls ${renderValue(callee)}, a value produced at load time: ${evidence}`,
        location: { offset: call.offset, opIndex: call.opIndex },
        evidence,
      });
    }
  },
};
