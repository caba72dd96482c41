import { ByteReader } from '../../core/byte-reader.js';
import { BufferSource, type ByteSource } from '../../core/byte-source.js';
import { ModelgateError } from '../../core/errors.js';
import { ProtoReader } from '../protobuf/wire.js';
import type { PaddleParams, PaddleTensor } from './model.js';

/**
 * Bytes per element of each VarType.Type a tensor may hold (framework.proto `VarType.Type`):
 * BOOL 0, INT16 1, INT32 2, INT64 3, FP16 4, FP32 5, FP64 6, SIZE_T 19, UINT8 20, INT8 21,
 * BF16 22, COMPLEX64 23, COMPLEX128 24, FP8_E4M3FN 32, FP8_E5M2 33.
 */
const ELEMENT_BYTES = new Map<number, number>([
  [0, 1], [1, 2], [2, 4], [3, 8], [4, 2], [5, 4], [6, 8], [19, 8], [20, 1], [21, 1], [22, 2], [23, 8], [24, 16], [32, 1], [33, 1],
]); // prettier-ignore

/** LoD levels of one tensor; parameters have none, sequence tensors one or two. */
const MAX_LOD_LEVELS = 16;

/** Bytes of one TensorDesc; it holds a type and a few dims. */
const MAX_DESC_BYTES = 4096;

/** Dims of one tensor. */
const MAX_DIMS = 64;

/** Tensors of one file; a large model has a few thousand parameters. */
const MAX_TENSORS = 1_000_000;

/** TensorDesc (framework.proto `VarType.TensorDesc`): data_type 1, dims 2 (int64, packed or not). */
function readDesc(bytes: Buffer, offset: number): { dataType: number; dims: number[] } {
  const r = ProtoReader.over(new BufferSource(bytes));
  let dataType: number | undefined;
  const dims: number[] = [];
  while (r.next()) {
    if (r.field === 1) dataType = r.varint();
    else if (r.field === 2) {
      r.varints((v) => {
        if (dims.length >= MAX_DIMS) throw new ModelgateError('LIMIT_ENTRIES', `tensor with more than ${MAX_DIMS} dims`, { offset });
        dims.push(Number(BigInt.asIntN(64, BigInt(v))));
      });
    } else r.skip();
  }
  if (dataType === undefined) throw new ModelgateError('MALFORMED', 'TensorDesc without its data type', { offset });
  return { dataType, dims };
}

/** One LoDTensor record (lod_tensor.cc SerializeToStream, then tensor_util.cc TensorToStream). */
function readTensor(r: ByteReader): PaddleTensor {
  const offset = r.pos;
  if (r.u32le() !== 0) throw new ModelgateError('MALFORMED', 'LoDTensor version is not 0', { offset });
  const lodLevels = r.u64le();
  if (lodLevels > MAX_LOD_LEVELS) throw new ModelgateError('MALFORMED', `${lodLevels} LoD levels`, { offset });
  for (let i = 0; i < lodLevels; i++) r.skip(r.u64le());
  const at = r.pos;
  if (r.u32le() !== 0) throw new ModelgateError('MALFORMED', 'Tensor version is not 0', { offset: at });
  const descBytes = r.i32le();
  if (descBytes <= 0 || descBytes > MAX_DESC_BYTES) throw new ModelgateError('MALFORMED', `TensorDesc of ${descBytes} bytes`, { offset: at });
  const { dataType, dims } = readDesc(Buffer.from(r.bytes(descBytes)), r.pos);
  const size = ELEMENT_BYTES.get(dataType);
  if (size === undefined) throw new ModelgateError('UNSUPPORTED', `tensor data type ${dataType} is not a Paddle tensor type`, { offset: at });
  let dataBytes = size;
  for (const d of dims) {
    if (d < 0) throw new ModelgateError('MALFORMED', `tensor dim ${d} is negative`, { offset: at });
    dataBytes *= d;
  }
  if (!Number.isSafeInteger(dataBytes)) throw new ModelgateError('MALFORMED', 'tensor size is absurd', { offset: at });
  const dataOffset = r.pos;
  r.skip(dataBytes);
  return { dataType, dims, lodLevels, offset, dataOffset, dataBytes };
}

/**
 * True when the head is the start of a LoDTensor record: version 0, a few LoD levels, then
 * (with no LoD) tensor version 0, a small TensorDesc size and a TensorDesc whose first key is
 * data_type. What `.pdiparams` files (save_combine) and single-parameter files begin with; a
 * `.pdiparams` name is taken whatever its bytes (its first tensor may carry a LoD).
 */
export function looksLikePaddleParams(head: Buffer, name = ''): boolean {
  if (name.toLowerCase().endsWith('.pdiparams')) return true;
  if (head.length < 20 || head.readUInt32LE(0) !== 0 || head.readBigUInt64LE(4) !== 0n) return false;
  const descBytes = head.readInt32LE(16);
  return head.readUInt32LE(12) === 0 && descBytes >= 2 && descBytes <= MAX_DESC_BYTES && head[20] === 0x08;
}

/**
 * Parses a `.pdiparams` stream: LoDTensor records back to back to the end of the file, as
 * `save_combine` writes them (names live in the program, not here). Data is passed over,
 * never read. Fail closed: a record that does not fit ends the parse with `error`.
 */
export function parsePaddleParams(source: ByteSource): { model: PaddleParams; error?: ModelgateError } {
  const model: PaddleParams = { tensors: [] };
  try {
    const r = new ByteReader(source);
    while (!r.atEnd()) {
      if (model.tensors.length >= MAX_TENSORS) throw new ModelgateError('LIMIT_ENTRIES', `more than ${MAX_TENSORS} tensors`, { offset: r.pos });
      model.tensors.push(readTensor(r));
    }
    if (model.tensors.length === 0) throw new ModelgateError('MALFORMED', 'no tensor');
    return { model };
  } catch (e) {
    return { model, error: e instanceof ModelgateError ? e : new ModelgateError('MALFORMED', String(e), { cause: e }) };
  }
}
