import { ModelgateError } from '../../core/errors.js';
import type { PValue } from '../pickle/model.js';
import { describeDtype, type DtypeInfo } from './dtype.js';
import { PyTuple, type PyLiteral } from './literal.js';

/** Where pickles find the dtype class: `np.dtype.__module__` is 'numpy'; the rest are the same class. */
const DTYPE_CLASSES = new Set([
  'numpy.dtype',
  'numpy.core.multiarray.dtype',
  'numpy._core.multiarray.dtype',
  'numpy.core._multiarray_umath.dtype',
  'numpy._core._multiarray_umath.dtype',
]);

const fail = (why: string): never => {
  throw new ModelgateError('MALFORMED', `pickled numpy dtype: ${why}`);
};

/** A pickled literal as the Python value np.dtype would see; anything else cannot be described. */
function toLiteral(v: PValue, depth = 0): PyLiteral {
  if (depth > 16) return fail('nested too deep');
  switch (v.k) {
    case 'str':
      return v.v;
    case 'int':
      return Number(v.v);
    case 'bool':
      return v.v;
    case 'none':
      return null;
    case 'tuple':
      return new PyTuple(v.items.map((item) => toLiteral(item, depth + 1)));
    case 'list':
      if (v.dropped) return fail('list too long to describe');
      return v.items.map((item) => toLiteral(item, depth + 1));
    default:
      return fail(`a ${v.k} is not a dtype description modelgate reads`);
  }
}

/** Python truthiness for the values a dtype flag may be given as; other values are refused. */
function truthy(v: PValue | undefined): boolean {
  if (v === undefined || v.k === 'none') return false;
  if (v.k === 'bool') return v.v;
  if (v.k === 'int') return BigInt(v.v) !== 0n;
  return fail(`flag of kind ${v.k}`);
}

function intOf(v: PValue | undefined, what: string): bigint {
  if (v?.k === 'int') return BigInt(v.v);
  if (v?.k === 'bool') return v.v ? 1n : 0n;
  return fail(`${what} is not an integer`);
}

/**
 * numpy/_core/src/multiarray/descriptor.c `arraydescr_setstate`: the state is a 5- to 9-tuple.
 * Only S, U and V dtypes (PyTypeNum_ISEXTENDED) take `elsize` from it: a fixed-size type keeps
 * the size its type code gives, whatever the state says. `hasobject` is bit 0 of the flags the
 * state carries (version 3 and 4), or is recomputed from the type (versions 0 to 2).
 */
function applyState(info: DtypeInfo, built: DtypeInfo, state: PValue): DtypeInfo {
  if (info.newStyle) return fail('a new-style dtype cannot be unpickled with a state');
  if (state.k !== 'tuple') return fail('state is not a tuple');
  const items = state.items;
  // Positions of (version, elsize, fields, flags) for each accepted tuple length.
  const layout: Record<number, [number | undefined, number, number, number | undefined]> = {
    9: [0, 5, 4, 7],
    8: [0, 5, 4, 7],
    7: [0, 5, 4, undefined],
    6: [0, 4, 3, undefined],
    5: [undefined, 3, 2, undefined],
  };
  const at = layout[items.length] ?? fail(`state of ${items.length} items`);
  const version = at[0] === undefined ? 0n : intOf(items[at[0]], 'version');
  if (version < 0n || version > 4n) return fail(`state version ${version}`);
  const elsize = intOf(items[at[1]], 'elsize');
  // 'k' converts the flags modulo 2**64, and a negative char is shifted by 128: bit 0 survives both.
  const flags = at[3] === undefined ? 0n : intOf(items[at[3]], 'flags');
  let { itemSize, hasObject } = info;
  if (info.flexible) {
    if (elsize < 0n || elsize > 0x7fffffffn) return fail(`elsize ${elsize}`);
    itemSize = Number(elsize);
  }
  if (version >= 3n) hasObject = (flags & 1n) === 1n;
  else {
    // _descr_find_object: any flags, or an object type (or field) as the dtype was built.
    if (items[at[2]]?.k !== 'none') return fail('fields in an old-version state');
    hasObject = flags !== 0n || built.hasObject;
  }
  return { ...info, itemSize, hasObject };
}

/**
 * The dtype a pickled `numpy.dtype(spec, align, copy)` object has at this point of the stream:
 * built from its arguments, then changed by each `__setstate__` (BUILD) applied to it so far.
 * Anything that is not such an object, or a spec modelgate cannot describe, throws.
 */
export function describePickledDtype(dtype: PValue | undefined): DtypeInfo {
  if (dtype?.k !== 'obj' || dtype.callee.k !== 'global' || !DTYPE_CLASSES.has(dtype.callee.ref.path)) {
    return fail('not a numpy.dtype object');
  }
  const [spec, align] = dtype.args;
  if (spec === undefined) return fail('no type given');
  let alignFlag = truthy(align);
  if (dtype.kwargs !== undefined) {
    if (dtype.kwargs.k !== 'dict' || dtype.kwargs.computedKey || dtype.kwargs.dropped) return fail('keyword arguments not read');
    for (const [key, value] of dtype.kwargs.entries) if (key.k === 'str' && key.v === 'align') alignFlag = truthy(value);
  }
  const built = describeDtype(toLiteral(spec));
  // align=True pads the fields of a record as a C struct would; only unstructured types are read.
  if (alignFlag && built.structured) return fail('aligned record dtype');
  let info = built;
  for (const state of dtype.states) info = applyState(info, built, state);
  return info;
}
