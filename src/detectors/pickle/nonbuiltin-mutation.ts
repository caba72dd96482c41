import type { PickleStream } from '../../formats/pickle/model.js';
import { renderValue } from '../../formats/pickle/render.js';
import type { Rule } from '../types.js';
import { defaultAllowList } from './allowlist.js';

const METHOD = { APPEND: 'append', APPENDS: 'extend', SETITEM: '__setitem__', SETITEMS: '__setitem__', ADDITEMS: 'add' } as const;

/**
 * APPEND(S)/SETITEM(S)/ADDITEMS on something that is not a plain list/dict/set calls that
 * object's `append`/`extend`/`__setitem__`/`add`. On an allowed class (OrderedDict...) that is
 * ordinary; on an imported module table (`sys.modules`) it rewrites what later imports return.
 */
export const nonbuiltinMutation: Rule<PickleStream> = {
  meta: {
    id: 'pickle/nonbuiltin-mutation',
    defaultSeverity: 'medium',
    title: 'Pickle fills an object that is not a plain container',
    description:
      'The list and dict opcodes call methods of the object they fill. On an imported value such as sys.modules they override modules for the rest of the load (then GLOBAL of a safe-looking name returns a dangerous function); on an unknown object they call its methods.',
    docs: 'docs/rules/pickle-nonbuiltin-mutation.md',
    references: ['MITRE ATLAS AML.T0010', 'OWASP LLM03:2025', 'CWE-502'],
  },
  check(stream, ctx) {
    const allow = defaultAllowList();
    for (const m of stream.mutations) {
      const target = m.target;
      if (target.k === 'obj' && target.callee.k === 'global') {
        const kind = allow.kindOf(target.callee.ref.path);
        if (kind === 'class' || kind === 'class-call') continue;
      }
      const evidence = `${renderValue(target)}.${METHOD[m.op]}(${m.items
        .slice(0, 4)
        .map((v) => renderValue(v))
        .join(', ')})`;
      const location = { offset: m.offset, opIndex: m.opIndex };
      if (target.k === 'global') {
        ctx.report({ severity: 'critical', message: `unpickling writes into ${target.ref.path}, an imported object: ${evidence}`, location, evidence });
      } else {
        ctx.report({ message: `unpickling calls ${METHOD[m.op]} on an object that is not a plain container: ${evidence}`, location, evidence });
      }
    }
  },
};
