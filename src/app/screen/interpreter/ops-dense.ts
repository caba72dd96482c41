import { attrFloat, attrInt, floatInput, type Op } from './op.js';
import { broadcastIndex, broadcastShape, dimsOf, floatValue, reduceTo, unsupported } from './tensor.js';

/** Row-major `a[m×k] · b[k×n]`, i-k-j order so the inner loop runs over contiguous memory. */
export function matmul(a: Float32Array, b: Float32Array, m: number, k: number, n: number): Float32Array {
  const out = new Float32Array(m * n);
  for (let i = 0; i < m; i++) {
    const row = i * n;
    for (let p = 0; p < k; p++) {
      // a is m×k, b is k×n and out is m×n: every index is in range.
      const av = a[i * k + p]!;
      if (av === 0) continue;
      const bRow = p * n;
      for (let j = 0; j < n; j++) out[row + j]! += av * b[bRow + j]!;
    }
  }
  return out;
}

/** The transpose of a row-major `rows×cols` matrix. */
export function transpose2d(a: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(a.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = a[i * cols + j]!;
  return out;
}

/** Transposes of constant weights, computed once per weight rather than once per step. */
const transposed = new WeakMap<Float32Array, Float32Array>();
function cachedTranspose(a: Float32Array, rows: number, cols: number): Float32Array {
  let t = transposed.get(a);
  if (!t) {
    t = transpose2d(a, rows, cols);
    transposed.set(a, t);
  }
  return t;
}

/**
 * `alpha·A'·B' + beta·C` with A' and B' optionally transposed (Gemm), or plain A·B (MatMul of
 * two matrices). Gradients flow to A and B; C's gradient is summed over its broadcast axes.
 */
function product(opType: string, a: Float32Array, aShape: number[], transA: boolean, b: Float32Array, bShape: number[], transB: boolean, alpha: number) {
  if (aShape.length !== 2 || bShape.length !== 2) unsupported(opType, 'only 2-D matrices are supported');
  const [aRows, aCols] = dimsOf(opType, aShape, 2);
  const [bRows, bCols] = dimsOf(opType, bShape, 2);
  const [m, k] = transA ? [aCols, aRows] : [aRows, aCols];
  const [k2, n] = transB ? [bCols, bRows] : [bRows, bCols];
  if (k !== k2) unsupported(opType, `inner dimensions ${k} and ${k2} differ`);
  const ap = transA ? transpose2d(a, aRows, aCols) : a;
  const bp = transB ? cachedTranspose(b, bRows, bCols) : b;
  const out = matmul(ap, bp, m, k, n);
  if (alpha !== 1) for (let i = 0; i < out.length; i++) out[i]! *= alpha;
  const backward = (dy: Float32Array, wanted: boolean[]): [Float32Array | undefined, Float32Array | undefined] => {
    const g = alpha === 1 ? dy : dy.map((v) => v * alpha);
    // dA' = dY · B'^T; dB' = A'^T · dY; each only when its input depends on the image.
    const dap = wanted[0] ? matmul(g, cachedTranspose(bp, k, n), m, n, k) : undefined;
    const dbp = wanted[1] ? matmul(transpose2d(ap, m, k), g, k, m, n) : undefined;
    return [dap && transA ? transpose2d(dap, m, k) : dap, dbp && transB ? transpose2d(dbp, k, n) : dbp];
  };
  return { out, m, n, backward };
}

export const gemm: Op = (node, inputs) => {
  const a = floatInput(node, inputs, 0);
  const b = floatInput(node, inputs, 1);
  const alpha = attrFloat(node, 'alpha', 1);
  const beta = attrFloat(node, 'beta', 1);
  const p = product('Gemm', a.data, a.shape, attrInt(node, 'transA', 0) === 1, b.data, b.shape, attrInt(node, 'transB', 0) === 1, alpha);
  const c = inputs[2] === undefined ? undefined : floatInput(node, inputs, 2);
  let cIndex: Int32Array | undefined;
  if (c) {
    const shape = broadcastShape('Gemm', c.shape, [p.m, p.n]);
    if (shape.length !== 2 || shape[0] !== p.m || shape[1] !== p.n) unsupported('Gemm', 'C does not broadcast to the output');
    cIndex = broadcastIndex(c.shape, [p.m, p.n], [p.m, p.n]).ia;
    for (let i = 0; i < p.out.length; i++) p.out[i]! += beta * c.data[cIndex[i]!]!;
  }
  return {
    outputs: [floatValue([p.m, p.n], p.out)],
    backward: ([dy], wanted) => {
      if (!dy) return [];
      const [da, db] = p.backward(dy, wanted);
      const dc =
        wanted[2] && c && cIndex
          ? reduceTo(
              dy.map((v) => v * beta),
              cIndex,
              c.data.length,
            )
          : undefined;
      return [da, db, dc];
    },
  };
};

export const matMul: Op = (node, inputs) => {
  const a = floatInput(node, inputs, 0);
  const b = floatInput(node, inputs, 1);
  const p = product('MatMul', a.data, a.shape, false, b.data, b.shape, false, 1);
  return {
    outputs: [floatValue([p.m, p.n], p.out)],
    backward: ([dy], wanted) => (dy ? p.backward(dy, wanted) : []),
  };
};
