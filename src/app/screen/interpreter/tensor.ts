import { ModelgateError } from '../../../core/errors.js';

/** A float tensor, row-major (ONNX's layout: NCHW for images). */
export interface FloatValue {
  kind: 'float';
  shape: number[];
  data: Float32Array;
}

/** An integer tensor: shapes, axes and indices, computed statically (exact below 2^53). */
export interface IntValue {
  kind: 'int';
  shape: number[];
  data: number[];
}

export type Value = FloatValue | IntValue;

export const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

export const floatValue = (shape: number[], data: Float32Array = new Float32Array(sizeOf(shape))): FloatValue => ({ kind: 'float', shape, data });

/** Throws UNSUPPORTED with the op named: the interpreter refuses rather than guesses. */
export function unsupported(op: string, why: string): never {
  throw new ModelgateError('UNSUPPORTED', `${op}: ${why} (not supported by the screening interpreter)`);
}

/** A tuple of `N` dims. */
export type Dims<N extends number, T extends number[] = []> = T['length'] extends N ? T : Dims<N, [...T, number]>;

/** `shape` as a tuple of `rank` dims, or UNSUPPORTED naming `op` when its rank is another. */
export function dimsOf<N extends 1 | 2 | 3 | 4>(op: string, shape: readonly number[], rank: N): Dims<N> {
  if (shape.length !== rank) unsupported(op, `expected rank ${rank}, got [${shape.join(', ')}]`);
  return shape as unknown as Dims<N>;
}

/** ONNX multidirectional broadcasting (onnx/docs/Broadcasting.md): numpy rules. */
export function broadcastShape(op: string, a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) unsupported(op, `shapes [${a.join(',')}] and [${b.join(',')}] do not broadcast`);
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** Per output dimension, the stride of an input broadcast to `out` (0 where it is repeated). */
function broadcastStrides(shape: readonly number[], out: readonly number[]): number[] {
  const strides = new Array<number>(out.length).fill(0);
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const d = shape[i]!;
    strides[out.length - shape.length + i] = d === 1 ? 0 : stride;
    stride *= d;
  }
  return strides;
}

/**
 * For each element of the broadcast output (row-major), the offsets into `a` and `b`, walked
 * with an odometer so no division happens per element.
 */
export function broadcastIndex(a: readonly number[], b: readonly number[], out: readonly number[]): { ia: Int32Array; ib: Int32Array } {
  const n = sizeOf(out);
  const ia = new Int32Array(n);
  const ib = new Int32Array(n);
  const sa = broadcastStrides(a, out);
  const sb = broadcastStrides(b, out);
  const counter = new Array<number>(out.length).fill(0);
  let pa = 0;
  let pb = 0;
  for (let i = 0; i < n; i++) {
    ia[i] = pa;
    ib[i] = pb;
    // d is in [0, rank) for counter, sa, sb and out alike.
    for (let d = out.length - 1; d >= 0; d--) {
      counter[d]!++;
      pa += sa[d]!;
      pb += sb[d]!;
      if (counter[d]! < out[d]!) break;
      pa -= sa[d]! * out[d]!;
      pb -= sb[d]! * out[d]!;
      counter[d] = 0;
    }
  }
  return { ia, ib };
}

/** Sums a gradient of the broadcast output back onto an input of `size` elements. */
export function reduceTo(grad: Float32Array, index: Int32Array, size: number): Float32Array {
  const out = new Float32Array(size);
  for (let i = 0; i < grad.length; i++) out[index[i]!]! += grad[i]!;
  return out;
}

/** Normalises a possibly negative axis against `rank`. */
export function axisOf(op: string, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) unsupported(op, `axis ${axis} is out of range for rank ${rank}`);
  return a;
}
