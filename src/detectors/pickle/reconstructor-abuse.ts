import type { PickleStream, PValue } from '../../formats/pickle/model.js';
import { renderValue } from '../../formats/pickle/render.js';
import type { Rule } from '../types.js';
import { defaultAllowList } from './allowlist.js';
import { denyGrade } from './denylist.js';

/**
 * The reconstruction primitives are allowed only with allowed arguments (Lib/copyreg.py):
 * `_reconstructor(cls, base, state)` calls `base.__new__(cls, state)` and, unless base is
 * `object`, `base.__init__(obj, state)`; `__newobj__(cls, *args)` calls `cls.__new__`.
 */
export const reconstructorAbuse: Rule<PickleStream> = {
  meta: {
    id: 'pickle/reconstructor-abuse',
    defaultSeverity: 'high',
    title: 'Pickle turns a reconstruction primitive into a call gadget',
    description:
      'copyreg._reconstructor and copyreg.__newobj__ are how ordinary pickles rebuild objects, so they are allowed; but given a class or base outside the allow-list they call its __new__ or __init__ with attacker data.',
    docs: 'docs/rules/pickle-reconstructor-abuse.md',
    references: ['CWE-502', 'MITRE ATLAS AML.T0010'],
  },
  check(stream, ctx) {
    const allow = defaultAllowList();
    const isCreatable = (v: PValue | undefined): boolean => {
      if (v?.k !== 'global') return false;
      const kind = allow.kindOf(v.ref.path);
      return kind === 'class' || kind === 'class-call';
    };
    for (const call of stream.calls) {
      const callee = call.object.callee;
      if (callee.k !== 'global') continue;
      const path = callee.ref.path;
      const [cls, base] = call.object.args;
      let bad: PValue | undefined;
      if (path === 'copyreg._reconstructor') {
        if (!isCreatable(cls)) bad = cls;
        else if (!(base?.k === 'global' && base.ref.path === 'builtins.object') && !(base?.k === 'global' && allow.kindOf(base.ref.path) === 'class-call')) bad = base;
      } else if (path === 'copyreg.__newobj__' || path === 'copyreg.__newobj_ex__') {
        if (!isCreatable(cls)) bad = cls;
      } else continue;
      if (bad === undefined && call.object.args.length > 0) continue;
      const evidence = renderValue(call.object);
      const grade = bad?.k === 'global' ? denyGrade(bad.ref.path) : undefined;
      const what = bad === undefined ? 'no class' : renderValue(bad);
      ctx.report({
        severity: grade?.severity ?? 'high',
        message: `unpickling calls ${path} with ${what}, outside the allow-list${grade ? ` (${grade.category}: ${grade.why})` : ''}: ${evidence}`,
        location: { offset: call.offset, opIndex: call.opIndex },
        evidence,
      });
    }
  },
};
