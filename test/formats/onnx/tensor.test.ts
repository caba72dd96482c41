import { describe, expect, it } from 'vitest';
import { BufferSource } from '../../../src/core/byte-source.js';
import { float32Bytes, onnxModel, type TensorDesc } from '../../../src/formats/onnx/builder.js';
import { parseOnnx } from '../../../src/formats/onnx/parse.js';
import { DataType, MAX_DECODED_ELEMENTS, readTensorValues, type DecodeBudget } from '../../../src/formats/onnx/tensor.js';

/** Decodes the one initializer of a model built around `tensor`. */
function decode(tensor: TensorDesc, budget: DecodeBudget = { elements: 0 }) {
  const bytes = onnxModel({ graph: { initializers: [tensor], nodes: [{ opType: 'Relu' }] } });
  const { model, error } = parseOnnx(new BufferSource(bytes));
  expect(error).toBeUndefined();
  const located = model.graph?.initializers[0];
  if (!located) throw new Error('no initializer');
  return readTensorValues(new BufferSource(bytes), located, budget);
}

const le64 = (values: bigint[]): Buffer => Buffer.from(BigInt64Array.from(values).buffer);

describe('readTensorValues', () => {
  it.each<[string, TensorDesc, { kind: string; dims: number[]; data: number[] }]>([
    ['FLOAT raw_data', { name: 'w', dims: [2, 2], raw: float32Bytes([1, -2, 0.5, 3]) }, { kind: 'float', dims: [2, 2], data: [1, -2, 0.5, 3] }],
    ['FLOAT float_data', { name: 'w', dims: [3], floats: [1.5, 2, -4] }, { kind: 'float', dims: [3], data: [1.5, 2, -4] }],
    ['DOUBLE double_data', { name: 'w', dims: [2], dataType: DataType.DOUBLE, doubles: [0.25, -8] }, { kind: 'float', dims: [2], data: [0.25, -8] }],
    [
      'DOUBLE raw_data',
      { name: 'w', dims: [1], dataType: DataType.DOUBLE, raw: Buffer.from(Float64Array.of(6.5).buffer) },
      { kind: 'float', dims: [1], data: [6.5] },
    ],
    // int64_data of a Reshape shape: -1 is exact, not 2^64 rounded.
    [
      'INT64 int64_data',
      { name: 's', dims: [3], dataType: DataType.INT64, int64s: [-1, 60, -(2 ** 40)] },
      { kind: 'int', dims: [3], data: [-1, 60, -(2 ** 40)] },
    ],
    ['INT64 raw_data', { name: 's', dims: [2], dataType: DataType.INT64, raw: le64([-1n, 7n]) }, { kind: 'int', dims: [2], data: [-1, 7] }],
    // A negative int32 is sign-extended to ten bytes on the wire.
    ['INT32 int32_data', { name: 'i', dims: [2], dataType: DataType.INT32, int32s: [-3, 4] }, { kind: 'int', dims: [2], data: [-3, 4] }],
    ['INT8 raw_data', { name: 'i', dims: [2], dataType: DataType.INT8, raw: Buffer.from([0xff, 0x02]) }, { kind: 'int', dims: [2], data: [-1, 2] }],
    ['UINT8 raw_data', { name: 'i', dims: [2], dataType: DataType.UINT8, raw: Buffer.from([0xff, 0x02]) }, { kind: 'int', dims: [2], data: [255, 2] }],
    ['a scalar (no dims)', { name: 'c', floats: [7] }, { kind: 'float', dims: [], data: [7] }],
  ])('decodes %s', (_name, tensor, expected) => {
    const values = decode(tensor);
    expect({ kind: values.kind, dims: values.dims, data: Array.from(values.data) }).toEqual(expected);
    if (expected.kind === 'float') expect(values.data).toBeInstanceOf(Float32Array);
  });

  it('reads the field the data type names, not another', () => {
    // float_data for an INT64 tensor is not where a runtime looks: no values.
    expect(() => decode({ name: 's', dims: [1], dataType: DataType.INT64, floats: [1] })).toThrow(expect.objectContaining({ code: 'MALFORMED' }));
  });

  it.each<[string, TensorDesc, string]>([
    ['too few values', { name: 'w', dims: [4], floats: [1, 2] }, 'MALFORMED'],
    ['too many values', { name: 'w', dims: [1], floats: [1, 2] }, 'MALFORMED'],
    ['raw_data of the wrong size', { name: 'w', dims: [2], raw: Buffer.alloc(7) }, 'MALFORMED'],
    ['a negative dim', { name: 'w', dims: [-2], floats: [] }, 'MALFORMED'],
    ['rank 9', { name: 'w', dims: [1, 1, 1, 1, 1, 1, 1, 1, 1], floats: [1] }, 'MALFORMED'],
    ['FLOAT16 data', { name: 'h', dims: [1], dataType: 10, raw: Buffer.alloc(2) }, 'UNSUPPORTED'],
    ['external data', { name: 'e', dims: [1], external: [['location', 'w.bin']] }, 'UNSUPPORTED'],
    // The element budget is checked before any data is read.
    ['dims past the element budget', { name: 'huge', dims: [MAX_DECODED_ELEMENTS + 1] }, 'LIMIT_MEMBER_BYTES'],
  ])('refuses %s with a typed error', (_name, tensor, code) => {
    expect(() => decode(tensor)).toThrow(expect.objectContaining({ code }));
  });

  it('charges one budget across the tensors of a model', () => {
    const budget = { elements: MAX_DECODED_ELEMENTS - 1 };
    expect(() => decode({ name: 'w', dims: [2], floats: [1, 2] }, budget)).toThrow(expect.objectContaining({ code: 'LIMIT_MEMBER_BYTES' }));
  });
});
