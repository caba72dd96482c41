import type { PickleBuilder } from '../pickle/builder.js';

/**
 * Test-only: writes joblib's NumpyArrayWrapper records into a pickle being built, as
 * joblib/numpy_pickle.py NumpyPickler writes them (the array bytes are the caller's).
 */

/** The state tuple dtype.__reduce__ writes (version, byte order, ..., elsize, alignment, flags). */
export interface DtypeState {
  version?: number;
  elsize?: number;
  flags?: number;
}

/** `numpy.dtype(descr, False, True)` then, as dtype.__reduce__ writes it, BUILD with its state. */
export function numpyDtype(b: PickleBuilder, descr: string, state: DtypeState | null = {}): PickleBuilder {
  b.global('numpy', 'dtype').binunicode(descr).newfalse().newtrue().tuple3().reduce();
  if (state === null) return b;
  return b
    .mark()
    .binint1(state.version ?? 3)
    .binunicode('<')
    .none()
    .none()
    .none()
    .binint(state.elsize ?? -1)
    .binint(-1)
    .binint(state.flags ?? 0)
    .tuple()
    .build();
}

/** One wrapper: the array's shape and dtype, and the attributes joblib sets. */
export interface WrapperOptions {
  shape: number[];
  descr: string;
  dtypeState?: DtypeState | null;
  /** The `numpy_array_alignment_bytes` entry: a number, None (null) or absent (undefined). */
  alignment?: number | null;
  allowMmap?: boolean;
}

/** NumpyArrayWrapper as NumpyPickler writes it: NEWOBJ, then BUILD with its attribute dict. */
export function arrayWrapper(b: PickleBuilder, o: WrapperOptions): PickleBuilder {
  b.global('joblib.numpy_pickle', 'NumpyArrayWrapper').emptyTuple().newobj().emptyDict().mark();
  b.binunicode('subclass').global('numpy', 'ndarray');
  b.binunicode('shape').mark();
  for (const d of o.shape) b.binint(d);
  b.tuple();
  b.binunicode('order').binunicode('C');
  b.binunicode('dtype');
  numpyDtype(b, o.descr, o.dtypeState === undefined ? {} : o.dtypeState);
  b.binunicode('allow_mmap');
  if (o.allowMmap) b.newtrue();
  else b.newfalse();
  if (o.alignment !== undefined) {
    b.binunicode('numpy_array_alignment_bytes');
    if (o.alignment === null) b.none();
    else b.binint1(o.alignment);
  }
  return b.setitems().build();
}

/** joblib's padding: one length byte, then zeros up to a multiple of 16 (write_array). */
export function aligned(b: PickleBuilder): PickleBuilder {
  const padding = 16 - ((b.length + 1) % 16);
  return b.raw([padding]).raw(Buffer.alloc(padding));
}
