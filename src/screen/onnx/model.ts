/** What the screening interpreter needs of an ONNX model (onnx/onnx.proto), weights included. */

/** TensorProto.DataType values the interpreter reads (onnx.proto, enum DataType). */
export const DataType = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7, DOUBLE: 11 } as const;

/** A constant tensor: floats for weights, integers (exact below 2^53) for shapes and indices. */
export interface ConstTensor {
  dims: number[];
  /** `float` for FLOAT/DOUBLE, `int` for the integer types. */
  kind: 'float' | 'int';
  data: Float32Array | number[];
}

/** One AttributeProto, reduced to the fields the supported ops use. */
export type AttributeValue =
  | { type: 'float'; value: number }
  | { type: 'int'; value: number }
  | { type: 'string'; value: string }
  | { type: 'tensor'; value: ConstTensor }
  | { type: 'floats'; value: number[] }
  | { type: 'ints'; value: number[] }
  | { type: 'graph' }
  | { type: 'other' };

/** One NodeProto of the main graph. */
export interface GraphNode {
  opType: string;
  domain: string;
  name: string;
  inputs: string[];
  outputs: string[];
  attributes: Map<string, AttributeValue>;
}

/** A graph input or output with its static shape; a symbolic or missing dim is -1. */
export interface ValueInfo {
  name: string;
  elemType: number;
  dims: number[];
}

/** The main graph, ready to interpret. */
export interface OnnxGraph {
  opsetVersion: number;
  nodes: GraphNode[];
  initializers: Map<string, ConstTensor>;
  /** Graph inputs that are not initializers: what a caller feeds. */
  inputs: ValueInfo[];
  outputs: ValueInfo[];
}
