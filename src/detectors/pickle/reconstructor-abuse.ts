import type { PickleStream, PValue } from '../../formats/pickle/model.js';
import { renderValue } from '../../formats/pickle/render.js';
import type { Rule } from '../types.js';
import { type AllowKind, defaultAllowList } from './allowlist.js';
import { denyGrade } from './denylist.js';

type Need = 'callable' | 'class' | 'inert-class' | 'tensor-rebuild';

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
  'torch._tensor._rebuild_from_type': [
    [0, 'tensor-rebuild'],
    [1, 'class'],
  ],
  'torch._tensor._rebuild_from_type_v2': [
    [0, 'tensor-rebuild'],
    [1, 'class'],
  ],
  'torch._utils._rebuild_wrapper_subclass': [[0, 'class']],
  'numpy.core.multiarray._reconstruct': [[0, 'class']],
  'numpy._core.multiarray._reconstruct': [[0, 'class']],
  'numpy.ma.core._mareconstruct': [
    [0, 'class'],
    [1, 'class'],
  ],
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
  'tensor-rebuild': ['function'],
};

/**
 * torch/_tensor.py `_rebuild_from_type_v2(func, new_type, args, state)` is `ret = func(*args)`,
 * then `as_subclass(new_type)`, then `_set_obj_state(ret, state)`: a setattr for every key. Torch
 * only ever passes its tensor rebuild functions as `func`; given any other allowed function (one
 * that returns its argument, say) the setattr lands on a class and rewrites it for the whole
 * process. So `func` must be one of torch._utils' `_rebuild_*` functions, or `_rebuild_njt`, which
 * jagged nested tensors pass (torch/nested/_internal/nested_tensor.py `__reduce_ex__`).
 */
const TENSOR_REBUILD = /^torch\._utils\._rebuild_[a-z0-9_]+$|^torch\.nested\._internal\.nested_tensor\._rebuild_njt$/;

/** Functions that set every key of one argument as an attribute of the tensor they rebuild. */
const STATE_ARGUMENT: Readonly<Record<string, number>> = {
  'torch._tensor._rebuild_from_type': 3,
  'torch._tensor._rebuild_from_type_v2': 3,
  'torch._utils._rebuild_parameter_with_state': 3,
};

/**
 * The attribute a state would set that is not plain data: `__setstate__` (a later BUILD on the
 * same object calls it), another dunder, or a name computed at load time.
 */
function stateMisuse(state: PValue | undefined): string | undefined {
  for (const d of state?.k === 'tuple' ? state.items : state ? [state] : []) {
    if (d.k !== 'dict') continue;
    if (d.setstateKey) return '__setstate__';
    if (d.computedKey) return 'a name computed at load time';
    // Noted for every key stored, kept or past the container's cap.
    if (d.dunderKey !== undefined) return d.dunderKey;
    for (const [key] of d.entries) if (key.k === 'str' && /^__.*__$/.test(key.v)) return key.v;
  }
  return undefined;
}

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
      "copyreg._reconstructor, copyreg.__newobj__ and the torch, numpy and pandas rebuild functions are how ordinary pickles rebuild objects, so they are allowed; but some call or instantiate an argument, and given one outside the allow-list they call it with attacker data. Torch's _rebuild_from_type_v2 also sets its state as attributes of what its func returns, so func must be a torch tensor rebuild function and the state must not set dunders.",
    docs: 'docs/rules/pickle-reconstructor-abuse.md',
    references: ['MITRE ATLAS AML.T0010', 'OWASP LLM03:2025', 'CWE-502'],
  },
  check(stream, ctx) {
    for (const call of stream.calls) {
      const callee = call.object.callee;
      if (callee.k !== 'global') continue;
      const path = callee.ref.path;
      const stateAt = STATE_ARGUMENT[path];
      const attribute = stateAt === undefined ? undefined : stateMisuse(call.object.args[stateAt]);
      if (attribute !== undefined) {
        const evidence = renderValue(call.object);
        ctx.report({
          severity: attribute === '__setstate__' ? 'critical' : 'high',
          message: `unpickling calls ${path}, which sets every key of its state as an attribute of the rebuilt tensor, with ${attribute}${attribute === '__setstate__' ? ' (a later BUILD on it calls that)' : ''}: ${evidence}`,
          location: { offset: call.offset, opIndex: call.opIndex },
          evidence,
        });
      }
      const misfit = argumentMisfit(path, call.object.args);
      if (misfit === undefined) continue;
      const bad = misfit.value;
      const evidence = renderValue(call.object);
      const grade = bad.k === 'global' ? denyGrade(bad.ref.path) : undefined;
      const why =
        misfit.need === 'tensor-rebuild'
          ? 'which it would call, and which is not one of the tensor rebuild functions torch passes there'
          : 'which it would call or instantiate and which is outside the allow-list';
      ctx.report({
        severity: grade?.severity ?? 'high',
        message: `unpickling calls ${path} with ${renderValue(bad)}, ${why}${grade ? ` (${grade.category}: ${grade.why})` : ''}: ${evidence}`,
        location: { offset: call.offset, opIndex: call.opIndex },
        evidence,
      });
    }
  },
};

/** Why an argument does not fit its use, or undefined when it does. */
function misfit(v: PValue | undefined, need: Need): PValue | undefined {
  if (v === undefined) return { k: 'none' };
  if (v.k === 'global') {
    if (need === 'tensor-rebuild' && !TENSOR_REBUILD.test(v.ref.path)) return v;
    return FITS[need].includes(defaultAllowList().kindOf(v.ref.path) as AllowKind) ? undefined : v;
  }
  if (need === 'tensor-rebuild') return v;
  // Names given as literals (numpy's bit generator names) are looked up in fixed tables.
  return v.k === 'obj' || v.k === 'persid' || v.k === 'ext' ? v : undefined;
}

/**
 * For a call of `path` with `args`: the first argument that `path` would call or instantiate
 * and that the allow-list does not allow for that use, or undefined when every one fits (or
 * `path` calls none of its arguments).
 */
export function argumentMisfit(path: string, args: readonly PValue[]): { value: PValue; need: Need } | undefined {
  const checks: ReadonlyArray<[number, Need]> =
    path === 'copyreg._reconstructor'
      ? [[0, 'class'], ...(args[1]?.k === 'global' && args[1].ref.path === 'builtins.object' ? [] : [[1, 'inert-class'] as [number, Need]])]
      : (CALLS_ARGUMENTS[path] ?? []);
  for (const [index, need] of checks) {
    if (index !== 0 && index >= args.length && path !== 'copyreg._reconstructor') continue;
    const value = misfit(args[index], need);
    if (value) return { value, need };
  }
  return undefined;
}
