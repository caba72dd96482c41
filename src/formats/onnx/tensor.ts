import type { ByteSource } from '../../core/byte-source.js';
import { ModelgateError } from '../../core/errors.js';
import { ProtoReader } from '../protobuf/wire.js';
import type { OnnxTensor } from './model.js';
import { floats, int64s, type ValueCap } from './scalars.js';

/**
 * Elements decoded from one model's tensors together (a budget shared by the calls of one
 * model). Decoding is for small models run by the screening interpreter (10^4..10^7
 * parameters); the cap keeps a crafted dims field from asking for gigabytes.
 */
export const MAX_DECODED_ELEMENTS = 100_000_000;

/** Dims of one decoded tensor; tensors of image classifiers have at most 6. */
export const MAX_DECODED_RANK = 8;

/** TensorProto.DataType values that are decoded (onnx.proto, enum DataType). */
export const DataType = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7, DOUBLE: 11 } as const;

/** A tensor's values: floats (FLOAT, DOUBLE) as float32, integers as numbers (exact below 2^53). */
export type OnnxTensorValues = { kind: 'float'; dims: number[]; data: Float32Array } | { kind: 'int'; dims: number[]; data: number[] };

/** Elements decoded so far for one model. */
export interface DecodeBudget {
  elements: number;
}

/** Bytes per element in raw_data (9), little-endian. */
const RAW_WIDTH: ReadonlyMap<number, number> = new Map([
  [DataType.FLOAT, 4],
  [DataType.DOUBLE, 8],
  [DataType.INT64, 8],
  [DataType.INT32, 4],
  [DataType.INT8, 1],
  [DataType.UINT8, 1],
]);

/**
 * The values of a located TensorProto (onnx.proto, message TensorProto): dims (1), data_type
 * (2), then raw_data (9) when present, else the typed field the data type names: float_data (4)
 * for FLOAT, double_data (10) for DOUBLE, int64_data (7) for INT64, int32_data (5) for INT32,
 * INT8 and UINT8. Pure and bounded: dims and the element budget are checked before any data is
 * read, and the data must hold exactly one value per element. External data and other data
 * types are UNSUPPORTED; a count that does not match is MALFORMED.
 */
export function readTensorValues(source: ByteSource, tensor: OnnxTensor, budget: DecodeBudget): OnnxTensorValues {
  const name = tensor.name || '?';
  if (tensor.external) throw new ModelgateError('UNSUPPORTED', `tensor ${name} keeps its data outside the model file`, { offset: tensor.start });
  const fail = (why: string): never => {
    throw new ModelgateError('MALFORMED', `tensor ${name}: ${why}`, { offset: tensor.start });
  };
  const header = ProtoReader.over(source, tensor.start, tensor.end);
  const dims: number[] = [];
  const tooManyDims = (): never => fail(`has more than ${MAX_DECODED_RANK} dims`);
  const pushDim = (d: number): void => {
    if (dims.length >= MAX_DECODED_RANK) tooManyDims();
    dims.push(d);
  };
  let dataType = 0;
  while (header.next()) {
    if (header.field === 1) int64s(header, pushDim, 64, { max: MAX_DECODED_RANK - dims.length, tooMany: tooManyDims });
    else if (header.field === 2) dataType = header.varint();
    else header.skip();
  }
  if (dims.some((d) => d < 0 || !Number.isSafeInteger(d))) fail(`has invalid dims [${dims.join(',')}]`);
  const count = dims.reduce((a, b) => a * b, 1);
  budget.elements += count;
  if (budget.elements > MAX_DECODED_ELEMENTS)
    throw new ModelgateError('LIMIT_MEMBER_BYTES', `weights exceed ${MAX_DECODED_ELEMENTS} elements`, { offset: tensor.start });
  const width = RAW_WIDTH.get(dataType);
  if (width === undefined) throw new ModelgateError('UNSUPPORTED', `tensor ${name} has data type ${dataType}, which is not decoded`, { offset: tensor.start });
  const isFloat = dataType === DataType.FLOAT || dataType === DataType.DOUBLE;
  const values: number[] = [];
  const tooMany = (): never => fail(`has more values than its ${count} elements`);
  const push = (v: number): void => {
    if (values.length >= count) tooMany();
    values.push(v);
  };
  const cap = (): ValueCap => ({ max: count - values.length, tooMany });
  let raw: Buffer | undefined;
  const r = ProtoReader.over(source, tensor.start, tensor.end);
  while (r.next()) {
    if (r.field === 9) {
      const { start, end } = r.range();
      if (end - start !== count * width) fail(`raw_data has ${end - start} bytes for ${count} elements`);
      raw = r.bytesAt(start, end);
    } else if (r.field === 4 && dataType === DataType.FLOAT) floats(r, 4, push, cap());
    else if (r.field === 10 && dataType === DataType.DOUBLE) floats(r, 8, push, cap());
    else if (r.field === 7 && dataType === DataType.INT64) int64s(r, push, 64, cap());
    else if (r.field === 5 && !isFloat && dataType !== DataType.INT64) int64s(r, push, 32, cap());
    else r.skip();
  }
  if (raw) return isFloat ? { kind: 'float', dims, data: floatsFromRaw(raw, width, count) } : { kind: 'int', dims, data: intsFromRaw(raw, dataType, count) };
  if (values.length !== count) fail(`has ${values.length} values for ${count} elements`);
  return isFloat ? { kind: 'float', dims, data: Float32Array.from(values) } : { kind: 'int', dims, data: values };
}

/** FLOAT (width 4) or DOUBLE (width 8) raw_data, little-endian as onnx.numpy_helper reads it. */
function floatsFromRaw(raw: Buffer, width: number, count: number): Float32Array {
  const data = new Float32Array(count);
  if (width === 4) for (let i = 0; i < count; i++) data[i] = raw.readFloatLE(i * 4);
  else for (let i = 0; i < count; i++) data[i] = raw.readDoubleLE(i * 8);
  return data;
}

/** Integer raw_data, little-endian. */
function intsFromRaw(raw: Buffer, dataType: number, count: number): number[] {
  switch (dataType) {
    case DataType.INT64:
      return Array.from({ length: count }, (_, i) => Number(raw.readBigInt64LE(i * 8)));
    case DataType.INT32:
      return Array.from({ length: count }, (_, i) => raw.readInt32LE(i * 4));
    case DataType.INT8:
      return Array.from({ length: count }, (_, i) => raw.readInt8(i));
    default:
      return Array.from(raw.subarray(0, count));
  }
}
