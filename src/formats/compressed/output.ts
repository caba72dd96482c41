import { ModelgateError } from '../../core/errors.js';
import type { Room } from '../zip/decompress.js';

export type { Room };

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

  push(chunk: Buffer): void {
    if (this.size + chunk.length > this.room.bytes) throw this.overflow();
    this.chunks.push(chunk);
    this.size += chunk.length;
  }

  overflow(what = 'data'): ModelgateError {
    return new ModelgateError(this.room.code, `${what} decompresses past ${this.room.bytes} bytes`);
  }

  done(error?: ModelgateError): Decoded {
    return { data: Buffer.concat(this.chunks), error };
  }
}

/** A byte sink for byte-at-a-time decoders (seek-bzip) that throws once past `limit`. */
export class ByteSink {
  private buf = Buffer.allocUnsafe(64 * 1024);
  size = 0;
  constructor(
    private readonly limit: number,
    private readonly onOverflow: () => ModelgateError,
  ) {}
  writeByte(b: number): void {
    if (this.size === this.buf.length) {
      if (this.size >= this.limit) throw this.onOverflow();
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
  constructor(
    readonly limit: number,
    private readonly overflow: () => ModelgateError,
  ) {}

  /** Makes room for `n` more bytes, or throws the overflow error when that passes the limit. */
  reserve(n: number): void {
    if (this.size + n > this.limit) throw this.overflow();
    if (this.size + n <= this.buf.length) return;
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
