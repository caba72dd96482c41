import type { PickleStream } from '../../formats/pickle/model.js';
import { renderValue } from '../../formats/pickle/render.js';
import type { Rule } from '../types.js';
import { defaultAllowList } from './allowlist.js';

/**
 * An allow-listed name used beyond what its entry allows: a class whose `__init__` is not known
 * to be inert called with REDUCE/INST/OBJ, or a constant called.
 */
export const unsafeConstruction: Rule<PickleStream> = {
  meta: {
    id: 'pickle/unsafe-construction',
    defaultSeverity: 'medium',
    title: 'Pickle calls an allowed class in a way its entry does not allow',
    description:
      'Pickles create ordinary library objects with __new__ and fill them with BUILD. Calling the class instead runs its constructor, and some constructors start processes, threads or distributed runtimes; only classes with inert constructors may be called.',
    docs: 'docs/rules/pickle-unsafe-construction.md',
    references: ['MITRE ATLAS AML.T0010', 'OWASP LLM03:2025', 'CWE-502'],
  },
  check(stream, ctx) {
    const allow = defaultAllowList();
    for (const call of stream.calls) {
      const callee = call.object.callee;
      if (callee.k !== 'global') continue;
      const kind = allow.kindOf(callee.ref.path);
      const creates = call.op === 'NEWOBJ' || call.op === 'NEWOBJ_EX';
      let problem: string | undefined;
      if (kind === 'class' && !creates) problem = 'runs the constructor of a class that pickles only create with __new__';
      else if (kind === 'constant') problem = 'calls a value that is allowed only as a constant';
      else if (kind === 'function' && creates) problem = 'uses a function as a class';
      if (!problem) continue;
      const evidence = renderValue(call.object);
      ctx.report({ message: `unpickling ${problem}: ${evidence}`, location: { offset: call.offset, opIndex: call.opIndex }, evidence });
    }
  },
};
