import type { InputFile } from './input-file.js';
import { byteExtent, elementCount, isContiguous, type TensorView } from './model.js';

/**
 * Bytes moved per read when copying. Small enough that a chunk read into user space is still in
 * the CPU's cache when it is written out, large enough that system calls cost nothing: on the
 * project's VM 256 KiB copied a 3 GiB checkpoint 5-10% faster than 1 or 8 MiB (bench/convert.ts).
 */
export const CHUNK_BYTES = 256 * 1024;

/**
 * A strided view whose storage span is at most this is read in one piece and gathered in
 * memory; a larger one is gathered run by run straight from the file (slow, but still bounded).
 */
const GATHER_WINDOW = 64 * 1024 * 1024;

/** Receives bytes in order; the buffer is reused after the call returns. */
export type Sink = (bytes: Buffer) => void;

/**
 * Emits the tensor's elements in row-major order, the layout `tensor.contiguous()` gives and
 * safetensors stores, holding at most a few chunks in memory.
 */
export function copyTensor(input: InputFile, t: TensorView, sink: Sink, scratch: Buffer): void {
  const { start, end } = byteExtent(t);
  if (end === start) return;
  if (isContiguous(t)) {
    for (let at = start; at < end; at += scratch.length) {
      const n = Math.min(scratch.length, end - at);
      input.readInto(scratch, n, t.storage.start + at);
      sink(scratch.subarray(0, n));
    }
    return;
  }
  gather(input, t, sink, scratch, start, end);
}

/**
 * Non-contiguous views (a transpose, a slice with a step): walk the indices like an odometer,
 * copying one run of the innermost dimensions that are contiguous at a time.
 */
function gather(input: InputFile, t: TensorView, sink: Sink, out: Buffer, start: number, end: number): void {
  const size = t.type.size;
  // Merge trailing dimensions that are contiguous in the storage into one run.
  let runElements = 1;
  let dims = t.shape.length;
  while (dims > 0 && (t.shape[dims - 1] === 1 || t.stride[dims - 1] === runElements)) {
    runElements *= t.shape[dims - 1]!;
    dims--;
  }
  const runBytes = runElements * size;
  const window = end - start <= GATHER_WINDOW ? Buffer.allocUnsafe(end - start) : undefined;
  if (window) input.readInto(window, window.length, t.storage.start + start);
  const index = new Array<number>(dims).fill(0);
  let filled = 0;
  const runs = elementCount(t.shape) / runElements;
  for (let r = 0; r < runs; r++) {
    let element = t.offset;
    for (let d = 0; d < dims; d++) element += index[d]! * t.stride[d]!;
    let from = element * size - start;
    // A run can be longer than the output buffer: copy it in pieces.
    for (let left = runBytes; left > 0;) {
      if (filled === out.length) {
        sink(out);
        filled = 0;
      }
      const n = Math.min(left, out.length - filled);
      if (window) window.copy(out, filled, from, from + n);
      else input.readInto(out.subarray(filled), n, t.storage.start + start + from);
      filled += n;
      from += n;
      left -= n;
    }
    for (let d = dims - 1; d >= 0; d--) {
      if (++index[d]! < t.shape[d]!) break;
      index[d] = 0;
    }
  }
  if (filled > 0) sink(out.subarray(0, filled));
}
