import { BufferSource, type ByteSource } from '../../../core/byte-source.js';
import { ModelgateError } from '../../../core/errors.js';
import type { OnnxAttributeValue, OnnxValueInfo } from '../../../formats/onnx/model.js';
import { parseOnnx } from '../../../formats/onnx/parse.js';
import { type DecodeBudget, type OnnxTensorValues, readTensorValues } from '../../../formats/onnx/tensor.js';

/** A constant tensor: floats for weights, integers (exact below 2^53) for shapes and indices. */
export type ConstTensor = OnnxTensorValues;

/** One attribute, as the ops read it: a tensor attribute holds its decoded values. */
export type AttributeValue = Exclude<OnnxAttributeValue, { type: 'tensor' }> | { type: 'tensor'; value: ConstTensor };

/** One node of the main graph. */
export interface GraphNode {
  opType: string;
  domain: string;
  name: string;
  inputs: string[];
  outputs: string[];
  attributes: Map<string, AttributeValue>;
}

/** A graph input or output with its static shape; a symbolic or missing dim is -1. */
export type ValueInfo = OnnxValueInfo;

/** The main graph, its weights decoded, ready to compile. */
export interface Graph {
  /** The version of the default (ai.onnx) domain the model imports; 0 when none. */
  opsetVersion: number;
  nodes: GraphNode[];
  initializers: Map<string, ConstTensor>;
  /** Graph inputs that are not initializers: what a caller feeds. */
  inputs: ValueInfo[];
  outputs: ValueInfo[];
}

/**
 * Reads an ONNX model with the ONNX parser (src/formats/onnx, its limits and its errors) and
 * decodes what the interpreter runs: every initializer and every tensor attribute of the main
 * graph, under one element budget. Subgraphs are not read here: the ops that hold them are not
 * supported, so compiling refuses them. A parse error, a sparse initializer, external data or
 * a data type that is not decoded is thrown as a typed error; nothing is silently dropped.
 */
export function loadGraph(bytes: Buffer): Graph {
  const source = new BufferSource(bytes);
  const { model, error } = parseOnnx(source);
  if (error) throw error;
  const main = model.graph;
  if (!main) throw new ModelgateError('MALFORMED', 'ONNX model has no graph');
  if (main.sparseInitializers > 0) throw new ModelgateError('UNSUPPORTED', 'sparse initializers are not supported by the screening interpreter');
  const budget: DecodeBudget = { elements: 0 };
  const initializers = new Map(main.initializers.map((t) => [t.name, readTensorValues(source, t, budget)]));
  const nodes = main.nodes.map((n): GraphNode => ({
    opType: n.opType,
    domain: n.domain,
    name: n.name,
    inputs: n.inputs,
    outputs: n.outputs,
    attributes: new Map(n.attributes.map((a) => [a.name, attributeValue(a.value, source, budget)])),
  }));
  const defaultOpset = model.opsetImports.filter((o) => o.domain === '' || o.domain === 'ai.onnx').pop();
  return {
    opsetVersion: defaultOpset?.version ?? 0,
    nodes,
    initializers,
    inputs: main.inputs.filter((i) => !initializers.has(i.name)),
    outputs: main.outputs,
  };
}

function attributeValue(value: OnnxAttributeValue, source: ByteSource, budget: DecodeBudget): AttributeValue {
  return value.type === 'tensor' ? { type: 'tensor', value: readTensorValues(source, value.value, budget) } : value;
}
