import { ProtoWriter, proto } from '../protobuf/writer.js';

/**
 * Test-only: emits SavedModel, GraphDef, keras_metadata.pb and fingerprint.pb bytes from typed
 * descriptions, with the field numbers of TensorFlow's saved_model.proto, meta_graph.proto,
 * graph.proto, node_def.proto, function.proto, attr_value.proto and tensor.proto.
 */

/** An AttrValue: bytes `s`, a list of bytes, a DT_STRING tensor, or a function name. */
export interface AttrDesc {
  s?: string | Buffer;
  list?: Array<string | Buffer>;
  tensorStrings?: Array<string | Buffer>;
  func?: string;
  /** AttrValue.type (6), a DataType enum value. */
  type?: number;
}

export interface NodeDesc {
  name: string;
  op: string;
  inputs?: string[];
  attrs?: Record<string, AttrDesc>;
}

export interface FunctionDesc {
  name: string;
  args?: string[];
  nodes?: NodeDesc[];
}

export interface GraphDesc {
  nodes?: NodeDesc[];
  functions?: FunctionDesc[];
}

export interface MetaGraphDesc {
  tags?: string[];
  tensorflowVersion?: string;
  strippedOps?: string[];
  graph?: GraphDesc;
  saverFilename?: string;
  signatures?: string[];
  assets?: string[];
}

export interface SavedModelDesc {
  schemaVersion?: number;
  metaGraphs?: MetaGraphDesc[];
}

/** TensorProto: dtype (1) = DT_STRING (7), tensor_shape (2), string_val (8). */
function stringTensor(values: Array<string | Buffer>): ProtoWriter {
  const w = proto().uint(1, 7).message(2, proto());
  for (const v of values) w.bytes(8, v);
  return w;
}

/** AttrValue: list (1), s (2), type (6), tensor (8), func (10, NameAttrList name = 1). */
export function attrValue(a: AttrDesc): ProtoWriter {
  const w = proto();
  if (a.list) {
    const list = proto();
    for (const s of a.list) list.bytes(2, s);
    w.message(1, list);
  }
  if (a.s !== undefined) w.bytes(2, a.s);
  if (a.type !== undefined) w.uint(6, a.type);
  if (a.tensorStrings) w.message(8, stringTensor(a.tensorStrings));
  if (a.func !== undefined) w.message(10, proto().string(1, a.func));
  return w;
}

/** NodeDef: name (1), op (2), input (3), attr (5, map entries key = 1, value = 2). */
export function nodeDef(n: NodeDesc): ProtoWriter {
  const w = proto().string(1, n.name).string(2, n.op);
  for (const i of n.inputs ?? []) w.string(3, i);
  for (const [key, value] of Object.entries(n.attrs ?? {})) w.message(5, proto().string(1, key).message(2, attrValue(value)));
  return w;
}

/** FunctionDef: signature (1, OpDef name = 1, input_arg = 2), node_def (3). */
export function functionDef(f: FunctionDesc): ProtoWriter {
  const signature = proto().string(1, f.name);
  for (const arg of f.args ?? []) signature.message(2, proto().string(1, arg).uint(3, 7));
  const w = proto().message(1, signature);
  for (const n of f.nodes ?? []) w.message(3, nodeDef(n));
  return w;
}

/** GraphDef: node (1), library (2, FunctionDefLibrary function = 1), versions (4). */
export function graphDef(g: GraphDesc): Buffer {
  const w = proto();
  for (const n of g.nodes ?? []) w.message(1, nodeDef(n));
  if (g.functions && g.functions.length > 0) {
    const library = proto();
    for (const f of g.functions) library.message(1, functionDef(f));
    w.message(2, library);
  }
  return w.message(4, proto().uint(1, 1087)).finish();
}

/** MetaGraphDef: meta_info_def (1), graph_def (2), saver_def (3), signature_def (5), asset_file_def (6). */
function metaGraphDef(m: MetaGraphDesc): ProtoWriter {
  const info = proto();
  if (m.strippedOps) {
    const ops = proto();
    for (const op of m.strippedOps) ops.message(1, proto().string(1, op));
    info.message(2, ops);
  }
  for (const tag of m.tags ?? ['serve']) info.string(4, tag);
  info.string(5, m.tensorflowVersion ?? '2.15.0');
  const w = proto()
    .message(1, info)
    .message(2, graphDef(m.graph ?? { nodes: [{ name: 'x', op: 'Placeholder', attrs: { dtype: { type: 1 } } }] }));
  if (m.saverFilename) w.message(3, proto().string(1, m.saverFilename));
  for (const s of m.signatures ?? []) w.message(5, proto().string(1, s).message(2, proto().string(3, 'tensorflow/serving/predict')));
  for (const a of m.assets ?? []) w.message(6, proto().string(2, a));
  return w;
}

/** SavedModel: saved_model_schema_version (1), meta_graphs (2). */
export function savedModel(d: SavedModelDesc = {}): Buffer {
  const w = proto().uint(1, d.schemaVersion ?? 1);
  for (const m of d.metaGraphs ?? [{}]) w.message(2, metaGraphDef(m));
  return w.finish();
}

/** A `Const` node holding one DT_STRING scalar. */
export const constString = (name: string, value: string | Buffer): NodeDesc => ({
  name,
  op: 'Const',
  attrs: { value: { tensorStrings: [value] }, dtype: { type: 7 } },
});

/** keras_metadata.pb: SavedMetadata.nodes (1), SavedObject node_id (2), node_path (3), identifier (4), metadata (5). */
export function kerasMetadata(objects: Array<{ path: string; identifier: string; metadata: string }>): Buffer {
  const w = proto();
  objects.forEach((o, i) => w.message(1, proto().uint(2, i).string(3, o.path).string(4, o.identifier).string(5, o.metadata)));
  return w.finish();
}

/** fingerprint.pb: FingerprintDef uint64 fields 1 .. 5. */
export function fingerprint(values: Array<number | bigint>): Buffer {
  const w = proto();
  values.forEach((v, i) => w.uint(i + 1, v));
  return w.finish();
}
