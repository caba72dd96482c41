import { ProtoWriter, proto } from '../protobuf/writer.js';

/**
 * Test-only: emits ONNX ModelProto bytes from a typed description, with the field numbers of
 * onnx/onnx.proto. Fields are written in field-number order as protobuf serializers do.
 */

export interface TensorDesc {
  name: string;
  dims?: number[];
  /** TensorProto.DataType; 1 is FLOAT. */
  dataType?: number;
  raw?: Buffer;
  /** float_data (4), int32_data (5), int64_data (7), double_data (10), packed. */
  floats?: number[];
  int32s?: number[];
  int64s?: number[];
  doubles?: number[];
  /** external_data (13) entries, in order. */
  external?: Array<[string, string]>;
  /** data_location (14); 1 is EXTERNAL. Defaults to 1 when `external` is given. */
  dataLocation?: number;
}

export interface AttributeDesc {
  name: string;
  /** AttributeProto.AttributeType: 1 FLOAT, 2 INT, 3 STRING, 4 TENSOR, 5 GRAPH, 6 FLOATS, 7 INTS, 10 GRAPHS. */
  type?: number;
  f?: number;
  i?: number;
  s?: string;
  t?: TensorDesc;
  g?: GraphDesc;
  floats?: number[];
  ints?: number[];
  graphs?: GraphDesc[];
}

export interface NodeDesc {
  opType: string;
  domain?: string;
  name?: string;
  inputs?: string[];
  outputs?: string[];
  attributes?: AttributeDesc[];
}

/** A graph input or output: a tensor of `elemType` (default 1, FLOAT); a string dim is symbolic. */
export interface ValueInfoDesc {
  name: string;
  elemType?: number;
  dims?: Array<number | string>;
}

export interface GraphDesc {
  name?: string;
  nodes?: NodeDesc[];
  initializers?: TensorDesc[];
  inputs?: ValueInfoDesc[];
  outputs?: ValueInfoDesc[];
}

export interface FunctionDesc {
  name: string;
  domain: string;
  nodes?: NodeDesc[];
  opsets?: Array<[string, number]>;
}

export interface ModelDesc {
  irVersion?: number;
  producerName?: string;
  producerVersion?: string;
  /** opset_import (8) as [domain, version]. */
  opsets?: Array<[string, number]>;
  graph?: GraphDesc;
  metadata?: Array<[string, string]>;
  functions?: FunctionDesc[];
  trainingGraphs?: GraphDesc[];
}

const entry = (key: string, value: string): ProtoWriter => proto().string(1, key).string(2, value);
const opset = ([domain, version]: [string, number]): ProtoWriter => proto().string(1, domain).uint(2, version);

/** Little-endian bytes of float32 values, as a packed float field or raw_data holds them. */
export const float32Bytes = (values: readonly number[]): Buffer => Buffer.from(Float32Array.from(values).buffer);

/**
 * TensorProto: dims (1), data_type (2), float_data (4), int32_data (5), int64_data (7), name
 * (8), raw_data (9), double_data (10), external_data (13), data_location (14).
 */
export function tensorProto(t: TensorDesc): ProtoWriter {
  const w = proto();
  if (t.dims && t.dims.length > 0) w.packed(1, t.dims);
  w.uint(2, t.dataType ?? 1);
  if (t.floats) w.bytes(4, float32Bytes(t.floats));
  if (t.int32s) w.packed(5, t.int32s);
  if (t.int64s) w.packed(7, t.int64s);
  w.string(8, t.name);
  if (t.raw) w.bytes(9, t.raw);
  if (t.doubles) w.bytes(10, Buffer.from(Float64Array.from(t.doubles).buffer));
  for (const [k, v] of t.external ?? []) w.message(13, entry(k, v));
  const location = t.dataLocation ?? (t.external ? 1 : 0);
  if (location !== 0) w.uint(14, location);
  return w;
}

/** AttributeProto: name (1), f (2), i (3), s (4), t (5), g (6), floats (7), ints (8), graphs (11), type (20). */
export function attributeProto(a: AttributeDesc): ProtoWriter {
  const w = proto().string(1, a.name);
  if (a.f !== undefined) w.fixed32(2, float32Bytes([a.f]).readUInt32LE(0));
  if (a.i !== undefined) w.uint(3, a.i);
  if (a.s !== undefined) w.string(4, a.s);
  if (a.t) w.message(5, tensorProto(a.t));
  if (a.g) w.message(6, graphProto(a.g));
  if (a.floats) w.bytes(7, float32Bytes(a.floats));
  if (a.ints) w.packed(8, a.ints);
  for (const g of a.graphs ?? []) w.message(11, graphProto(g));
  return w.uint(20, a.type ?? attributeType(a));
}

/** The AttributeType its value fields imply. */
function attributeType(a: AttributeDesc): number {
  if (a.g) return 5;
  if (a.graphs) return 10;
  if (a.t) return 4;
  if (a.floats) return 6;
  if (a.ints) return 7;
  if (a.s !== undefined) return 3;
  if (a.f !== undefined) return 1;
  return 2;
}

/** ValueInfoProto: name (1), type (2) → tensor_type (1) → elem_type (1), shape (2) → dim (1) → dim_value (1) / dim_param (2). */
export function valueInfoProto(v: ValueInfoDesc): ProtoWriter {
  const shape = proto();
  for (const d of v.dims ?? []) shape.message(1, typeof d === 'number' ? proto().uint(1, d) : proto().string(2, d));
  const tensorType = proto().uint(1, v.elemType ?? 1);
  if (v.dims) tensorType.message(2, shape);
  return proto().string(1, v.name).message(2, proto().message(1, tensorType));
}

/** NodeProto: input (1), output (2), name (3), op_type (4), attribute (5), domain (7). */
export function nodeProto(n: NodeDesc): ProtoWriter {
  const w = proto();
  for (const i of n.inputs ?? []) w.string(1, i);
  for (const o of n.outputs ?? []) w.string(2, o);
  if (n.name) w.string(3, n.name);
  w.string(4, n.opType);
  for (const a of n.attributes ?? []) w.message(5, attributeProto(a));
  if (n.domain !== undefined) w.string(7, n.domain);
  return w;
}

/** GraphProto: node (1), name (2), initializer (5), input (11), output (12). */
export function graphProto(g: GraphDesc): ProtoWriter {
  const w = proto();
  for (const n of g.nodes ?? []) w.message(1, nodeProto(n));
  w.string(2, g.name ?? 'g');
  for (const t of g.initializers ?? []) w.message(5, tensorProto(t));
  for (const v of g.inputs ?? []) w.message(11, valueInfoProto(v));
  for (const v of g.outputs ?? []) w.message(12, valueInfoProto(v));
  return w;
}

/** FunctionProto: name (1), node (7), opset_import (9), domain (10). */
export function functionProto(f: FunctionDesc): ProtoWriter {
  const w = proto().string(1, f.name);
  for (const n of f.nodes ?? []) w.message(7, nodeProto(n));
  for (const o of f.opsets ?? [['', 17]]) w.message(9, opset(o));
  return w.string(10, f.domain);
}

/** ModelProto bytes; by default IR 8, producer "test", opset 17 and a one-node graph. */
export function onnxModel(m: ModelDesc = {}): Buffer {
  const w = proto().uint(1, m.irVersion ?? 8);
  w.string(2, m.producerName ?? 'test');
  if (m.producerVersion) w.string(3, m.producerVersion);
  w.message(7, graphProto(m.graph ?? { nodes: [{ opType: 'Relu', inputs: ['x'], outputs: ['y'] }] }));
  for (const o of m.opsets ?? [['', 17]]) w.message(8, opset(o));
  for (const [k, v] of m.metadata ?? []) w.message(14, entry(k, v));
  for (const g of m.trainingGraphs ?? []) w.message(20, proto().message(2, graphProto(g)));
  for (const f of m.functions ?? []) w.message(25, functionProto(f));
  return w.finish();
}

/** A graph nested `depth` levels deep through If then_branch attributes. */
export function nestedIfGraph(depth: number, inner: NodeDesc = { opType: 'Relu' }): GraphDesc {
  let graph: GraphDesc = { name: `level${depth}`, nodes: [inner] };
  for (let d = depth - 1; d >= 0; d--) {
    graph = { name: `level${d}`, nodes: [{ opType: 'If', name: `if${d}`, attributes: [{ name: 'then_branch', g: graph }] }] };
  }
  return graph;
}
