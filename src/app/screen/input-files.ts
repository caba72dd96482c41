import { readFileSync } from 'node:fs';
import { ByteReader } from '../../core/byte-reader.js';
import { BufferSource } from '../../core/byte-source.js';
import { fsReason, ModelgateError } from '../../core/errors.js';
import { parseNpyHeader } from '../../formats/numpy/parse.js';
import { type FloatValue, floatValue } from './interpreter/tensor.js';

/** Sample files larger than this are refused: screening needs hundreds of small images, not a dataset. */
export const MAX_SAMPLE_BYTES = 1024 * 1024 * 1024;

/** How to read raw (headerless) samples and scale their values. */
export interface SampleFormat {
  /** `[C, H, W]` or `[H, W]` of one image; required for raw files, checked for .npy. */
  shape?: number[];
  /** Multiplier for pixel values; default 1/255 for uint8 data, 1 for floats. */
  scale?: number;
}

function read(path: string, what: string): Buffer {
  try {
    const bytes = readFileSync(path);
    if (bytes.length > MAX_SAMPLE_BYTES) throw new ModelgateError('LIMIT_MEMBER_BYTES', `${what} ${path} is over ${MAX_SAMPLE_BYTES} bytes`);
    return bytes;
  } catch (e) {
    if (e instanceof ModelgateError) throw e;
    throw new ModelgateError('UNREADABLE', `cannot read ${what} ${path}: ${fsReason(e)}`, { cause: e });
  }
}

/** An .npy array (numpy/lib/format.py) as numbers, for uint8, int and float dtypes in C order. */
function readNpy(bytes: Buffer, path: string): { shape: number[]; values: ArrayLike<number>; integral: boolean } {
  const reader = new ByteReader(new BufferSource(bytes));
  const header = parseNpyHeader(reader);
  if (header.fortranOrder) throw new ModelgateError('UNSUPPORTED', `${path}: Fortran-order arrays are not supported`);
  const descr = typeof header.descr === 'string' ? header.descr : '';
  const data = bytes.subarray(reader.pos, reader.pos + header.count * header.itemSize);
  if (data.length !== header.count * header.itemSize) throw new ModelgateError('TRUNCATED', `${path}: data ends early`);
  const copy = new Uint8Array(data).buffer;
  // Little-endian or byte-sized dtypes only ('<' or '|'); x86 and ARM numpy write these.
  const readers: Record<string, () => ArrayLike<number>> = {
    '|u1': () => new Uint8Array(copy),
    '|i1': () => new Int8Array(copy),
    '<i4': () => new Int32Array(copy),
    '<i8': () => Array.from(new BigInt64Array(copy), Number),
    '<f4': () => new Float32Array(copy),
    '<f8': () => new Float64Array(copy),
  };
  const make = readers[descr];
  if (!make) throw new ModelgateError('UNSUPPORTED', `${path}: dtype ${JSON.stringify(header.descr)} is not supported (uint8, int8/32/64, float32/64)`);
  return { shape: header.shape, values: make(), integral: !descr.includes('f') };
}

/**
 * Reads clean sample images: an .npy array `[N, H, W]` or `[N, C, H, W]`, or raw uint8 bytes
 * with `format.shape` giving one image's shape. Values are scaled by `format.scale` (default
 * 1/255 for integers, 1 for floats), giving `[N, C, H, W]` floats.
 */
export function readSamples(path: string, format: SampleFormat): FloatValue {
  const bytes = read(path, 'samples');
  let shape: number[];
  let values: ArrayLike<number>;
  let integral = true;
  if (path.toLowerCase().endsWith('.npy')) {
    ({ shape, values, integral } = readNpy(bytes, path));
    if (shape.length !== 3 && shape.length !== 4)
      throw new ModelgateError('USAGE', `${path}: samples must be [N, H, W] or [N, C, H, W], got [${shape.join(', ')}]`);
    if (format.shape && format.shape.join() !== shape.slice(1).join() && format.shape.join() !== [1, ...shape.slice(1)].join()) {
      throw new ModelgateError('USAGE', `${path}: --shape ${format.shape.join(',')} does not match the array's [${shape.join(', ')}]`);
    }
  } else {
    if (!format.shape) throw new ModelgateError('USAGE', `${path}: raw samples need --shape (e.g. 1,28,28)`);
    const size = format.shape.reduce((a, b) => a * b, 1);
    if (size <= 0 || bytes.length % size !== 0 || bytes.length === 0) {
      throw new ModelgateError('USAGE', `${path}: ${bytes.length} bytes is not a whole number of ${format.shape.join('×')} uint8 images`);
    }
    shape = [bytes.length / size, ...format.shape];
    values = bytes;
  }
  const image = shape.length === 3 ? [1, shape[1]!, shape[2]!] : shape.slice(1);
  const scale = format.scale ?? (integral ? 1 / 255 : 1);
  // shape is [N, H, W] or [N, C, H, W] (checked above, or built so for raw files).
  return floatValue(
    [shape[0]!, ...image],
    Float32Array.from(values, (v) => v * scale),
  );
}

/** Reads labels: raw uint8 (one byte per sample) or an integer .npy vector. */
export function readLabels(path: string): number[] {
  const bytes = read(path, 'labels');
  if (!path.toLowerCase().endsWith('.npy')) return Array.from(bytes);
  const { shape, values, integral } = readNpy(bytes, path);
  if (!integral || shape.length !== 1) throw new ModelgateError('USAGE', `${path}: labels must be a 1-D integer array`);
  return Array.from(values);
}
