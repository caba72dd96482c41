import { createHash } from 'node:crypto';
import type { ByteSource } from '../../core/byte-source.js';
import { ModelgateError } from '../../core/errors.js';
import { DTYPE_BITS } from '../../formats/safetensors/dtypes.js';
import { parseSafetensors } from '../../formats/safetensors/parse.js';
import type { TensorEntry } from '../../formats/safetensors/model.js';
import type { TensorDigest } from './model.js';

/**
 * Bytes hashed per read: 3 MiB, in the 1–4 MiB range where SHA-256 runs at full speed here
 * (DEPENDENCIES.md), and a multiple of 24, so every read of a tensor starts on a whole element
 * of every dtype (1, 2, 4 or 8 bytes; 3 for the 6-bit floats, 4 elements in 3 bytes).
 */
const CHUNK = 24 * 128 * 1024;

/**
 * Bytes of one repeating unit of a dtype: an element, or for sub-byte floats the smallest whole
 * number of bytes that holds whole elements (F4: 2 in 1 byte; F6: 4 in 3 bytes).
 */
function unitBytes(dtype: string): number {
  const bits = DTYPE_BITS.get(dtype) ?? 8;
  return bits === 6 ? 3 : Math.max(1, bits / 8);
}

/**
 * Hashes one tensor's bytes in CHUNK reads and checks on the way whether every unit repeats the
 * first: bytes are periodic with period p when each read equals itself shifted by p and starts
 * with the same unit as the first read.
 */
function digestOf(source: ByteSource, start: number, length: number, unit: number): { sha256: string; constant: boolean } {
  const hash = createHash('sha256');
  let first: Buffer | undefined;
  let constant = true;
  for (let done = 0; done < length;) {
    const bytes = source.read(start + done, Math.min(CHUNK, length - done));
    if (bytes.length === 0) throw new ModelgateError('TRUNCATED', `the file ends ${length - done} bytes before a tensor does`, { offset: start + done });
    hash.update(bytes);
    if (constant) {
      first ??= Buffer.from(bytes.subarray(0, unit));
      constant = bytes.subarray(0, unit).equals(first) && bytes.subarray(0, Math.max(0, bytes.length - unit)).equals(bytes.subarray(unit));
    }
    done += bytes.length;
  }
  return { sha256: hash.digest('hex'), constant };
}

/** A shape whose every dimension is a safe JavaScript integer, or undefined. */
function safeShape(entry: TensorEntry): number[] | undefined {
  const shape = entry.shape.map(Number);
  return shape.every(Number.isSafeInteger) ? shape : undefined;
}

/**
 * The SHA-256 of each tensor's bytes in a safetensors file, by tensor name, with its dtype and
 * shape. The header is read by the safetensors parser (which throws a ModelgateError when there
 * is none to read); each tensor's data range is then streamed in 3 MiB reads, so a file of any
 * size is never held whole. Tensors the parser finds broken (an unknown dtype, a range past the
 * end, reversed, or overlapping another) are left out: the bytes hashed never exceed the file's.
 */
export function tensorDigests(source: ByteSource): Map<string, TensorDigest> {
  const file = parseSafetensors(source);
  const broken = new Set(file.offsetProblems.map((p) => p.tensor));
  const digests = new Map<string, TensorDigest>();
  for (const entry of file.tensors) {
    const shape = safeShape(entry);
    if (broken.has(entry.name) || !shape) continue;
    const length = Number(entry.end - entry.begin);
    const { sha256, constant } = digestOf(source, file.dataStart + Number(entry.begin), length, unitBytes(entry.dtype));
    digests.set(entry.name, { dtype: entry.dtype, shape, sha256, constant });
  }
  return digests;
}
