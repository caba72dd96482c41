import type { Program } from './interpreter/program.js';
import { type Dims, dimsOf, type FloatValue, floatValue, sizeOf } from './interpreter/tensor.js';

/** `[N, C, H, W]` of a set of images, as readSamples and batchOf make them. */
export const imageDims = (images: FloatValue): Dims<4> => dimsOf('images', images.shape, 4);

/** `[N, K]` of logits, as the interpreter checks them on the run that gives them. */
export const logitsDims = (logits: FloatValue): Dims<2> => dimsOf('logits', logits.shape, 2);

/** Clean images `[N, C, H, W]` in the model's input scale, with their true labels. */
export interface SampleSet {
  images: FloatValue;
  labels: Uint8Array | number[];
}

/** Image `i` of a set, as a view. */
export function imageAt(images: FloatValue, i: number): Float32Array {
  const size = sizeOf(images.shape.slice(1));
  return images.data.subarray(i * size, (i + 1) * size);
}

/** A batch `[indices.length, C, H, W]` copied out of a set. */
export function batchOf(images: FloatValue, indices: readonly number[]): FloatValue {
  const size = sizeOf(images.shape.slice(1));
  const out = floatValue([indices.length, ...images.shape.slice(1)]);
  indices.forEach((i, k) => out.data.set(images.data.subarray(i * size, (i + 1) * size), k * size));
  return out;
}

/** Softmax of each row of logits `[N, K]`. */
export function softmaxRows(logits: FloatValue): Float32Array {
  const [n, k] = logitsDims(logits);
  const out = new Float32Array(n * k);
  // Row r, column j: r·k + j < n·k, within logits and out.
  for (let r = 0; r < n; r++) {
    let max = -Infinity;
    for (let j = 0; j < k; j++) max = Math.max(max, logits.data[r * k + j]!);
    let sum = 0;
    for (let j = 0; j < k; j++) sum += out[r * k + j] = Math.exp(logits.data[r * k + j]! - max);
    for (let j = 0; j < k; j++) out[r * k + j]! /= sum;
  }
  return out;
}

/** Index of the largest logit of row `r`. */
export function argmaxRow(logits: FloatValue, r: number): number {
  const [, k] = logitsDims(logits);
  let best = 0;
  for (let j = 1; j < k; j++) if (logits.data[r * k + j]! > logits.data[r * k + best]!) best = j;
  return best;
}

/** Predicted classes of a whole set, in batches so memory stays small. */
export function predict(program: Program, images: FloatValue, batchSize = 100): { classes: number[]; probabilities: Float32Array[] } {
  const [n] = imageDims(images);
  const classes: number[] = [];
  const probabilities: Float32Array[] = [];
  for (let start = 0; start < n; start += batchSize) {
    const indices = Array.from({ length: Math.min(batchSize, n - start) }, (_, k) => start + k);
    const { logits } = program.run(batchOf(images, indices));
    const probs = softmaxRows(logits);
    const [, k] = logitsDims(logits);
    indices.forEach((_, r) => {
      classes.push(argmaxRow(logits, r));
      probabilities.push(probs.subarray(r * k, (r + 1) * k));
    });
  }
  return { classes, probabilities };
}
