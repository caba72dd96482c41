import { ByteReader } from '../../core/byte-reader.js';
import type { ByteSource } from '../../core/byte-source.js';
import { ModelgateError } from '../../core/errors.js';
import type { MxnetArray, MxnetParams } from './model.js';

/** kMXAPINDArrayListMagic (src/ndarray/ndarray.cc): the first uint64 of an NDArray list file. */
const LIST_MAGIC = 0x112;
/** NDARRAY_V2_MAGIC and NDARRAY_V3_MAGIC (numpy shape semantics, ndim -1 for none). */
const V2_MAGIC = 0xf993fac9;
const V3_MAGIC = 0xf993faca;

/** Bytes per element of each mshadow type flag (mshadow/base.h: float32 0 … bfloat16 12). */
const TYPE_BYTES = [4, 8, 2, 1, 4, 1, 8, 1, 2, 2, 4, 8, 2];

/** Auxiliary arrays per storage type: dense none, row_sparse one (indices), csr two (indptr, indices). */
const AUX_COUNT = [0, 1, 2];

/** Arrays of one file; a large model has a few thousand. */
const MAX_ARRAYS = 1_000_000;
/** Dims of one shape. */
const MAX_NDIM = 64;
/** Bytes of one name. */
const MAX_NAME_BYTES = 64 * 1024;

/** True when the head is an NDArray list: the magic 0x112 then a reserved zero, as uint64 little-endian. */
export function isMxnetParams(head: Buffer): boolean {
  return head.length >= 16 && head.readBigUInt64LE(0) === BigInt(LIST_MAGIC) && head.readBigUInt64LE(8) === 0n;
}

/** A TShape (mxnet Tuple::Save): int32 ndim, then int64 dims; `legacy` ones have uint32 dims. */
function shape(r: ByteReader, legacy: boolean, ndimRead?: number): number[] | undefined {
  const at = r.pos;
  const ndim = ndimRead ?? r.i32le();
  if (ndim === -1) return undefined;
  if (ndim < 0 || ndim > MAX_NDIM) throw new ModelgateError('MALFORMED', `shape with ${ndim} dims`, { offset: at });
  const dims: number[] = [];
  for (let i = 0; i < ndim; i++) {
    const d = legacy ? r.u32le() : Number(r.i64le());
    if (d < 0 || !Number.isSafeInteger(d)) throw new ModelgateError('MALFORMED', `shape dim ${d}`, { offset: at });
    dims.push(d);
  }
  return dims;
}

function typeBytes(flag: number, at: number): number {
  const size = TYPE_BYTES[flag];
  if (size === undefined) throw new ModelgateError('UNSUPPORTED', `NDArray type flag ${flag} is not an mshadow type`, { offset: at });
  return size;
}

const product = (dims: number[], at: number): number => {
  const n = dims.reduce((a, b) => a * b, 1);
  if (!Number.isSafeInteger(n)) throw new ModelgateError('MALFORMED', 'array size is absurd', { offset: at });
  return n;
};

/** One NDArray (NDArray::Save, or NDArray::LegacyLoad's layout when there is no version magic). */
function readArray(r: ByteReader): MxnetArray {
  const offset = r.pos;
  const magic = r.u32le();
  if (magic !== V2_MAGIC && magic !== V3_MAGIC) {
    // Pre-1.0 layout: the uint32 just read is ndim, dims are uint32; ndim 0 is an empty array.
    const dims = shape(r, true, magic)!;
    if (dims.length === 0) return { stype: -1, shape: dims, offset };
    r.skip(8); // context: dev_type, dev_id
    const typeFlag = r.i32le();
    r.skip(typeBytes(typeFlag, offset) * product(dims, offset));
    return { stype: -1, shape: dims, typeFlag, offset };
  }
  const stype = r.i32le();
  const aux = AUX_COUNT[stype];
  if (aux === undefined) throw new ModelgateError('UNSUPPORTED', `NDArray storage type ${stype}`, { offset });
  const storage = aux > 0 ? shape(r, false) : undefined;
  const dims = shape(r, false);
  if (dims === undefined || (magic === V2_MAGIC && dims.length === 0)) return { stype, shape: dims ?? [], offset };
  r.skip(8); // context: dev_type, dev_id
  const typeFlag = r.i32le();
  const auxBytes: number[] = [];
  for (let i = 0; i < aux; i++) {
    const auxType = r.i32le();
    auxBytes.push(typeBytes(auxType, offset) * product(shape(r, false) ?? [], offset));
  }
  r.skip(typeBytes(typeFlag, offset) * product(storage ?? dims, offset));
  for (const n of auxBytes) r.skip(n);
  return { stype, shape: dims, typeFlag, offset };
}

/**
 * Parses an MXNet NDArray list (`mx.nd.save`, Gluon `save_parameters`): the magic, every
 * array's header (data passed over, never read) and the names. Pure data; fail closed: a
 * header that does not fit, or bytes after the names, ends the parse with `error`.
 */
export function parseMxnetParams(source: ByteSource): { model: MxnetParams; error?: ModelgateError } {
  const model: MxnetParams = { arrays: [], names: [] };
  try {
    const r = new ByteReader(source);
    if (!isMxnetParams(r.bytes(16))) throw new ModelgateError('MALFORMED', 'not an NDArray list (magic 0x112)', { offset: 0 });
    const count = r.u64le();
    if (count > MAX_ARRAYS) throw new ModelgateError('LIMIT_ENTRIES', `${count} arrays`, { offset: 16 });
    for (let i = 0; i < count; i++) model.arrays.push(readArray(r));
    const at = r.pos;
    const names = r.u64le();
    if (names !== 0 && names !== count) throw new ModelgateError('MALFORMED', `${names} names for ${count} arrays`, { offset: at });
    for (let i = 0; i < names; i++) {
      const length = r.u64le();
      if (length > MAX_NAME_BYTES) throw new ModelgateError('LIMIT_STRING', `name of ${length} bytes`, { offset: r.pos });
      model.names.push(r.text(length, 'utf8'));
    }
    if (!r.atEnd()) throw new ModelgateError('MALFORMED', `${r.remaining} bytes after the names`, { offset: r.pos });
    return { model };
  } catch (e) {
    return { model, error: e instanceof ModelgateError ? e : new ModelgateError('MALFORMED', String(e), { cause: e }) };
  }
}
