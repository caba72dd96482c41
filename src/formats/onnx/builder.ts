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
  /** external_data (13) entries, in order. */
  external?: Array<[string, string]>;
  /** data_location (14); 1 is EXTERNAL. Defaults to 1 when `external` is given. */
  dataLocation?: number;
}

export interface AttributeDesc {
  name: string;
  /** AttributeProto.AttributeType: 2 INT, 3 STRING, 4 TENSOR, 5 GRAPH, 10 GRAPHS. */
  type?: number;
  i?: number;
  s?: string;
  t?: TensorDesc;
  g?: GraphDesc;
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

export interface GraphDesc {
  name?: string;
  nodes?: NodeDesc[];
  initializers?: TensorDesc[];
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

/** TensorProto: dims (1), data_type (2), name (8), raw_data (9), external_data (13), data_location (14). */
export function tensorProto(t: TensorDesc): ProtoWriter {
  const w = proto();
  if (t.dims && t.dims.length > 0) w.packed(1, t.dims);
  w.uint(2, t.dataType ?? 1).string(8, t.name);
  if (t.raw) w.bytes(9, t.raw);
  for (const [k, v] of t.external ?? []) w.message(13, entry(k, v));
  const location = t.dataLocation ?? (t.external ? 1 : 0);
  if (location !== 0) w.uint(14, location);
  return w;
}

/** AttributeProto: name (1), i (3), s (4), t (5), g (6), graphs (11), type (20). */
export function attributeProto(a: AttributeDesc): ProtoWriter {
  const w = proto().string(1, a.name);
  if (a.i !== undefined) w.uint(3, a.i);
  if (a.s !== undefined) w.string(4, a.s);
  if (a.t) w.message(5, tensorProto(a.t));
  if (a.g) w.message(6, graphProto(a.g));
  for (const g of a.graphs ?? []) w.message(11, graphProto(g));
  const type = a.type ?? (a.g ? 5 : a.graphs ? 10 : a.t ? 4 : a.s !== undefined ? 3 : 2);
  return w.uint(20, type);
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

/** GraphProto: node (1), name (2), initializer (5). */
export function graphProto(g: GraphDesc): ProtoWriter {
  const w = proto();
  for (const n of g.nodes ?? []) w.message(1, nodeProto(n));
  w.string(2, g.name ?? 'g');
  for (const t of g.initializers ?? []) w.message(5, tensorProto(t));
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
