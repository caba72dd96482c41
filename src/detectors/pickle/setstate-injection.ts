import type { PickleStream, PValue } from '../../formats/pickle/model.js';
import { renderValue } from '../../formats/pickle/render.js';
import type { Rule } from '../types.js';

/** The dicts BUILD applies: the state itself, or both halves of a (state, slotstate) pair. */
function stateDicts(state: PValue): PValue[] {
  return state.k === 'tuple' ? state.items : [state];
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
      "BUILD updates an object's __dict__ unless it has __setstate__. A state that sets __setstate__ makes the next BUILD call any function; one that sets __class__ turns the object into another class (a loader that checks the class after BUILD, as joblib does, then reads the stream differently); a BUILD on an imported module or class overrides its attributes for the whole process.",
    docs: 'docs/rules/pickle-setstate-injection.md',
    references: ['MITRE ATLAS AML.T0010', 'OWASP LLM03:2025', 'CWE-502', 'CWE-915'],
  },
  check(stream, ctx) {
    for (const build of stream.builds) {
      const evidence = `${renderValue(build.target)}.__setstate__(${renderValue(build.state)})`;
      const location = { offset: build.offset, opIndex: build.opIndex };
      const dicts = stateDicts(build.state);
      if (dicts.some((d) => d.k === 'dict' && d.setstateKey)) {
        ctx.report({ message: `unpickling plants __setstate__ through BUILD, so a later BUILD calls it: ${evidence}`, location, evidence });
      } else if (dicts.some((d) => d.k === 'dict' && d.classKey)) {
        ctx.report({
          severity: 'high',
          message: `unpickling assigns __class__ through BUILD, so the object is another class from then on (joblib reads array data after an object that is a NumpyArrayWrapper by then): ${evidence}`,
          location,
          evidence,
        });
      } else if (dicts.some((d) => d.k === 'dict' && d.computedKey)) {
        ctx.report({
          severity: 'high',
          message: `unpickling sets an attribute whose name is computed at load time (it may be __setstate__): ${evidence}`,
          location,
          evidence,
        });
      } else if (build.target.k === 'global') {
        ctx.report({ message: `unpickling rewrites attributes of ${build.target.ref.path}: ${evidence}`, location, evidence });
      }
    }
  },
};
