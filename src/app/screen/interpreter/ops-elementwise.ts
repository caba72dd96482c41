import { attrFloat, attrInt, floatInput, type Op } from './op.js';
import { axisOf, broadcastIndex, broadcastShape, type FloatValue, floatValue, reduceTo, unsupported, type Value } from './tensor.js';

type Binary = 'Add' | 'Sub' | 'Mul' | 'Div';

/** Add, Sub, Mul, Div with ONNX broadcasting; integer operands (shape arithmetic) stay exact. */
export const binary =
  (kind: Binary): Op =>
  (node, inputs) => {
    const [x, y] = inputs;
    if (!x || !y) unsupported(kind, 'needs two inputs');
    const shape = broadcastShape(kind, x.shape, y.shape);
    const { ia, ib } = broadcastIndex(x.shape, y.shape, shape);
    const apply = (a: number, b: number): number => (kind === 'Add' ? a + b : kind === 'Sub' ? a - b : kind === 'Mul' ? a * b : a / b);
    // ia and ib hold offsets into x and y for each output element (broadcastIndex).
    if (x.kind === 'int' && y.kind === 'int') {
      const data = Array.from(ia, (a, i) => apply(x.data[a]!, y.data[ib[i]!]!));
      return { outputs: [{ kind: 'int', shape, data: kind === 'Div' ? data.map(Math.trunc) : data }] };
    }
    const xf = toFloat(x);
    const yf = toFloat(y);
    const out = floatValue(shape);
    for (let i = 0; i < out.data.length; i++) out.data[i] = apply(xf.data[ia[i]!]!, yf.data[ib[i]!]!);
    return {
      outputs: [out],
      backward: ([dy]) => {
        if (!dy) return [];
        const dx = new Float32Array(dy.length);
        const dyy = new Float32Array(dy.length);
        for (let i = 0; i < dy.length; i++) {
          const a = xf.data[ia[i]!]!;
          const b = yf.data[ib[i]!]!;
          const g = dy[i]!;
          if (kind === 'Add') [dx[i], dyy[i]] = [g, g];
          else if (kind === 'Sub') [dx[i], dyy[i]] = [g, -g];
          else if (kind === 'Mul') [dx[i], dyy[i]] = [g * b, g * a];
          else [dx[i], dyy[i]] = [g / b, (-g * a) / (b * b)];
        }
        return [reduceTo(dx, ia, xf.data.length), reduceTo(dyy, ib, yf.data.length)];
      },
    };
  };

function toFloat(v: Value): FloatValue {
  return v.kind === 'float' ? v : floatValue(v.shape, Float32Array.from(v.data));
}

/** An elementwise function `f` with its derivative written from the input and output. */
const unary =
  (f: (x: number) => number, df: (x: number, y: number) => number): Op =>
  (node, inputs) => {
    const x = floatInput(node, inputs, 0);
    const out = floatValue(x.shape.slice(), x.data.map(f));
    return {
      outputs: [out],
      backward: ([dy]) => (dy ? [dy.map((g, i) => g * df(x.data[i]!, out.data[i]!))] : []),
    };
  };

export const relu = unary(
  (x) => (x > 0 ? x : 0),
  (x) => (x > 0 ? 1 : 0),
);
export const sigmoid = unary(
  (x) => 1 / (1 + Math.exp(-x)),
  (_, y) => y * (1 - y),
);
export const tanh = unary(Math.tanh, (_, y) => 1 - y * y);

export const leakyRelu: Op = (node, inputs, opset) => {
  const alpha = attrFloat(node, 'alpha', 0.01);
  return unary(
    (x) => (x >= 0 ? x : alpha * x),
    (x) => (x >= 0 ? 1 : alpha),
  )(node, inputs, opset);
};

/** Clip: bounds from attributes (opset < 11) or optional constant inputs (opset ≥ 11). */
export const clip: Op = (node, inputs, opset) => {
  const bound = (i: number, name: string, fallback: number): number => {
    const v = inputs[i];
    if (v && v.data.length === 1) return v.data[0]!;
    return attrFloat(node, name, fallback);
  };
  const lo = bound(1, 'min', -Infinity);
  const hi = bound(2, 'max', Infinity);
  return unary(
    (x) => Math.min(hi, Math.max(lo, x)),
    (x) => (x >= lo && x <= hi ? 1 : 0),
  )(node, [inputs[0]], opset);
};

/** BatchNormalization in inference mode: a per-channel affine map of axis 1. */
export const batchNormalization: Op = (node, inputs) => {
  if (attrInt(node, 'training_mode', 0) !== 0) unsupported('BatchNormalization', 'training_mode 1');
  const x = floatInput(node, inputs, 0);
  const scale = floatInput(node, inputs, 1).data;
  const bias = floatInput(node, inputs, 2).data;
  const mean = floatInput(node, inputs, 3).data;
  const variance = floatInput(node, inputs, 4).data;
  const eps = attrFloat(node, 'epsilon', 1e-5);
  const c = x.shape[1];
  if (c === undefined) unsupported('BatchNormalization', 'the input has no channel axis');
  if ([scale, bias, mean, variance].some((p) => p.length !== c)) unsupported('BatchNormalization', `scale, bias, mean and variance need ${c} values each`);
  const inner = x.shape.slice(2).reduce((a, b) => a * b, 1);
  // k < c, the length of every per-channel array (checked above).
  const gain = Float32Array.from({ length: c }, (_, k) => scale[k]! / Math.sqrt(variance[k]! + eps));
  const out = floatValue(x.shape.slice());
  for (let i = 0; i < out.data.length; i++) {
    const k = Math.floor(i / inner) % c;
    out.data[i] = (x.data[i]! - mean[k]!) * gain[k]! + bias[k]!;
  }
  return { outputs: [out], backward: ([dy]) => (dy ? [dy.map((g, i) => g * gain[Math.floor(i / inner) % c]!)] : []) };
};

/**
 * Softmax and LogSoftmax over the last axis. Opset 13 uses `axis` (default -1); earlier
 * opsets flatten at `axis` (default 1), which is the same only when it is the last axis.
 */
export const softmax =
  (log: boolean): Op =>
  (node, inputs, opset) => {
    const x = floatInput(node, inputs, 0);
    const rank = x.shape.length;
    const axis = axisOf(node.opType, attrInt(node, 'axis', opset >= 13 ? -1 : 1), rank);
    if (axis !== rank - 1) unsupported(node.opType, 'only the last axis is supported');
    // axisOf refused rank 0, so the last axis exists.
    const width = x.shape[rank - 1]!;
    const out = floatValue(x.shape.slice());
    const probs = new Float32Array(x.data.length);
    for (let r = 0; r < x.data.length; r += width) {
      let max = -Infinity;
      for (let j = 0; j < width; j++) max = Math.max(max, x.data[r + j]!);
      let sum = 0;
      for (let j = 0; j < width; j++) sum += Math.exp(x.data[r + j]! - max);
      for (let j = 0; j < width; j++) {
        probs[r + j] = Math.exp(x.data[r + j]! - max) / sum;
        out.data[r + j] = log ? x.data[r + j]! - max - Math.log(sum) : probs[r + j]!;
      }
    }
    return {
      outputs: [out],
      backward: ([dy]) => {
        if (!dy) return [];
        const dx = new Float32Array(dy.length);
        for (let r = 0; r < dy.length; r += width) {
          let dot = 0;
          for (let j = 0; j < width; j++) dot += log ? dy[r + j]! : dy[r + j]! * probs[r + j]!;
          for (let j = 0; j < width; j++) dx[r + j] = log ? dy[r + j]! - probs[r + j]! * dot : probs[r + j]! * (dy[r + j]! - dot);
        }
        return [dx];
      },
    };
  };
