import { float32Bytes, onnxModel, type AttributeDesc } from '../../src/formats/onnx/builder.js';
import { DataType } from '../../src/formats/onnx/tensor.js';

/** Test-only: a small ONNX classifier described compactly, written by the ONNX format's builder. */
export type Attr = Pick<AttributeDesc, 'name' | 'i' | 'f' | 'ints' | 's'>;
export interface Node {
  op: string;
  inputs: string[];
  outputs: string[];
  attrs?: Attr[];
  domain?: string;
}
export interface Model {
  inputs: Array<{ name: string; dims: Array<number | string> }>;
  outputs: Array<{ name: string; dims: Array<number | string> }>;
  nodes: Node[];
  /** FLOAT initializers, as raw_data. */
  weights?: Array<{ name: string; dims: number[]; data: number[] }>;
  /** INT64 vectors (shapes), as int64_data. */
  ints?: Array<{ name: string; data: number[] }>;
  opset?: number;
}

export function buildModel(m: Model): Buffer {
  return onnxModel({
    producerName: 'modelgate-test',
    opsets: [['', m.opset ?? 13]],
    graph: {
      name: 'test',
      nodes: m.nodes.map((n) => ({ opType: n.op, inputs: n.inputs, outputs: n.outputs, attributes: n.attrs, domain: n.domain })),
      initializers: [
        ...(m.weights ?? []).map((w) => ({ name: w.name, dims: w.dims, raw: float32Bytes(w.data) })),
        ...(m.ints ?? []).map((t) => ({ name: t.name, dims: [t.data.length], dataType: DataType.INT64, int64s: t.data })),
      ],
      inputs: m.inputs,
      outputs: m.outputs,
    },
  });
}
