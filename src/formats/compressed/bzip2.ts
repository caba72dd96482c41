import { createRequire } from 'node:module';
import { ModelgateError } from '../../core/errors.js';
import { asDecodeError, ByteSink, StreamOutput, type Decoded, type Room } from './output.js';

const require = createRequire(import.meta.url);

/** seek-bzip's input stream interface: bytes one at a time, -1 at the end. */
interface InputStream {
  readByte(): number;
  read(buffer: Buffer, offset: number, length: number): number;
  seek(pos: number): void;
  eof(): boolean;
}
const Bunzip = require('seek-bzip') as { decode(input: InputStream, output: ByteSink, multistream?: boolean): void };

/**
 * The bytes of `input` from `start`, counting how far the decoder read. `overrun` is set when
 * the decoder asked for a byte past the end: seek-bzip then reads on as if it got 0xFF bits,
 * and a stream cut right after a block "ends" without its end-of-stream marker.
 */
export function inputFrom(input: Buffer, start: number): InputStream & { pos: number; overrun: boolean } {
  return {
    pos: start,
    overrun: false,
    readByte() {
      if (this.pos < input.length) return input[this.pos++]!;
      this.overrun = true;
      return -1;
    },
    read(buffer, offset, length) {
      let n = 0;
      while (n < length && this.pos < input.length) buffer[offset + n++] = input[this.pos++]!;
      if (n < length) this.overrun = true;
      return n === 0 ? -1 : n;
    },
    seek(pos) {
      this.pos = pos;
    },
    eof() {
      return this.pos >= input.length;
    },
  };
}

const isStreamStart = (input: Buffer, pos: number): boolean =>
  input[pos] === 0x42 && input[pos + 1] === 0x5a && input[pos + 2] === 0x68 && (input[pos + 3] ?? 0) >= 0x31 && (input[pos + 3] ?? 0) <= 0x39;

/**
 * A bzip2 file as CPython's bz2.BZ2File reads it (Lib/_compression.py DecompressReader):
 * stream after stream, each stream's blocks handed on as they decode; after a stream ends,
 * the next bytes start a new stream, and bytes that are not one are ignored (trailing_error).
 * A stream that breaks mid-way has handed on its earlier blocks. Each stream decodes into
 * what is left of the room.
 */
export function bunzipStreams(input: Buffer, room: Room): Decoded {
  const out = new StreamOutput(room);
  let pos = 0;
  for (let stream = 0; pos < input.length; stream++) {
    if (stream > 0 && !isStreamStart(input, pos)) break;
    const source = inputFrom(input, pos);
    const ratio = room.ratio && { limit: room.ratio, consumed: () => source.pos, before: out.size, what: `bzip2 stream ${stream + 1}` };
    const sink = new ByteSink(out.left, () => out.overflow('bzip2 data'), ratio);
    try {
      Bunzip.decode(source, sink, false);
    } catch (e) {
      const err = asDecodeError(e, `bzip2 stream ${stream + 1}`, pos);
      if (err.code.startsWith('LIMIT_')) throw err;
      if (stream === 0 && sink.size === 0) throw err;
      out.push(sink.result());
      const cut = source.pos >= input.length;
      return out.done(
        cut ? new ModelgateError('TRUNCATED', `bzip2 stream ${stream + 1} ends before its end-of-stream marker`, { cause: e, offset: pos }) : err,
      );
    }
    out.push(sink.result());
    if (source.overrun) {
      // Python's BZ2Decompressor hands on the blocks, then the reader meets EOF before the end of stream.
      return out.done(new ModelgateError('TRUNCATED', `bzip2 stream ${stream + 1} ends before its end-of-stream marker`, { offset: pos }));
    }
    pos = source.pos;
  }
  return out.done();
}
