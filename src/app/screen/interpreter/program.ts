import { ModelgateError } from '../../../core/errors.js';
import type { Op, OpResult } from './op.js';
import { averagePool, conv, globalAveragePool, maxPool } from './ops-conv.js';
import { gemm, matMul } from './ops-dense.js';
import type { ConstTensor, Graph, GraphNode } from './graph.js';
import { batchNormalization, binary, clip, leakyRelu, relu, sigmoid, softmax, tanh } from './ops-elementwise.js';
import { concat, flatten, gather, identity, reshape, shapeOp, squeeze, transpose, unsqueeze } from './ops-shape.js';
import { type FloatValue, floatValue, type Value } from './tensor.js';

/** The ONNX ops (default domain) the interpreter runs, forward and backward. A map, so no name reaches Object.prototype. */
const OPS: ReadonlyMap<string, Op> = new Map(
  Object.entries({
    Add: binary('Add'),
    AveragePool: averagePool,
    BatchNormalization: batchNormalization,
    Clip: clip,
    Concat: concat,
    Conv: conv,
    Div: binary('Div'),
    Dropout: identity,
    Flatten: flatten,
    Gather: gather,
    Gemm: gemm,
    GlobalAveragePool: globalAveragePool,
    Identity: identity,
    LeakyRelu: leakyRelu,
    LogSoftmax: softmax(true),
    MatMul: matMul,
    MaxPool: maxPool,
    Mul: binary('Mul'),
    Relu: relu,
    Reshape: reshape,
    Shape: shapeOp,
    Sigmoid: sigmoid,
    Softmax: softmax(false),
    Squeeze: squeeze,
    Sub: binary('Sub'),
    Tanh: tanh,
    Transpose: transpose,
    Unsqueeze: unsqueeze,
  }),
);

/** The ops the interpreter supports, for docs and error messages. */
export const SUPPORTED_OPS: readonly string[] = [...OPS.keys(), 'Constant'].sort();

/** A node to run with its op. */
interface Step {
  node: GraphNode;
  op: Op;
}

/** One forward pass; `backward` maps d(loss)/d(logits) to d(loss)/d(input). */
export interface Pass {
  logits: FloatValue;
  backward: (dLogits: Float32Array) => Float32Array;
}

/** A classifier ready to run: image input `[N, C, H, W]`, logits `[N, classes]`. */
export interface Program {
  inputName: string;
  /** `[C, H, W]` as the model declares it; -1 where it is symbolic. */
  imageShape: number[];
  /** Classes, when the model declares them; otherwise known after the first run. */
  classes: number;
  /** The model ends in Softmax: that node is skipped, so the output is logits. */
  endsInSoftmax: boolean;
  run: (x: FloatValue) => Pass;
}

function constValue(t: ConstTensor): Value {
  return t.kind === 'float' ? floatValue(t.dims, t.data) : { kind: 'int', shape: t.dims, data: t.data };
}

/** Constant (opset ≥ 1): the `value` tensor, or one of the scalar/list forms of opset 12. */
function constantOf(node: GraphNode): Value {
  const [name, attr] = [...node.attributes][0] ?? [];
  if (attr?.type === 'tensor' && name === 'value') return constValue(attr.value);
  if (attr?.type === 'float' && name === 'value_float') return floatValue([], Float32Array.of(attr.value));
  if (attr?.type === 'floats' && name === 'value_floats') return floatValue([attr.value.length], Float32Array.from(attr.value));
  if (attr?.type === 'int' && name === 'value_int') return { kind: 'int', shape: [], data: [attr.value] };
  if (attr?.type === 'ints' && name === 'value_ints') return { kind: 'int', shape: [attr.value.length], data: attr.value };
  throw new ModelgateError('UNSUPPORTED', `Constant ${node.name}: attribute ${name ?? '(none)'} is not supported by the screening interpreter`);
}

/**
 * Checks that the graph is an image classifier the interpreter can run in full (every op
 * supported, one NCHW float input, logits `[N, K]` with K ≥ 2) and returns it as a Program.
 * Anything else is an UNSUPPORTED error that names every missing op: screening never skips a
 * node it cannot run.
 */
export function compileProgram(graph: Graph): Program {
  const [input] = graph.inputs;
  if (input === undefined || graph.inputs.length !== 1)
    throw new ModelgateError('UNSUPPORTED', `the model has ${graph.inputs.length} inputs; screening needs one image input`);
  if (input.elemType !== 1 || input.dims.length !== 4) {
    throw new ModelgateError('UNSUPPORTED', `input ${input.name} is not a float image [N, C, H, W] (type ${input.elemType}, rank ${input.dims.length})`);
  }
  const [output] = graph.outputs;
  if (output === undefined) throw new ModelgateError('UNSUPPORTED', 'the model has no output');
  const [, classes] = output.dims;
  if (classes === undefined || output.dims.length !== 2 || (classes !== -1 && classes < 2)) {
    throw new ModelgateError('NOT_A_CLASSIFIER', `output ${output.name} is [${output.dims.join(', ')}], not class scores [N, K] with K ≥ 2`);
  }
  const missing = new Set<string>();
  const constants = new Map<string, Value>([...graph.initializers].map(([name, t]) => [name, constValue(t)]));
  const steps: Step[] = [];
  for (const node of graph.nodes) {
    const custom = node.domain !== '' && node.domain !== 'ai.onnx';
    const op = OPS.get(node.opType);
    if (custom) missing.add(`${node.domain}.${node.opType}`);
    else if (node.opType === 'Constant') {
      const value = constantOf(node);
      const [name] = node.outputs;
      if (name !== undefined) constants.set(name, value);
    } else if (!op) missing.add(node.opType);
    else steps.push({ node, op });
  }
  if (missing.size > 0) {
    throw new ModelgateError(
      'UNSUPPORTED',
      `the screening interpreter does not support ${[...missing].sort().join(', ')} (supported: ${SUPPORTED_OPS.join(', ')})`,
    );
  }
  // A final Softmax turns logits into probabilities; the optimisation wants the logits.
  let outputName = output.name;
  const last = steps.find((s) => s.node.outputs.includes(outputName))?.node;
  const endsInSoftmax = last?.opType === 'Softmax';
  if (last && endsInSoftmax) {
    const [logitsName] = last.inputs;
    if (logitsName === undefined) throw new ModelgateError('NOT_A_CLASSIFIER', `the final Softmax ${last.name} has no input`);
    outputName = logitsName;
  }
  const needed = neededSteps(steps, outputName);
  return {
    inputName: input.name,
    imageShape: input.dims.slice(1),
    classes,
    endsInSoftmax,
    run: (x) => execute(needed, constants, input.name, outputName, x, graph.opsetVersion),
  };
}

/** The steps the output depends on, in graph (topological) order. */
function neededSteps(steps: readonly Step[], outputName: string): Step[] {
  const wanted = new Set([outputName]);
  const keep: Step[] = [];
  for (const step of [...steps].reverse()) {
    if (!step.node.outputs.some((o) => wanted.has(o))) continue;
    keep.unshift(step);
    for (const name of step.node.inputs) if (name) wanted.add(name);
  }
  return keep;
}

function execute(steps: readonly Step[], constants: Map<string, Value>, inputName: string, outputName: string, x: FloatValue, opset: number): Pass {
  const values = new Map(constants);
  values.set(inputName, x);
  // Names whose value depends on the input: only these carry gradients.
  const derived = new Set([inputName]);
  const tape: Array<{ node: GraphNode; result: OpResult }> = [];
  for (const { node, op } of steps) {
    const inputs = node.inputs.map((name) => {
      if (name === '') return undefined;
      const v = values.get(name);
      if (!v) throw new ModelgateError('UNSUPPORTED', `${node.opType} ${node.name}: input ${name} is not produced by the graph`);
      return v;
    });
    let result: OpResult;
    try {
      result = op(node, inputs, opset);
    } catch (e) {
      if (e instanceof ModelgateError) throw e;
      throw new ModelgateError('UNSUPPORTED', `${node.opType} ${node.name} failed: ${(e as Error).message}`, { cause: e });
    }
    result.outputs.forEach((v, i) => {
      const name = node.outputs[i];
      if (name) values.set(name, v);
    });
    if (node.inputs.some((name) => derived.has(name))) {
      for (const o of node.outputs) derived.add(o);
      tape.push({ node, result });
    }
  }
  const logits = values.get(outputName);
  const classes = logits?.shape[1];
  if (!logits || logits.kind !== 'float' || logits.shape.length !== 2 || logits.shape[0] !== x.shape[0] || classes === undefined || classes < 2) {
    throw new ModelgateError('NOT_A_CLASSIFIER', `the model's output is [${logits?.shape.join(', ') ?? '?'}], not class scores [N, K] with K ≥ 2`);
  }
  const backward = (dLogits: Float32Array): Float32Array => {
    const grads = new Map<string, Float32Array>([[outputName, dLogits]]);
    for (const { node, result } of [...tape].reverse()) {
      const outGrads = node.outputs.map((o) => grads.get(o));
      if (!result.backward || outGrads.every((g) => g === undefined)) continue;
      const inGrads = result.backward(
        outGrads,
        node.inputs.map((name) => derived.has(name)),
      );
      node.inputs.forEach((name, i) => {
        const g = inGrads[i];
        if (!g || !derived.has(name)) return;
        const sum = grads.get(name);
        if (!sum) grads.set(name, g);
        // Gradients of one value have its size.
        else for (let k = 0; k < g.length; k++) sum[k]! += g[k]!;
      });
    }
    return grads.get(inputName) ?? new Float32Array(x.data.length);
  };
  return { logits, backward };
}
