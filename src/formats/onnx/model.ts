/** What modelgate reads of an ONNX ModelProto (onnx/onnx.proto). */

/** One NodeProto, wherever it sits: main graph, subgraph, function body or training graph. */
export interface OnnxNode {
  opType: string;
  /** NodeProto.domain (7); '' is the default ai.onnx domain. */
  domain: string;
  name: string;
  /** Where the node is, e.g. `graph "main" > node "If_0" attribute then_branch`. */
  graph: string;
  /** Offset of the NodeProto in the file. */
  offset: number;
}

/** A TensorProto whose data lives in another file (TensorProto.external_data, field 13). */
export interface OnnxExternalData {
  /** TensorProto.name (8). */
  tensor: string;
  /** The `location` entry: a path relative to the model's folder, per the ONNX spec. */
  location?: string;
  /** Every key/value entry, as written. */
  entries: Array<{ key: string; value: string }>;
  /** TensorProto.data_location (14): 1 is EXTERNAL. */
  dataLocation: number;
  /** Where the tensor sits (initializer of a graph, node attribute...). */
  where: string;
  /** Offset of the TensorProto in the file. */
  offset: number;
  /** Set by the handler when the location names a file beside the model. */
  present?: boolean;
}

/** OperatorSetIdProto: domain (1) and version (2). */
export interface OnnxOpset {
  domain: string;
  version: number;
}

/** A model-local FunctionProto (ModelProto.functions, field 25). */
export interface OnnxFunction {
  name: string;
  domain: string;
  overload: string;
  offset: number;
}

/**
 * A TensorProto of the main graph (an initializer or a node's tensor attribute), located but
 * not decoded: its values are read on demand by `readTensorValues` (tensor.ts), so a scan of a
 * large model never copies its weights.
 */
export interface OnnxTensor {
  /** TensorProto.name (8). */
  name: string;
  /** `[start, end)` of the TensorProto message in the file. */
  start: number;
  end: number;
  /** The data lives in another file: external_data (13) entries, or data_location (14) EXTERNAL. */
  external: boolean;
}

/**
 * One AttributeProto value of a main-graph node, for the kinds an interpreter uses (onnx.proto,
 * message AttributeProto). `graph` is a GRAPH or GRAPHS attribute; `other` is any other kind,
 * no value at all, or value fields that contradict the attribute's `type` (20).
 */
export type OnnxAttributeValue =
  | { type: 'float'; value: number }
  | { type: 'int'; value: number }
  | { type: 'string'; value: string }
  | { type: 'tensor'; value: OnnxTensor }
  | { type: 'floats'; value: number[] }
  | { type: 'ints'; value: number[] }
  | { type: 'graph' }
  | { type: 'other' };

export interface OnnxAttribute {
  /** AttributeProto.name (1). */
  name: string;
  value: OnnxAttributeValue;
}

/** A NodeProto of the main graph, with its inputs (1), outputs (2) and attributes (5). */
export interface OnnxGraphNode extends OnnxNode {
  /** Value names; '' is an omitted optional input. */
  inputs: string[];
  outputs: string[];
  attributes: OnnxAttribute[];
}

/** A graph input or output (ValueInfoProto) with its tensor type; a symbolic or missing dim is -1. */
export interface OnnxValueInfo {
  name: string;
  /** TensorProto.DataType of TypeProto.tensor_type; 0 when the value is not a tensor. */
  elemType: number;
  dims: number[];
}

/** The main graph (ModelProto.graph): what it takes and gives, its nodes and its weights. */
export interface OnnxGraph {
  name: string;
  /** In graph order; the same objects as in OnnxModel.nodes. */
  nodes: OnnxGraphNode[];
  initializers: OnnxTensor[];
  /** sparse_initializer (15) entries, which are only counted. */
  sparseInitializers: number;
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
}

/** The parsed model: everything the ONNX rules look at. */
export interface OnnxModel {
  irVersion?: number;
  producerName?: string;
  producerVersion?: string;
  domain?: string;
  modelVersion?: number;
  opsetImports: OnnxOpset[];
  /** ModelProto.metadata_props (14). */
  metadata: Array<{ key: string; value: string }>;
  nodes: OnnxNode[];
  /** The main graph in detail; undefined until ModelProto.graph (7) is read. */
  graph?: OnnxGraph;
  functions: OnnxFunction[];
  externalData: OnnxExternalData[];
  /** GraphProtos read, the main graph and every subgraph. */
  graphCount: number;
  /** Deepest subgraph nesting seen (main graph = 0). */
  maxGraphDepth: number;
  /** TensorProtos read (initializers, sparse parts, attribute tensors). */
  tensorCount: number;
}

/** An empty model to fill while parsing, so a break still leaves what was seen. */
export function emptyOnnxModel(): OnnxModel {
  return { opsetImports: [], metadata: [], nodes: [], functions: [], externalData: [], graphCount: 0, maxGraphDepth: 0, tensorCount: 0 };
}
