import type { PickleStream } from '../../formats/pickle/model.js';
import { renderValue } from '../../formats/pickle/render.js';
import type { Rule } from '../types.js';

/** STACK_GLOBAL whose module or name is not a literal string: the name is computed at load time. */
export const dynamicImport: Rule<PickleStream> = {
  meta: {
    id: 'pickle/dynamic-import',
    defaultSeverity: 'high',
    title: 'Pickle imports a name computed at load time',
    description:
      'STACK_GLOBAL takes its module and name from the stack. Ordinary pickles push literal strings; a value built by a call (for example a rot13 decode) hides which function is imported.',
    docs: 'docs/rules/pickle-dynamic-import.md',
    references: ['MITRE ATLAS AML.T0010', 'OWASP LLM03:2025', 'CWE-502'],
  },
  check(stream, ctx) {
    for (const d of stream.dynamicImports) {
      const evidence = `find_class(${renderValue(d.module)}, ${renderValue(d.name)})`;
      ctx.report({
        message: `unpickling imports a name computed at load time: ${evidence}`,
        location: { offset: d.offset, opIndex: d.opIndex },
        evidence,
      });
    }
  },
};
