import type { PickleStream, PValue } from '../../formats/pickle/model.js';
import { renderValue } from '../../formats/pickle/render.js';
import type { Rule } from '../types.js';

function plantsSetstate(state: PValue): boolean {
  const dicts = state.k === 'tuple' ? state.items : [state];
  return dicts.some((d) => d.k === 'dict' && d.setstateKey === true);
}

/**
 * BUILD that writes `__setstate__` into an object (the next BUILD then calls it with the
 * state as argument), or BUILD on an imported module or class, which rewrites its attributes.
 */
export const setstateInjection: Rule<PickleStream> = {
  meta: {
    id: 'pickle/setstate-injection',
    defaultSeverity: 'critical',
    title: 'Pickle plants __setstate__ or rewrites attributes of a module or class',
    description:
      'BUILD updates an object\'s __dict__ unless it has __setstate__. A state that sets __setstate__ makes the next BUILD call any function; a BUILD on an imported module or class overrides its attributes for the whole process.',
    docs: 'docs/rules/pickle-setstate-injection.md',
    references: ['CWE-502', 'CWE-915', 'MITRE ATLAS AML.T0010'],
  },
  check(stream, ctx) {
    for (const build of stream.builds) {
      const evidence = `${renderValue(build.target)}.__setstate__(${renderValue(build.state)})`;
      const location = { offset: build.offset, opIndex: build.opIndex };
      if (plantsSetstate(build.state)) {
        ctx.report({ message: `unpickling plants __setstate__ through BUILD, so a later BUILD calls it: ${evidence}`, location, evidence });
      } else if (build.target.k === 'global') {
        ctx.report({ message: `unpickling rewrites attributes of ${build.target.ref.path}: ${evidence}`, location, evidence });
      }
    }
  },
};
