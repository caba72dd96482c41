/** What modelgate reads of a TFLite / LiteRT model (tensorflow/compiler/mlir/lite/schema/schema.fbs). */

/** BuiltinOperator.CUSTOM: the op is looked up by `custom_code` in the app's op resolver. */
export const BUILTIN_CUSTOM = 32;

/** One OperatorCode, with how many operators of all subgraphs use it. */
export interface TfliteOpCode {
  index: number;
  /** The builtin code: the larger of deprecated_builtin_code and builtin_code (schema_utils.cc). */
  builtin: number;
  /** custom_code, for CUSTOM ops. */
  custom?: string;
  version: number;
  /** Operators that use it. */
  uses: number;
  /**
   * For a Flex op (`Flex<TFOp>`): every TensorFlow op name its custom_options name (the
   * FlexBuffer's op name and its NodeDef's `op`), or an error when they cannot be read.
   */
  flexOps?: string[];
  flexError?: string;
  /** Offset of the OperatorCode table. */
  offset: number;
}

export interface TfliteSubgraph {
  name?: string;
  tensors: number;
  operators: number;
}

export interface TfliteModel {
  /** Model.version (schema version, 3 today). */
  version: number;
  description?: string;
  opcodes: TfliteOpCode[];
  subgraphs: TfliteSubgraph[];
  buffers: number;
  /** Metadata entry names (Model.metadata). */
  metadata: string[];
  signatures: number;
}

export const emptyTfliteModel = (): TfliteModel => ({ version: 0, opcodes: [], subgraphs: [], buffers: 0, metadata: [], signatures: 0 });
