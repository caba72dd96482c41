import { PyReduce, PyTuple, global, tuple, type PyValue } from './values.js';

/**
 * numpy objects as numpy 2 reduces them (numpy/_core/src/multiarray/methods.c array_reduce,
 * scalartypes.c gentype_reduce, descriptor.c arraydescr_reduce), at protocol 4.
 */

const MULTIARRAY = 'numpy._core.multiarray';

/** `(3, byteorder, subarray, names, fields, elsize, alignment, flags)`: a builtin dtype's state. */
function plainState(byteorder: string, flags: number): PyTuple {
  return tuple(3, byteorder, null, null, null, -1, -1, flags);
}

/** A new dtype object: `numpy.dtype(code, False, True)` then BUILD with its state. */
export function newDtype(code: string, state: PyTuple): PyReduce {
  return new PyReduce(global('numpy', 'dtype'), tuple(code, false, true), { state });
}

const builtin = new Map<string, PyReduce>();
/**
 * A builtin dtype ('f8', 'i8', 'f4', 'O8', ...): numpy keeps one object per type, so a pickle
 * writes it once and fetches it from the memo after. `O8` has every object flag set (63).
 */
export function dtype(code: string): PyReduce {
  let d = builtin.get(code);
  if (!d) builtin.set(code, (d = newDtype(code, plainDtypeState(code))));
  return d;
}

/** The state of a builtin dtype made anew (a structured dtype's fields have their own). */
export function plainDtypeState(code: string): PyTuple {
  const oneByte = code === 'O8' || code.endsWith('1');
  return plainState(oneByte ? '|' : '<', code === 'O8' ? 63 : 0);
}

/** `numpy._core.multiarray.scalar(dtype, raw bytes)`: a numpy scalar such as np.float64(0.5). */
export function scalar(type: PyValue, raw: Buffer): PyReduce {
  return new PyReduce(global(MULTIARRAY, 'scalar'), tuple(type, raw));
}

/**
 * `_reconstruct(ndarray, (0,), b'b')` then BUILD with `(1, shape, dtype, is_fortran, data)`:
 * data is the raw bytes, or a list of the items for an object array.
 */
export function ndarray(shape: number[], type: PyValue, data: PyValue): PyReduce {
  return new PyReduce(global(MULTIARRAY, '_reconstruct'), tuple(global('numpy', 'ndarray'), tuple(0), Buffer.from('b')), {
    state: tuple(1, new PyTuple(shape), type, false, data),
  });
}
