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
