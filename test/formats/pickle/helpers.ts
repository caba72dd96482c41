import { ByteReader } from '../../../src/core/byte-reader.js';
import { BufferSource, type ByteSource } from '../../../src/core/byte-source.js';
import { DEFAULT_LIMITS, type Limits } from '../../../src/core/limits.js';
import { PickleBuilder } from '../../../src/formats/pickle/builder.js';
import type { PickleStream, PValue } from '../../../src/formats/pickle/model.js';
import { parsePickleStream } from '../../../src/formats/pickle/parse.js';

/** Parses one stream from the start of `input` (a builder, bytes or any source). */
export function parse(input: PickleBuilder | Buffer | ByteSource, limits: Limits = DEFAULT_LIMITS): PickleStream {
  const source = input instanceof PickleBuilder ? new BufferSource(input.bytes()) : Buffer.isBuffer(input) ? new BufferSource(input) : input;
  return parsePickleStream(new ByteReader(source), { limits });
}

/**
 * A source of `size` bytes held nowhere: `head` at 0, `tail` at the end, zeros between, built
 * only for the ranges read. Counts the bytes handed out, to prove a skip reads nothing.
 */
export class VirtualSource implements ByteSource {
  bytesRead = 0;
  constructor(
    readonly size: number,
    private readonly head: Buffer,
    private readonly tail: Buffer,
  ) {}
  read(offset: number, length: number): Buffer {
    const end = Math.min(this.size, offset + length);
    const out = Buffer.alloc(Math.max(0, end - offset));
    const tailStart = this.size - this.tail.length;
    // Copy whatever part of head and tail falls in [offset, end); the rest stays zero.
    if (offset < this.head.length) this.head.copy(out, 0, offset, Math.min(this.head.length, end));
    if (end > tailStart) this.tail.copy(out, Math.max(0, tailStart - offset), Math.max(0, offset - tailStart), end - tailStart);
    this.bytesRead += out.length;
    return out;
  }
}

/** Narrows a value to one kind, failing the test with what it was instead. */
export function as<K extends PValue['k']>(v: PValue | undefined, k: K): Extract<PValue, { k: K }> {
  if (v?.k !== k) throw new Error(`expected a ${k}, got ${v === undefined ? 'nothing' : v.k}`);
  return v as Extract<PValue, { k: K }>;
}
