import { ModelgateError } from '../../core/errors.js';
import type { Room } from '../compressed/output.js';
import { decodeBlock, Lz4Output } from './block.js';

/** The LZ4 frame magic (lz4_Frame_format.md), 04 22 4D 18 on disk: joblib's `.lz4` prefix. */
export const LZ4_FRAME_MAGIC = 0x184d2204;
/** Skippable frames use magics 0x184D2A50 to 0x184D2A5F. */
const isSkippable = (magic: number): boolean => (magic & 0xfffffff0) === 0x184d2a50;
/** Maximum block sizes by the BD byte's block-size id (4 to 7). */
const BLOCK_MAX = [0, 0, 0, 0, 64 << 10, 256 << 10, 1 << 20, 4 << 20];

/** A decoded LZ4 file: the output of every frame, and the error that ended the reading early. */
export interface Lz4Decoded {
  data: Buffer;
  error?: ModelgateError;
}

const fail = (code: 'MALFORMED' | 'TRUNCATED', why: string, offset: number): never => {
  throw new ModelgateError(code, `LZ4 frame: ${why}`, { offset });
};

/** Reads one frame's header (FLG, BD, optional content size and dictionary id, header checksum). */
function frameHeader(input: Buffer, pos: number): { flags: number; blockMax: number; contentSize?: bigint; at: number } {
  if (pos + 7 > input.length) fail('TRUNCATED', 'the header is cut short', pos);
  const flags = input[pos + 4]!;
  const bd = input[pos + 5]!;
  if (flags >> 6 !== 1) fail('MALFORMED', `version ${flags >> 6}`, pos + 4);
  if (flags & 0x02 || bd & 0x8f) fail('MALFORMED', 'reserved bits are set', pos + 4);
  const blockMax = BLOCK_MAX[(bd >> 4) & 7]!;
  if (blockMax === 0) fail('MALFORMED', `block size id ${(bd >> 4) & 7}`, pos + 5);
  let at = pos + 6;
  let contentSize: bigint | undefined;
  if (flags & 0x08) {
    if (at + 8 > input.length) fail('TRUNCATED', 'the header is cut short', pos);
    contentSize = input.readBigUInt64LE(at);
    at += 8;
  }
  if (flags & 0x01) at += 4;
  // The header checksum byte (xxh32 of the descriptor) is not checked: reading a frame the
  // library would refuse only reads more.
  at += 1;
  if (at > input.length) fail('TRUNCATED', 'the header is cut short', pos);
  return { flags, blockMax, contentSize, at };
}

/** Decodes the frame at `pos` into `out`; returns where it ends. */
function decodeFrame(input: Buffer, pos: number, out: Lz4Output): number {
  const { flags, blockMax, contentSize, at: first } = frameHeader(input, pos);
  if (contentSize !== undefined && contentSize > BigInt(out.limit - out.size)) {
    throw new ModelgateError(out.limitCode, `LZ4 frame declares ${contentSize} bytes, over the ${out.limit - out.size} left`);
  }
  const frameStart = out.size;
  const independent = (flags & 0x20) !== 0;
  let at = first;
  for (;;) {
    if (at + 4 > input.length) fail('TRUNCATED', 'ends before its end mark', at);
    const word = input.readUInt32LE(at);
    at += 4;
    if (word === 0) break;
    const size = word & 0x7fffffff;
    if (size > blockMax) fail('MALFORMED', `a block of ${size} bytes, over the frame's ${blockMax}`, at - 4);
    if (at + size > input.length) {
      // liblz4 copies an uncompressed block out as its bytes arrive (LZ4F dstage_copyDirect).
      if (word & 0x80000000) out.append(input.subarray(at));
      fail('TRUNCATED', 'a block is cut short', at);
    }
    const block = input.subarray(at, at + size);
    out.consumed = () => at + size;
    if (word & 0x80000000) out.append(block);
    else {
      // liblz4 hands a compressed block on only once all of it decoded.
      const blockStart = out.size;
      try {
        decodeBlock(block, out, independent ? blockStart : frameStart, at);
      } catch (e) {
        out.size = blockStart;
        throw e;
      }
    }
    at += size + (flags & 0x10 ? 4 : 0);
  }
  if (flags & 0x04) at += 4;
  if (at > input.length) fail('TRUNCATED', 'ends before its content checksum', at);
  if (contentSize !== undefined && BigInt(out.size - frameStart) !== contentSize)
    fail('MALFORMED', `holds ${out.size - frameStart} bytes, not the ${contentSize} it declares`, pos);
  return at;
}

/**
 * An LZ4 file as lz4.frame.LZ4FrameFile reads it (Lib/_compression.py DecompressReader over
 * LZ4FrameDecompressor): frame after frame, skippable frames skipped, the output of each
 * appended; bytes after a frame that start no frame are ignored (trailing_error). What
 * decoded before a frame breaks was handed on, so it is returned with the error. Output never
 * passes `limit`.
 */
export function decodeLz4Frames(input: Buffer, room: Room): Lz4Decoded {
  const { bytes: limit, code: limitCode } = room;
  const out = new Lz4Output(limit, () => new ModelgateError(limitCode, `LZ4 data decompresses past ${limit} bytes`), limitCode, room.ratio);
  let pos = 0;
  for (let n = 0; pos + 4 <= input.length; n++) {
    const magic = input.readUInt32LE(pos);
    if (isSkippable(magic)) {
      if (pos + 8 > input.length) break;
      pos += 8 + input.readUInt32LE(pos + 4);
      continue;
    }
    if (magic !== LZ4_FRAME_MAGIC) {
      if (n === 0) fail('MALFORMED', 'no frame magic', pos);
      break;
    }
    try {
      pos = decodeFrame(input, pos, out);
    } catch (e) {
      if (!(e instanceof ModelgateError) || e.code.startsWith('LIMIT_') || out.size === 0) throw e;
      return { data: Buffer.from(out.buf.subarray(0, out.size)), error: e };
    }
  }
  return { data: Buffer.from(out.buf.subarray(0, out.size)) };
}
