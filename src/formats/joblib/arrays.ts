import type { ByteReader } from '../../core/byte-reader.js';
import { ModelgateError } from '../../core/errors.js';
import type { Limits } from '../../core/limits.js';
import { describePickledDtype } from '../numpy/pickled.js';
import type { PickleStream, PObject, PValue } from '../pickle/model.js';
import { parsePickleStream } from '../pickle/parse.js';

/** joblib's array wrapper classes (joblib/numpy_pickle.py), current and vendored in old sklearn. */
const WRAPPERS = new Set(['joblib.numpy_pickle.NumpyArrayWrapper', 'sklearn.externals.joblib.numpy_pickle.NumpyArrayWrapper']);

/** Calls that make an instance of their first argument without running its `__init__`. */
const RECONSTRUCTORS = new Set(['copyreg._reconstructor', 'copyreg.__newobj__', 'copyreg.__newobj_ex__']);

/** `NumpyArrayWrapper.__init__(subclass, shape, order, dtype, allow_mmap=False, numpy_array_alignment_bytes=16)`. */
const INIT_PARAMETERS = ['subclass', 'shape', 'order', 'dtype', 'allow_mmap', 'numpy_array_alignment_bytes'];
const INIT_DEFAULTS: PValue[] = [
  { k: 'bool', v: false },
  { k: 'int', v: 16 },
];

const malformed = (why: string): never => {
  throw new ModelgateError('MALFORMED', `joblib array wrapper: ${why}`);
};

const isWrapperClass = (v: PValue | undefined): boolean => v?.k === 'global' && WRAPPERS.has(v.ref.path);

/**
 * How the object was made, when it is a NumpyArrayWrapper: by a class call, which runs
 * `__init__`, or by `__new__` alone (NEWOBJ, which joblib writes, or a copyreg reconstructor).
 */
function wrapperCreation(target: PValue): 'init' | 'new' | undefined {
  if (target.k !== 'obj' || target.callee.k !== 'global') return undefined;
  if (isWrapperClass(target.callee)) return target.op === 'NEWOBJ' || target.op === 'NEWOBJ_EX' ? 'new' : 'init';
  if (RECONSTRUCTORS.has(target.callee.ref.path) && isWrapperClass(target.args[0])) return 'new';
  return undefined;
}

/** Python's `load_build` without `__setstate__`: a dict state (or (dict, slots)) updates the attributes. */
function applyBuild(attributes: Map<string, PValue>, state: PValue): void {
  const parts = state.k === 'tuple' && state.items.length === 2 ? state.items : [state];
  for (const part of parts) {
    if (part.k === 'none') continue;
    if (part.k !== 'dict') return malformed(`a ${part.k} state`);
    if (part.computedKey || part.dropped || part.setstateKey) return malformed('a state whose keys cannot all be read');
    for (const [key, value] of part.entries) if (key.k === 'str') attributes.set(key.v, value);
  }
}

/** The wrapper's attributes at this BUILD: from `__init__` if it ran, then every state so far. */
function wrapperAttributes(target: PObject, creation: 'init' | 'new'): Map<string, PValue> {
  const attributes = new Map<string, PValue>();
  if (creation === 'init') {
    const args = target.args;
    if (args.length < 4 || args.length > INIT_PARAMETERS.length) malformed(`__init__ with ${args.length} arguments`);
    INIT_PARAMETERS.forEach((name, i) => attributes.set(name, (args[i] ?? INIT_DEFAULTS[i - 4])!));
  }
  // The parser has already appended this BUILD's state to `states`.
  for (const state of target.states) applyBuild(attributes, state);
  return attributes;
}

/** `len(shape)` and the product of its sizes, as `read_array` computes `count`. */
function elementCount(shape: PValue | undefined): number {
  if (shape?.k !== 'tuple' && shape?.k !== 'list') return malformed('shape is not a sequence');
  if (shape.k === 'list' && shape.dropped) return malformed('shape too long');
  let count = 1;
  for (const dim of shape.items) {
    if (dim.k !== 'int' || Number(dim.v) < 0) return malformed('shape is not a sequence of sizes');
    count *= Number(dim.v);
  }
  if (!Number.isSafeInteger(count)) malformed(`an array of ${count} items is absurd`);
  return count;
}

/**
 * joblib writes each numpy array's raw bytes into the pickle stream right after the BUILD of
 * its NumpyArrayWrapper, and NumpyUnpickler.load_build reads them there (joblib/numpy_pickle.py
 * NumpyArrayWrapper.read_array): an object dtype means a nested pickle, read by a plain
 * Unpickler; otherwise a padding-length byte and padding when the wrapper's
 * `numpy_array_alignment_bytes` is not None, then count × itemsize bytes. This hook steps over
 * the data exactly as the loader does and keeps the nested pickles for the rules; what it
 * cannot size with certainty breaks the stream (fail closed).
 */
export class JoblibArrayReader {
  /** True once a NumpyArrayWrapper was built: the pickle is a joblib dump. */
  seen = false;
  /** The pickles of object arrays, read by their own Unpickler. */
  readonly nestedStreams: PickleStream[] = [];

  constructor(private readonly limits: Limits) {}

  /** True when `afterBuild` reads array data from the stream after this target's BUILD. */
  readonly readsAfterBuild = (target: PValue): boolean => wrapperCreation(target) !== undefined;

  readonly afterBuild = (target: PValue, _state: PValue, reader: ByteReader, frameEnd: number | undefined): void => {
    const creation = wrapperCreation(target);
    if (creation === undefined || target.k !== 'obj') return;
    this.seen = true;
    // joblib commits the frame before writing an array, so the wrapper's BUILD ends its frame.
    // Inside a frame, read_array would read from the file handle after the frame: two readings.
    if (frameEnd !== undefined) malformed(`an array wrapper built inside a pickle frame that ends at ${frameEnd}; joblib would read the array after the frame`);
    const attributes = wrapperAttributes(target, creation);
    const count = elementCount(attributes.get('shape'));
    const dtype = describePickledDtype(attributes.get('dtype') ?? malformed('no dtype'));
    if (dtype.hasObject) {
      // With mmap_mode, read_mmap would map these bytes instead of unpickling them; joblib
      // never allows mmap for object arrays, so a wrapper that does has two readings.
      const mmap = attributes.get('allow_mmap');
      if (mmap !== undefined && !(mmap.k === 'bool' && !mmap.v) && mmap.k !== 'none') malformed('an object array that allows mmap');
      // A fresh pickle.Unpickler, not NumpyUnpickler: wrappers inside it are not read as arrays.
      const nested = parsePickleStream(reader, { limits: this.limits });
      this.nestedStreams.push(nested);
      if (nested.error) throw nested.error;
      if (nested.frameEnd !== undefined)
        malformed(`the object array's pickle stops inside a frame that ends at ${nested.frameEnd}; joblib would drop the rest of the frame`);
      return;
    }
    if (!dtype.sizeCertain) malformed('a dtype whose size depends on the platform');
    // safe_get_numpy_array_alignment_bytes: getattr(self, 'numpy_array_alignment_bytes', None).
    const alignment = attributes.get('numpy_array_alignment_bytes');
    if (alignment !== undefined && alignment.k !== 'none') reader.skip(reader.u8());
    const bytes = count * dtype.itemSize;
    if (!Number.isSafeInteger(bytes)) malformed(`an array of ${count} items of ${dtype.itemSize} bytes is absurd`);
    reader.skip(bytes);
  };
}
