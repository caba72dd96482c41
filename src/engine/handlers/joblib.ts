import type { ByteReader } from '../../core/byte-reader.js';
import { ModelgateError } from '../../core/errors.js';
import type { PickleStream, PValue } from '../../formats/pickle/model.js';
import { parsePickleStream } from '../../formats/pickle/parse.js';
import type { ScanContext } from '../context.js';

/** joblib's array wrapper classes (joblib/numpy_pickle.py), current and vendored in old sklearn. */
const WRAPPERS = new Set([
  'joblib.numpy_pickle.NumpyArrayWrapper',
  'sklearn.externals.joblib.numpy_pickle.NumpyArrayWrapper',
]);

function dictGet(v: PValue | undefined, key: string): PValue | undefined {
  if (v?.k !== 'dict') return undefined;
  for (const [k, val] of v.entries) if (k.k === 'str' && k.v === key) return val;
  return undefined;
}

/** The dtype string and element size of a pickled `numpy.dtype(...)` object. */
function dtypeInfo(dtype: PValue | undefined): { descr: string; itemSize: number | undefined; hasObject: boolean } {
  if (dtype?.k !== 'obj') throw new ModelgateError('MALFORMED', 'joblib array wrapper without a dtype');
  const descr = dtype.args[0]?.k === 'str' ? dtype.args[0].v : '';
  // numpy's dtype.__setstate__ state: (version, byteorder, subarray, names, fields, elsize, alignment, flags)
  const state = dtype.states[0];
  const elsize = state?.k === 'tuple' && state.items[5]?.k === 'int' ? Number(state.items[5].v) : -1;
  const flags = state?.k === 'tuple' && state.items[7]?.k === 'int' ? Number(state.items[7].v) : 0;
  // NPY_ITEM_HASOBJECT is flag 0x01 in dtype flags; a descr of 'O' is an object array.
  const hasObject = descr.startsWith('O') || (flags & 0x01) === 0x01;
  let itemSize: number | undefined = elsize > 0 ? elsize : undefined;
  if (itemSize === undefined) {
    const m = /^([a-zA-Z])(\d+)$/.exec(descr);
    if (m) itemSize = m[1] === 'U' ? 4 * Number(m[2]) : Number(m[2]);
    else if (descr === '?' || descr === 'b1') itemSize = 1;
  }
  return { descr, itemSize, hasObject };
}

/**
 * joblib writes each numpy array's raw bytes into the pickle stream right after the BUILD of
 * its NumpyArrayWrapper (NumpyArrayWrapper.read_array): an alignment-padding length byte and
 * padding when the state has `numpy_array_alignment_bytes`, then the data; an object array is
 * a nested pickle instead. This hook steps over the data as the loader reads it, and parses
 * the nested pickles.
 */
export class JoblibArrays {
  seen = false;
  readonly nestedStreams: PickleStream[] = [];
  private depth = 0;

  constructor(private readonly ctx: ScanContext) {}

  readonly afterBuild = (target: PValue, state: PValue, reader: ByteReader): void => {
    if (target.k !== 'obj' || target.callee.k !== 'global' || !WRAPPERS.has(target.callee.ref.path)) return;
    this.seen = true;
    const { descr, itemSize, hasObject } = dtypeInfo(dictGet(state, 'dtype'));
    if (hasObject) {
      if (this.depth >= this.ctx.limits.maxNestingDepth) throw new ModelgateError('LIMIT_DEPTH', 'joblib object arrays nested too deep');
      this.depth++;
      try {
        const nested = parsePickleStream(reader, { limits: this.ctx.limits, afterBuild: this.afterBuild });
        this.nestedStreams.push(nested);
        if (nested.error) throw nested.error;
      } finally {
        this.depth--;
      }
      return;
    }
    const shape = dictGet(state, 'shape');
    if (shape?.k !== 'tuple' || itemSize === undefined) throw new ModelgateError('MALFORMED', `joblib array of dtype '${descr}' cannot be sized`);
    let count = 1;
    for (const dim of shape.items) {
      if (dim.k !== 'int' || Number(dim.v) < 0) throw new ModelgateError('MALFORMED', 'joblib array shape is not a tuple of sizes');
      count *= Number(dim.v);
    }
    if (dictGet(state, 'numpy_array_alignment_bytes') !== undefined) {
      const padding = reader.u8();
      reader.skip(padding);
    }
    const bytes = count * itemSize;
    if (!Number.isSafeInteger(bytes)) throw new ModelgateError('MALFORMED', `joblib array of ${count} items is absurd`);
    reader.skip(bytes);
  };
}
