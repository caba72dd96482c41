import type { GraphNode } from './graph.js';
import { type FloatValue, type IntValue, unsupported, type Value } from './tensor.js';

/**
 * What running one node gives: its outputs and, for float outputs, a function that maps the
 * gradients of the outputs to the gradients of the inputs (undefined for constants and ints).
 * Only gradients with respect to activations are computed; weights stay fixed, and `wanted`
 * says which inputs depend on the image, so ops can skip the others.
 */
export interface OpResult {
  outputs: Value[];
  backward?: (outputGrads: Array<Float32Array | undefined>, wanted: boolean[]) => Array<Float32Array | undefined>;
}

/** One ONNX operator; `opset` is the model's default-domain opset version. */
export type Op = (node: GraphNode, inputs: Array<Value | undefined>, opset: number) => OpResult;

export function attrInt(node: GraphNode, name: string, fallback: number): number {
  const a = node.attributes.get(name);
  if (a === undefined) return fallback;
  if (a.type !== 'int') unsupported(node.opType, `attribute ${name} is not an int`);
  return a.value;
}

export function attrFloat(node: GraphNode, name: string, fallback: number): number {
  const a = node.attributes.get(name);
  if (a === undefined) return fallback;
  if (a.type !== 'float') unsupported(node.opType, `attribute ${name} is not a float`);
  return a.value;
}

export function attrInts(node: GraphNode, name: string): number[] | undefined {
  const a = node.attributes.get(name);
  if (a === undefined) return undefined;
  if (a.type !== 'ints') unsupported(node.opType, `attribute ${name} is not a list of ints`);
  return a.value;
}

export function attrString(node: GraphNode, name: string, fallback: string): string {
  const a = node.attributes.get(name);
  if (a === undefined) return fallback;
  if (a.type !== 'string') unsupported(node.opType, `attribute ${name} is not a string`);
  return a.value;
}

/** Input `i` as a float tensor, or an UNSUPPORTED error naming the op. */
export function floatInput(node: GraphNode, inputs: Array<Value | undefined>, i: number): FloatValue {
  const v = inputs[i];
  if (v === undefined) unsupported(node.opType, `input ${i} is missing`);
  if (v.kind !== 'float') unsupported(node.opType, `input ${i} must be a float tensor`);
  return v;
}

/** Input `i` as a static integer tensor (a shape, axes, indices). */
export function intInput(node: GraphNode, inputs: Array<Value | undefined>, i: number): IntValue {
  const v = inputs[i];
  if (v === undefined) unsupported(node.opType, `input ${i} is missing`);
  if (v.kind !== 'int') unsupported(node.opType, `input ${i} must be a constant integer tensor`);
  return v;
}
