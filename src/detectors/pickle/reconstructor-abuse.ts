import type { PickleStream, PValue } from '../../formats/pickle/model.js';
import { renderValue } from '../../formats/pickle/render.js';
import type { Rule } from '../types.js';
import { type AllowKind, defaultAllowList } from './allowlist.js';
import { denyGrade } from './denylist.js';

type Need = 'callable' | 'class' | 'inert-class';

/**
 * Allowed functions that call or instantiate one of their arguments, so the argument must be
 * allowed for that use too. Sources: Lib/copyreg.py; torch/_tensor.py and torch/_utils.py
 * (`func(*args)`, `cls._make_wrapper_subclass`); numpy/core/multiarray `_reconstruct(subtype, …)`,
 * numpy/ma/core.py `_mareconstruct`, numpy/random/_pickle.py (the ctor argument is called);
 * pandas/core/indexes `_new_Index(cls, d)` and friends (`cls.__new__(cls, **d)`).
 */
const CALLS_ARGUMENTS: Readonly<Record<string, ReadonlyArray<[number, Need]>>> = {
  'copyreg.__newobj__': [[0, 'class']],
  'copyreg.__newobj_ex__': [[0, 'class']],
  'torch._tensor._rebuild_from_type': [[0, 'callable'], [1, 'class']],
  'torch._tensor._rebuild_from_type_v2': [[0, 'callable'], [1, 'class']],
  'torch._utils._rebuild_wrapper_subclass': [[0, 'class']],
  'numpy.core.multiarray._reconstruct': [[0, 'class']],
  'numpy._core.multiarray._reconstruct': [[0, 'class']],
  'numpy.ma.core._mareconstruct': [[0, 'class'], [1, 'class']],
  'numpy.core._DType_reconstruct': [[0, 'class']],
  'numpy._core._DType_reconstruct': [[0, 'class']],
  'numpy.random._pickle.__bit_generator_ctor': [[0, 'callable']],
  'numpy.random._pickle.__randomstate_ctor': [[1, 'callable']],
  'numpy.random._pickle.__generator_ctor': [[1, 'callable']],
  'pandas.core.indexes.base._new_Index': [[0, 'class']],
  'pandas.core.indexes.datetimes._new_DatetimeIndex': [[0, 'class']],
  'pandas.core.indexes.interval._new_IntervalIndex': [[0, 'class']],
  'pandas.core.indexes.period._new_PeriodIndex': [[0, 'class']],
};

const FITS: Readonly<Record<Need, readonly AllowKind[]>> = {
  callable: ['function', 'class-call'],
  class: ['class', 'class-call'],
  'inert-class': ['class-call'],
};

/**
 * The reconstruction primitives and the rebuild functions that call an argument are allowed
 * only with allowed arguments: `_reconstructor(cls, base, state)` calls `base.__new__(cls,
 * state)` and, unless base is `object`, `base.__init__(obj, state)`; `_rebuild_from_type_v2`
 * calls its first argument; `__newobj__(cls, *args)` calls `cls.__new__`.
 */
export const reconstructorAbuse: Rule<PickleStream> = {
  meta: {
    id: 'pickle/reconstructor-abuse',
    defaultSeverity: 'high',
    title: 'Pickle turns an allowed rebuild function into a call gadget',
    description:
      'copyreg._reconstructor, copyreg.__newobj__ and the torch, numpy and pandas rebuild functions are how ordinary pickles rebuild objects, so they are allowed; but some call or instantiate an argument, and given one outside the allow-list they call it with attacker data.',
    docs: 'docs/rules/pickle-reconstructor-abuse.md',
    references: ['MITRE ATLAS AML.T0010', 'OWASP LLM03:2025', 'CWE-502'],
  },
  check(stream, ctx) {
    for (const call of stream.calls) {
      const callee = call.object.callee;
      if (callee.k !== 'global') continue;
      const path = callee.ref.path;
      const bad = argumentMisfit(path, call.object.args);
      if (bad === undefined) continue;
      const evidence = renderValue(call.object);
      const grade = bad.k === 'global' ? denyGrade(bad.ref.path) : undefined;
      ctx.report({
        severity: grade?.severity ?? 'high',
        message: `unpickling calls ${path} with ${renderValue(bad)}, which it would call or instantiate and which is outside the allow-list${grade ? ` (${grade.category}: ${grade.why})` : ''}: ${evidence}`,
        location: { offset: call.offset, opIndex: call.opIndex },
        evidence,
      });
    }
  },
};

/** Why an argument does not fit its use, or undefined when it does. */
function misfit(v: PValue | undefined, need: Need): PValue | undefined {
  if (v === undefined) return { k: 'none' };
  if (v.k === 'global') return FITS[need].includes(defaultAllowList().kindOf(v.ref.path) as AllowKind) ? undefined : v;
  // Names given as literals (numpy's bit generator names) are looked up in fixed tables.
  return v.k === 'obj' || v.k === 'persid' || v.k === 'ext' ? v : undefined;
}

/**
 * For a call of `path` with `args`: the first argument that `path` would call or instantiate
 * and that the allow-list does not allow for that use, or undefined when every one fits (or
 * `path` calls none of its arguments).
 */
export function argumentMisfit(path: string, args: readonly PValue[]): PValue | undefined {
  if (path === 'copyreg._reconstructor') {
    const [cls, base] = args;
    const bad = misfit(cls, 'class');
    if (bad || (base?.k === 'global' && base.ref.path === 'builtins.object')) return bad;
    return misfit(base, 'inert-class');
  }
  let bad: PValue | undefined;
  for (const [index, need] of CALLS_ARGUMENTS[path] ?? []) {
    if (index === 0 || index < args.length) bad ??= misfit(args[index], need);
  }
  return bad;
}
