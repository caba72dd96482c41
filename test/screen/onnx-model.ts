import { proto, type ProtoWriter } from '../../src/formats/protobuf/writer.js';

/** Test-only: emits a small ONNX ModelProto (onnx.proto field numbers) with weights, inputs and outputs. */
export interface Attr {
  name: string;
  i?: number;
  f?: number;
  ints?: number[];
  s?: string;
}
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
  weights?: Array<{ name: string; dims: number[]; data: number[] }>;
  ints?: Array<{ name: string; data: number[] }>;
  opset?: number;
}

const int64 = (v: number): bigint => BigInt.asUintN(64, BigInt(v));

function valueInfo(v: { name: string; dims: Array<number | string> }): ProtoWriter {
  const shape = proto();
  for (const d of v.dims) shape.message(1, typeof d === 'number' ? proto().uint(1, d) : proto().string(2, d));
  return proto()
    .string(1, v.name)
    .message(2, proto().message(1, proto().uint(1, 1).message(2, shape)));
}

export function buildModel(m: Model): Buffer {
  const graph = proto();
  for (const n of m.nodes) {
    const node = proto();
    for (const i of n.inputs) node.string(1, i);
    for (const o of n.outputs) node.string(2, o);
    node.string(4, n.op);
    for (const a of n.attrs ?? []) {
      const attr = proto().string(1, a.name);
      if (a.f !== undefined) attr.fixed32(2, new Uint32Array(Float32Array.of(a.f).buffer)[0]);
      if (a.i !== undefined) attr.uint(3, int64(a.i));
      if (a.s !== undefined) attr.string(4, a.s);
      if (a.ints) attr.packed(8, a.ints.map(int64));
      // AttributeProto.type (20): FLOAT 1, INT 2, STRING 3, INTS 7.
      attr.uint(20, a.f !== undefined ? 1 : a.i !== undefined ? 2 : a.s !== undefined ? 3 : 7);
      node.message(5, attr);
    }
    if (n.domain) node.string(7, n.domain);
    graph.message(1, node);
  }
  graph.string(2, 'test');
  for (const w of m.weights ?? []) {
    graph.message(5, proto().packed(1, w.dims).uint(2, 1).string(8, w.name).bytes(9, Buffer.from(Float32Array.from(w.data).buffer)));
  }
  for (const t of m.ints ?? []) graph.message(5, proto().packed(1, [t.data.length]).uint(2, 7).packed(7, t.data.map(int64)).string(8, t.name));
  for (const i of m.inputs) graph.message(11, valueInfo(i));
  for (const o of m.outputs) graph.message(12, valueInfo(o));
  return proto()
    .uint(1, 8)
    .string(2, 'modelgate-test')
    .message(7, graph)
    .message(8, proto().string(1, '').uint(2, m.opset ?? 13))
    .finish();
}
