import { createRequire } from 'node:module';
import { ModelgateError } from '../../core/errors.js';
import { inputFrom } from '../compressed/bzip2.js';
import { inflateRaw } from '../compressed/deflate.js';
import { decodeLzmaAlone } from '../compressed/lzma1.js';
import { ByteSink, GrowingOutput, type Room } from '../compressed/output.js';
import type { ZipEntry } from './model.js';

export type { Room };

const require = createRequire(import.meta.url);
const Bunzip = require('seek-bzip') as { decode(input: ReturnType<typeof inputFrom>, output: ByteSink, multistream?: boolean): void };

/** Compression methods (APPNOTE 4.4.5) a Python loader reads: zipfile supports exactly these. */
export const METHOD_STORED = 0;
const METHOD_DEFLATE = 8;
const METHOD_BZIP2 = 12;
const METHOD_LZMA = 14;

const overflowOf = (room: Room, kind: string) => (): ModelgateError => new ModelgateError(room.code, `${kind} member decompresses past ${room.bytes} bytes`);

/**
 * LZMA as zip stores it (APPNOTE 5.8.8): a 2-byte encoder version, a 2-byte properties size
 * (5), the LZMA1 properties (lc/lp/pb byte, 32-bit dictionary size), then the raw stream,
 * ended by an end marker when flag bit 1 is set. Read by modelgate's own bounded decoder as an
 * lzma-alone stream of the declared uncompressed size: it stops there (CPython's ZipExtFile
 * returns no more than it), at the room, or at the ratio limit, whichever comes first.
 */
function unlzma(input: Buffer, entry: ZipEntry, room: Room): Buffer {
  if (input.length < 9 || input.readUInt16LE(2) !== 5) throw new ModelgateError('MALFORMED', 'LZMA member header is invalid');
  if (entry.uncompressedSize > room.bytes) throw new ModelgateError(room.code, `LZMA member declares ${entry.uncompressedSize} bytes, over ${room.bytes}`);
  const alone = Buffer.alloc(13);
  input.copy(alone, 0, 4, 9);
  alone.writeBigUInt64LE(BigInt(entry.uncompressedSize), 5);
  const stream = Buffer.concat([alone, input.subarray(9)]);
  const out = new GrowingOutput(room.bytes, overflowOf(room, 'LZMA'), room.ratio && { limit: room.ratio, before: 0, what: 'LZMA member' });
  const r = decodeLzmaAlone(stream, 0, out);
  if (r.error) throw r.error;
  return Buffer.from(out.buf.subarray(0, out.size));
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
      case METHOD_DEFLATE: {
        const r = inflateRaw(input, room.bytes, overflowOf(room, 'deflate'), room.ratio, 'deflate member');
        if (r.error) throw r.error;
        return r.data;
      }
      case METHOD_BZIP2: {
        // One stream, as zipfile's BZ2Decompressor reads; bytes after its end are ignored.
        const source = inputFrom(input, 0);
        const ratio = room.ratio && { limit: room.ratio, consumed: () => source.pos, before: 0, what: 'bzip2 member' };
        const sink = new ByteSink(room.bytes, overflowOf(room, 'bzip2'), ratio);
        Bunzip.decode(source, sink, false);
        if (source.overrun) throw new ModelgateError('TRUNCATED', 'bzip2 member ends before its end-of-stream marker');
        return sink.result();
      }
      case METHOD_LZMA:
        return unlzma(input, entry, room);
      default:
        throw new ModelgateError('UNSUPPORTED', `compression method ${entry.method} is not supported`);
    }
  } catch (e) {
    if (e instanceof ModelgateError && (e.code.startsWith('LIMIT_') || e.code === 'UNSUPPORTED')) throw e;
    if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw new ModelgateError(room.code, `member inflates past ${room.bytes} bytes`, { cause: e });
    const kind = entry.method === METHOD_DEFLATE ? 'deflate' : entry.method === METHOD_BZIP2 ? 'bzip2' : 'LZMA';
    const code = encrypted ? 'ENCRYPTED' : e instanceof ModelgateError ? e.code : 'MALFORMED';
    throw new ModelgateError(code, `${what(kind)}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}
