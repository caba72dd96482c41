import type { ElementType } from './dtypes.js';

/**
 * The raw bytes of one storage: a range of the checkpoint file itself (a stored zip member, a
 * legacy or tar storage record), little-endian as every torch format keeps them.
 */
export interface Storage {
  /** The storage key (`archive/data/<key>`, the legacy key, the tar key). */
  key: string;
  /** Offset of the first byte in the checkpoint file. */
  start: number;
  /** Bytes. */
  size: number;
}

/** A tensor as `Tensor.set_(storage, offset, size, stride)` would make it; counts are elements. */
export interface TensorView {
  storage: Storage;
  type: ElementType;
  offset: number;
  shape: number[];
  stride: number[];
}

/** A tensor under its flattened (dotted) state-dict name. */
export interface NamedTensor {
  name: string;
  tensor: TensorView;
}

/** Elements of a shape. */
export function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Byte range [start, end) of the storage a view touches; empty views span nothing. */
export function byteExtent(t: TensorView): { start: number; end: number } {
  const start = t.offset * t.type.size;
  if (elementCount(t.shape) === 0) return { start, end: start };
  let last = t.offset;
  for (let i = 0; i < t.shape.length; i++) last += (t.shape[i]! - 1) * t.stride[i]!;
  return { start, end: (last + 1) * t.type.size };
}

/** True when the view is the row-major contiguous layout of its shape. */
export function isContiguous(t: TensorView): boolean {
  let expected = 1;
  for (let i = t.shape.length - 1; i >= 0; i--) {
    if (t.shape[i] !== 1 && t.stride[i] !== expected) return false;
    expected *= t.shape[i]!;
  }
  return true;
}
