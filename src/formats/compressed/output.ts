import { ModelgateError } from '../../core/errors.js';

/** The decompression ratio limit: output past `grace` bytes may not pass `max` times the input read. */
export interface RatioLimit {
  max: number;
  grace: number;
}

/**
 * Which limit a decompression may run into and how many bytes it leaves; with `ratio`, the
 * output is also held to the ratio limit against the input read so far, so a bomb stops as
 * soon as it expands faster than real data does, not once a gigabyte is in memory.
 */
export interface Room {
  bytes: number;
  code: 'LIMIT_MEMBER_BYTES' | 'LIMIT_DECOMPRESSED_BYTES';
  ratio?: RatioLimit;
}

/** The most output the ratio limit allows once `consumed` input bytes were read. */
export function ratioCap(ratio: RatioLimit | undefined, consumed: number): number {
  return ratio === undefined ? Number.POSITIVE_INFINITY : Math.max(ratio.grace, ratio.max * consumed);
}

/** The error for output that passes the ratio limit. */
export function ratioError(what: string, output: number, consumed: number, ratio: RatioLimit): ModelgateError {
  return new ModelgateError('LIMIT_RATIO', `${what} expands ${consumed} input bytes to more than ${output} bytes, over the ${ratio.max}:1 ratio limit`);
}

/**
 * What a decoder made of a compressed file: every byte a loader's reader would hand on, in
 * order (all streams or members it reads, appended), and the error that stops that reader,
 * if any. A loader that streams (pickle.load over gzip.open, joblib's BinaryZlibFile,
 * _compression.DecompressReader) has already acted on `data` when the error is raised, so
 * the caller scans `data` and then reports `error`.
 */
export interface Decoded {
  data: Buffer;
  error?: ModelgateError;
}

/**
 * Collects the output of several streams against one room: each stream is decoded with only
 * what is left, so the file never inflates past the room before the check.
 */
export class StreamOutput {
  private readonly chunks: Buffer[] = [];
  size = 0;
  constructor(readonly room: Room) {}

  /** Bytes the next stream may still produce. */
  get left(): number {
    return Math.max(0, this.room.bytes - this.size);
  }

  /** What the next stream may use: the bytes left, under the same ratio limit. */
  get rest(): Room {
    return { ...this.room, bytes: this.left };
  }

  push(chunk: Buffer): void {
    if (this.size + chunk.length > this.room.bytes) throw this.overflow();
    this.chunks.push(chunk);
    this.size += chunk.length;
  }

  /** Throws LIMIT_RATIO when the output so far (plus `pending`) passes the ratio for `consumed` input bytes. */
  checkRatio(consumed: number, what: string, pending = 0): void {
    const size = this.size + pending;
    if (size > ratioCap(this.room.ratio, consumed)) throw ratioError(what, size - 1, consumed, this.room.ratio!);
  }

  overflow(what = 'data'): ModelgateError {
    return new ModelgateError(this.room.code, `${what} decompresses past ${this.room.bytes} bytes`);
  }

  done(error?: ModelgateError): Decoded {
    return { data: Buffer.concat(this.chunks), error };
  }
}

/**
 * A byte sink for byte-at-a-time decoders (seek-bzip) that throws once past `limit`, or past
 * the ratio limit for the input `consumed()` reports (checked whenever the buffer grows).
 */
export class ByteSink {
  private buf = Buffer.allocUnsafe(64 * 1024);
  size = 0;
  constructor(
    private readonly limit: number,
    private readonly onOverflow: () => ModelgateError,
    private readonly ratio?: { limit: RatioLimit; consumed: () => number; before: number; what: string },
  ) {}
  writeByte(b: number): void {
    if (this.size === this.buf.length) {
      if (this.size >= this.limit) throw this.onOverflow();
      const r = this.ratio;
      if (r && r.before + this.size >= ratioCap(r.limit, r.consumed())) throw ratioError(r.what, r.before + this.size, r.consumed(), r.limit);
      const bigger = Buffer.allocUnsafe(Math.min(this.buf.length * 2, this.limit + 1));
      this.buf.copy(bigger);
      this.buf = bigger;
    }
    this.buf[this.size++] = b;
  }
  result(): Buffer {
    if (this.size > this.limit) throw this.onOverflow();
    return Buffer.from(this.buf.subarray(0, this.size));
  }
}

/** The error a decoder library threw, as a typed MALFORMED (limit errors pass through). */
export function asDecodeError(e: unknown, what: string, offset?: number): ModelgateError {
  if (e instanceof ModelgateError) return e;
  return new ModelgateError('MALFORMED', `${what} is invalid: ${e instanceof Error ? e.message : String(e)}`, { cause: e, offset });
}

/**
 * A decoder's output buffer, growing on demand (doubling, from 64 KiB) but never past `limit`:
 * a stream asking for more throws `overflow()` before anything is allocated. LZ-style decoders
 * copy matches from what they wrote before, so they write into `buf` directly.
 */
export class GrowingOutput {
  buf = Buffer.alloc(0);
  size = 0;
  /**
   * Input bytes read so far (counted from the start of the file, as `before` is output of the
   * file before this buffer): decoders point it at their reader. Checked against the ratio
   * limit each time the buffer grows, so a bomb stops near `ratio.grace` bytes.
   */
  consumed: () => number = () => Number.POSITIVE_INFINITY;
  constructor(
    readonly limit: number,
    private readonly overflow: () => ModelgateError,
    private readonly ratio?: { limit: RatioLimit; before: number; what: string },
  ) {}

  /** Makes room for `n` more bytes, or throws the overflow error when that passes the limit. */
  reserve(n: number): void {
    if (this.size + n > this.limit) throw this.overflow();
    if (this.size + n <= this.buf.length) return;
    const r = this.ratio;
    if (r && r.before + this.size + n > ratioCap(r.limit, this.consumed())) throw ratioError(r.what, r.before + this.size, this.consumed(), r.limit);
    const bigger = Buffer.alloc(Math.min(this.limit, Math.max(this.size + n, this.buf.length * 2, 64 * 1024)));
    this.buf.copy(bigger, 0, 0, this.size);
    this.buf = bigger;
  }

  /** Appends `bytes` within the limit. */
  append(bytes: Buffer): void {
    this.reserve(bytes.length);
    bytes.copy(this.buf, this.size);
    this.size += bytes.length;
  }
}
