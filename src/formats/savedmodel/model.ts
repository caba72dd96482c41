/** What modelgate reads of a TensorFlow SavedModel (saved_model.proto and the protos it uses). */

/** The string-valued parts of one AttrValue (attr_value.proto), cut to bounded sizes. */
export interface TfAttr {
  /** AttrValue.s (2). */
  s?: string;
  /** AttrValue.list.s (ListValue field 2). */
  list?: string[];
  /** Function names: AttrValue.func (10) and list.func (ListValue field 9). */
  funcs?: string[];
  /** TensorProto.string_val (8) of AttrValue.tensor (8) and list.tensor. */
  tensorStrings?: string[];
}

/** One NodeDef (node_def.proto). */
export interface TfNode {
  /** NodeDef.name (1). */
  name: string;
  /** NodeDef.op (2). */
  op: string;
  /** NodeDef.input (3), the first MAX_INPUTS_KEPT of them. */
  inputs: string[];
  /** NodeDef.attr (5), the string-valued parts. */
  attrs: Map<string, TfAttr>;
  /** Offset of the NodeDef in the file. */
  offset: number;
}

/**
 * A graph of nodes: a meta graph's GraphDef, a bare GraphDef file (a frozen graph), a
 * FunctionDef body, or a GraphDef nested in an attribute.
 */
export interface TfGraph {
  kind: 'meta-graph' | 'graph-def' | 'function' | 'nested';
  /** Where it is, e.g. `meta graph 0 [serve]`, `function "__inference_f_12"`. */
  label: string;
  nodes: TfNode[];
  offset: number;
}

/** One MetaGraphDef (meta_graph.proto). */
export interface TfMetaGraph {
  /** MetaInfoDef.tags (4). */
  tags: string[];
  /** MetaInfoDef.tensorflow_version (5) and tensorflow_git_version (6). */
  tensorflowVersion?: string;
  tensorflowGitVersion?: string;
  /** MetaInfoDef.stripped_op_list (2): names of the ops the graph uses. */
  strippedOps: string[];
  /** SaverDef.filename_tensor_name (1): the tensor the loader feeds the variables path into. */
  saverFilenameTensor?: string;
  /** signature_def (5) keys. */
  signatures: string[];
  /** AssetFileDef.filename (2) of asset_file_def (6). */
  assets: string[];
  offset: number;
}

/** keras_metadata.pb (Keras saved_metadata.proto SavedMetadata): one entry per Keras object. */
export interface KerasMetadata {
  objects: Array<{
    /** SavedObject.node_path (3). */
    path: string;
    /** SavedObject.identifier (4), e.g. `_tf_keras_layer`. */
    identifier: string;
    /** SavedObject.metadata (5): JSON text, cut at MAX_KERAS_JSON_BYTES. */
    metadata: string;
    offset: number;
  }>;
}

/** fingerprint.pb (fingerprint.proto FingerprintDef). */
export interface Fingerprint {
  /** uint64 fields 1 .. 5, as 16 hex digits. */
  savedModelChecksum?: string;
  graphDefProgramHash?: string;
  signatureDefHash?: string;
  savedObjectGraphHash?: string;
  checkpointHash?: string;
  uuid?: string;
}

/** A bare GraphDef file (graph.proto), e.g. a frozen graph: no MetaGraphDef, no saver around it. */
export interface BareGraphDef {
  /** VersionDef.producer (1) and min_consumer (2) of GraphDef.versions (4). */
  producer?: number;
  minConsumer?: number;
  /** The deprecated GraphDef.version (3). */
  version?: number;
}

/**
 * The parsed SavedModel, with what was read of the files beside it; or a bare GraphDef read the
 * same way (`graphDef` set, no meta graphs).
 */
export interface SavedModel {
  /** Set when the file is a bare GraphDef rather than a SavedModel. */
  graphDef?: BareGraphDef;
  /** SavedModel.saved_model_schema_version (1). */
  schemaVersion?: number;
  metaGraphs: TfMetaGraph[];
  /** Every graph read: meta graphs, function bodies, nested GraphDefs. */
  graphs: TfGraph[];
  nodeCount: number;
  /** Set by the handler when keras_metadata.pb is beside the model and could be read. */
  keras?: KerasMetadata;
  /** Set by the handler when fingerprint.pb is beside the model and could be read. */
  fingerprint?: Fingerprint;
}

/** An empty model to fill while parsing, so a break still leaves what was seen. */
export function emptySavedModel(): SavedModel {
  return { metaGraphs: [], graphs: [], nodeCount: 0 };
}
