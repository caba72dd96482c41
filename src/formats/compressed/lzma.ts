import { crc32 } from 'node:zlib';
import { lzma, xz } from '@napi-rs/lzma';
import { ModelgateError } from '../../core/errors.js';
import { asDecodeError, StreamOutput, type Decoded, type Room } from './output.js';

/*
 * xz and lzma-alone as CPython's lzma.LZMAFile reads them (FORMAT_AUTO, Lib/_compression.py
 * DecompressReader): stream after stream, each stream's output appended; bytes after a
 * stream that do not start another are ignored (trailing_error; that includes xz stream
 * padding, which FORMAT_AUTO does not take as a stream). The native decoder reads one whole
 * stream and has no output cap, so each stream's size is checked against the room before it
 * is decoded where the stream declares it (the xz index, the lzma-alone header), and after.
 */

const XZ_MAGIC = Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]);
const UNKNOWN_SIZE = 0xffffffffffffffffn;

/** A multibyte integer of the xz format (xz-file-format 1.4): 7 bits a byte, at most 9 bytes. */
function readVarint(input: Buffer, at: number): [bigint, number] | undefined {
  let value = 0n;
  for (let i = 0; i < 9 && at + i < input.length; i++) {
    const byte = input[at + i]!;
    value |= BigInt(byte & 0x7f) << BigInt(7 * i);
    if (!(byte & 0x80)) return [value, at + i + 1];
  }
  return undefined;
}

/** The uncompressed size an xz index (xz-file-format 4) declares: the sum of its records. */
function indexedSize(input: Buffer, indexStart: number, indexEnd: number): bigint | undefined {
  if (input[indexStart] !== 0) return undefined;
  const count = readVarint(input, indexStart + 1);
  if (!count) return undefined;
  let [records, at] = count;
  let total = 0n;
  for (; records > 0n; records--) {
    const unpadded = readVarint(input, at);
    if (!unpadded || unpadded[1] > indexEnd) return undefined;
    const size = readVarint(input, unpadded[1]);
    if (!size || size[1] > indexEnd) return undefined;
    total += size[0];
    at = size[1];
  }
  return total;
}

/**
 * Where the xz stream that starts at `start` ends (xz-file-format 2.1.2): the first stream
 * footer after it, at a multiple of four bytes, whose CRC-32, flags and "YZ" magic check out,
 * with the size its index declares. Undefined when there is none (a cut stream).
 */
function xzStreamEnd(input: Buffer, start: number): { end: number; declared?: bigint } | undefined {
  const flags = input.subarray(start + 6, start + 8);
  for (let end = start + 24; end <= input.length; end += 4) {
    if (input[end - 2] !== 0x59 || input[end - 1] !== 0x5a) continue;
    const footer = input.subarray(end - 12, end);
    if (crc32(footer.subarray(4, 10)) !== footer.readUInt32LE(0) || !footer.subarray(8, 10).equals(flags)) continue;
    const indexSize = (footer.readUInt32LE(4) + 1) * 4;
    return { end, declared: indexedSize(input, end - 12 - indexSize, end - 12) };
  }
  return undefined;
}

/**
 * Where the lzma-alone stream at `start` ends, from what the decoder says of a prefix: the
 * whole rest decodes (the usual single stream), or "more bytes are available" (a longer
 * prefix) versus running out of input (a shorter one) bisects to the end. Otherwise the
 * decoder's error on the whole rest.
 */
function lzmaAloneEnd(input: Buffer, start: number): { end: number } | { error: unknown } {
  const outcome = (end: number): 'ok' | 'long' | unknown => {
    try {
      lzma.decompressSync(input.subarray(start, end));
      return 'ok';
    } catch (e) {
      return /more bytes are available/i.test(e instanceof Error ? e.message : '') ? 'long' : e;
    }
  };
  const whole = outcome(input.length);
  if (whole === 'ok') return { end: input.length };
  if (whole !== 'long') return { error: whole };
  let short = start + 13;
  let long = input.length;
  while (long - short > 1) {
    const mid = short + Math.floor((long - short) / 2);
    const r = outcome(mid);
    if (r === 'ok') return { end: mid };
    if (r === 'long') long = mid;
    else short = mid;
  }
  return { error: whole };
}

/** Decodes one stream, after checking its declared size against what is left. */
function decodeStream(kind: 'xz' | 'lzma', bytes: Buffer, declared: bigint | undefined, out: StreamOutput, n: number): Buffer {
  if (declared !== undefined && declared !== UNKNOWN_SIZE && declared > BigInt(out.left))
    throw new ModelgateError(out.room.code, `${kind} stream ${n} declares ${declared} bytes, over the ${out.left} left`);
  try {
    const data = kind === 'xz' ? xz.decompressSync(bytes) : lzma.decompressSync(bytes);
    if (data.length > out.left) throw out.overflow(`${kind} stream ${n}`);
    return data;
  } catch (e) {
    throw asDecodeError(e, `${kind} stream ${n}`);
  }
}

const isXz = (input: Buffer, at: number): boolean => input.subarray(at, at + 6).equals(XZ_MAGIC);
/** FORMAT_AUTO takes lzma-alone where liblzma's picky header check passes: properties < 225. */
const isLzmaAlone = (input: Buffer, at: number): boolean => at + 13 <= input.length && input[at]! < 225;

/** An xz or lzma-alone file, every stream in it, as LZMAFile reads it. */
export function unlzmaStreams(input: Buffer, room: Room): Decoded {
  const out = new StreamOutput(room);
  let pos = 0;
  for (let n = 1; pos < input.length; n++) {
    const xzStream = isXz(input, pos);
    if (n > 1 && !xzStream && !isLzmaAlone(input, pos)) break;
    const kind = xzStream ? 'xz' : 'lzma';
    let found: { end: number; declared?: bigint } | { error: unknown } | undefined;
    if (xzStream) found = xzStreamEnd(input, pos);
    else {
      const declared = input.readBigUInt64LE(pos + 5);
      if (declared !== UNKNOWN_SIZE && declared > BigInt(out.left))
        throw new ModelgateError(room.code, `lzma stream ${n} declares ${declared} bytes, over the ${out.left} left`);
      found = lzmaAloneEnd(input, pos);
      if ('end' in found) found = { end: found.end, declared };
    }
    if (found === undefined || 'error' in found) {
      // A first stream that is cut or broken is an error; after it, bytes that do not decode
      // as a stream are trailing bytes the reader ignores, and an xz stream with no footer is cut.
      const cause = found?.error;
      if (n > 1 && kind === 'lzma') break;
      const why = new ModelgateError('TRUNCATED', `${kind} stream ${n} has no end (cut short or invalid)`, { offset: pos, cause });
      if (n === 1) throw cause === undefined ? why : asDecodeError(cause, `${kind} stream ${n}`, pos);
      return out.done(why);
    }
    try {
      out.push(decodeStream(kind, input.subarray(pos, found.end), found.declared, out, n));
    } catch (e) {
      const err = e as ModelgateError;
      if (n === 1 || err.code.startsWith('LIMIT_')) throw err;
      return out.done(err);
    }
    pos = found.end;
  }
  return out.done();
}
