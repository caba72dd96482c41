import { createRequire } from 'node:module';
import { constants, gunzipSync, inflateSync } from 'node:zlib';
import { lzma, xz } from '@napi-rs/lzma';
import { Decompress as ZstdDecompress } from 'fzstd';
import { BufferSource, type ByteSource } from '../../core/byte-source.js';
import { ModelgateError } from '../../core/errors.js';
import type { ScanContext } from '../context.js';

const require = createRequire(import.meta.url);
const Bunzip = require('seek-bzip') as { decode(input: Buffer, output: { writeByte(b: number): void }, multistream?: boolean): void };

export type Compression = 'gzip' | 'bz2' | 'xz' | 'zstd' | 'zlib' | 'lzma';

/** Collects decompressed chunks and throws as soon as they pass `limit`. */
class BoundedOutput {
  readonly chunks: Buffer[] = [];
  size = 0;
  private buf = Buffer.allocUnsafe(64 * 1024);
  private pos = 0;
  constructor(
    private readonly limit: number,
    private readonly code: 'LIMIT_MEMBER_BYTES' | 'LIMIT_DECOMPRESSED_BYTES',
  ) {}
  push(chunk: Uint8Array): void {
    this.flush();
    this.size += chunk.length;
    if (this.size > this.limit) throw new ModelgateError(this.code, `decompresses past ${this.limit} bytes`);
    this.chunks.push(Buffer.from(chunk));
  }
  writeByte(b: number): void {
    if (this.pos === this.buf.length) this.flush();
    if (++this.size > this.limit) throw new ModelgateError(this.code, `decompresses past ${this.limit} bytes`);
    this.buf[this.pos++] = b;
  }
  flush(): void {
    if (this.pos > 0) this.chunks.push(Buffer.from(this.buf.subarray(0, this.pos)));
    this.pos = 0;
  }
  result(): Buffer {
    this.flush();
    return Buffer.concat(this.chunks);
  }
}

/**
 * Decompresses one wrapper with the file's budget. zlib and gzip stop at the limit inside
 * node:zlib; bzip2 and zstd stream through a bounded sink; xz and lzma (a native decoder
 * without an output cap) are checked against their declared size first and after decoding.
 */
function decompress(kind: Compression, input: Buffer, ctx: ScanContext): Buffer {
  const room = ctx.decompressionRoom();
  const limit = room.bytes;
  const tooLarge = (e: unknown): never => {
    if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE')
      throw new ModelgateError(room.code, `${kind} data decompresses past ${limit} bytes`, { cause: e });
    if (e instanceof ModelgateError) throw e;
    throw new ModelgateError('MALFORMED', `${kind} data is invalid: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  };
  try {
    switch (kind) {
      case 'gzip':
        return gunzipSync(input, { maxOutputLength: limit });
      case 'zlib':
        return inflateSync(input, { maxOutputLength: limit });
      case 'bz2': {
        const out = new BoundedOutput(limit, room.code);
        Bunzip.decode(input, out, true);
        return out.result();
      }
      case 'zstd': {
        const out = new BoundedOutput(limit, room.code);
        const d = new ZstdDecompress((chunk) => out.push(chunk));
        d.push(input, true);
        return out.result();
      }
      case 'lzma': {
        // lzma-alone header: properties, dictionary size, then the 64-bit uncompressed size.
        const declared = input.length >= 13 ? input.readBigUInt64LE(5) : 0n;
        if (declared !== 0xffffffffffffffffn && declared > BigInt(limit)) throw new ModelgateError(room.code, `lzma data declares ${declared} bytes`);
        const out = lzma.decompressSync(input);
        if (out.length > limit) throw new ModelgateError(room.code, `lzma data decompresses past ${limit} bytes`);
        return out;
      }
      case 'xz': {
        const out = xz.decompressSync(input);
        if (out.length > limit) throw new ModelgateError(room.code, `xz data decompresses past ${limit} bytes`);
        return out;
      }
    }
  } catch (e) {
    return tooLarge(e);
  }
}

/**
 * Whether content that begins with a weak magic can be that stream, judged from its first
 * bytes only: a zlib prefix that inflates without error, or an lzma-alone header whose declared
 * size is unknown or plausible. Used before reading a whole file a second way.
 */
export function mayDecode(kind: 'zlib' | 'lzma', head: Buffer): boolean {
  if (kind === 'lzma') {
    if (head.length < 13 || head[0]! >= 225) return false;
    const declared = head.readBigUInt64LE(5);
    return declared === 0xffffffffffffffffn || declared < 1n << 48n;
  }
  try {
    inflateSync(head, { finishFlush: constants.Z_SYNC_FLUSH });
    return true;
  } catch {
    return false;
  }
}

/** Scans a compressed wrapper (joblib's compressed files, .gz models...) by what it holds. */
export function scanCompressed(kind: Compression, source: ByteSource, ctx: ScanContext): string {
  if (source.size > ctx.limits.maxMemberBytes) throw new ModelgateError('LIMIT_MEMBER_BYTES', `${kind} file of ${source.size} bytes`);
  const out = decompress(kind, source.read(0, source.size), ctx);
  ctx.chargeDecompressed(out.length, source.size);
  const inner = ctx.layer().scan(new BufferSource(out));
  return `${inner}-${kind}`;
}
