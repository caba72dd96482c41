import { createRequire } from 'node:module';
import { inflateRawSync } from 'node:zlib';
import { lzma } from '@napi-rs/lzma';
import { ModelgateError } from '../../core/errors.js';
import type { ZipEntry } from './model.js';

const require = createRequire(import.meta.url);
const Bunzip = require('seek-bzip') as { decode(input: Buffer, output: { writeByte(b: number): void }, multistream?: boolean): void };

/** Compression methods (APPNOTE 4.4.5) a Python loader reads: zipfile supports exactly these. */
export const METHOD_STORED = 0;
const METHOD_DEFLATE = 8;
const METHOD_BZIP2 = 12;
const METHOD_LZMA = 14;

/** Which limit a decompression may run into, and how many bytes it leaves. */
export interface Room {
  bytes: number;
  code: 'LIMIT_MEMBER_BYTES' | 'LIMIT_DECOMPRESSED_BYTES';
}

/** A byte sink for seek-bzip that throws as soon as the output passes the room left. */
class BoundedSink {
  private buf = Buffer.allocUnsafe(64 * 1024);
  size = 0;
  constructor(private readonly room: Room) {}
  writeByte(b: number): void {
    if (this.size === this.buf.length) {
      if (this.size >= this.room.bytes) throw new ModelgateError(this.room.code, `bzip2 member decompresses past ${this.room.bytes} bytes`);
      const bigger = Buffer.allocUnsafe(Math.min(this.buf.length * 2, this.room.bytes + 1));
      this.buf.copy(bigger);
      this.buf = bigger;
    }
    this.buf[this.size++] = b;
  }
  result(): Buffer {
    if (this.size > this.room.bytes) throw new ModelgateError(this.room.code, `bzip2 member decompresses past ${this.room.bytes} bytes`);
    return this.buf.subarray(0, this.size);
  }
}

/**
 * LZMA as zip stores it (APPNOTE 5.8.8): a 2-byte encoder version, a 2-byte properties size
 * (5), the LZMA1 properties (lc/lp/pb byte, 32-bit dictionary size), then the raw stream,
 * ended by an end marker when flag bit 1 is set. The native decoder takes the .lzma "alone"
 * format, so the properties are rewrapped with the declared uncompressed size: the decoder
 * then stops at that size (CPython's ZipExtFile also returns no more than it), which bounds
 * the output before anything is allocated, and a stream whose length disagrees with it fails.
 */
function unlzma(input: Buffer, entry: ZipEntry, room: Room): Buffer {
  if (input.length < 4 || input.readUInt16LE(2) !== 5 || input.length < 9) throw new ModelgateError('MALFORMED', 'LZMA member header is invalid');
  if (entry.uncompressedSize > room.bytes) throw new ModelgateError(room.code, `LZMA member declares ${entry.uncompressedSize} bytes, over ${room.bytes}`);
  const alone = Buffer.alloc(13);
  input.copy(alone, 0, 4, 9);
  alone.writeBigUInt64LE(BigInt(entry.uncompressedSize), 5);
  const out = lzma.decompressSync(Buffer.concat([alone, input.subarray(9)]));
  if (out.length > room.bytes) throw new ModelgateError(room.code, `LZMA member decompresses past ${room.bytes} bytes`);
  return out;
}

/**
 * The bytes of a compressed member, as Python's zipfile would produce them, never more than
 * `room` allows. Methods zipfile cannot read either (implode, PPMd, zstd...) stay UNSUPPORTED.
 */
export function decompressMember(input: Buffer, entry: ZipEntry, room: Room): Buffer {
  const encrypted = (entry.flags | (entry.localFlags ?? 0)) & 1;
  const what = (kind: string): string => `${kind} data is invalid${encrypted ? ' (the entry is flagged as encrypted)' : ''}`;
  try {
    switch (entry.method) {
      case METHOD_DEFLATE:
        return inflateRawSync(input, { maxOutputLength: room.bytes });
      case METHOD_BZIP2: {
        // One stream, as zipfile's BZ2Decompressor reads; bytes after its end are ignored.
        const sink = new BoundedSink(room);
        Bunzip.decode(input, sink, false);
        return sink.result();
      }
      case METHOD_LZMA:
        return unlzma(input, entry, room);
      default:
        throw new ModelgateError('UNSUPPORTED', `compression method ${entry.method} is not supported`);
    }
  } catch (e) {
    if (e instanceof ModelgateError) throw e;
    if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw new ModelgateError(room.code, `member inflates past ${room.bytes} bytes`, { cause: e });
    const kind = entry.method === METHOD_DEFLATE ? 'deflate' : entry.method === METHOD_BZIP2 ? 'bzip2' : 'LZMA';
    throw new ModelgateError(encrypted ? 'ENCRYPTED' : 'MALFORMED', `${what(kind)}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}
