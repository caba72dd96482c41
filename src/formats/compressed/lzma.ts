import { crc32 } from 'node:zlib';
import { createRequire } from 'node:module';
import { ModelgateError } from '../../core/errors.js';
import { decodeLzmaAlone } from './lzma1.js';
import { decodeXzBlocks, startsWithLzma2 } from './xz.js';
import { asDecodeError, GrowingOutput, ratioCap, ratioError, StreamOutput, type Decoded, type Room } from './output.js';

const require = createRequire(import.meta.url);

/**
 * The native xz decoder (@napi-rs/lzma), loaded on first use only: a scan without xz files of
 * other filter chains never loads the addon (so it runs under Node's permission model without
 * --allow-addons).
 */
function nativeXz(): typeof import('@napi-rs/lzma').xz {
  return (require('@napi-rs/lzma') as typeof import('@napi-rs/lzma')).xz;
}

/*
 * xz and lzma-alone as CPython's lzma.LZMAFile reads them (FORMAT_AUTO, Lib/_compression.py
 * DecompressReader): stream after stream, each stream's output appended; bytes after a
 * stream that do not start another are ignored (trailing_error; that includes xz stream
 * padding, which FORMAT_AUTO does not take as a stream). lzma-alone streams and xz streams
 * of LZMA2 blocks are decoded by the bounded decoder (lzma1.ts, xz.ts), which stops at the
 * room and keeps what decoded before a break; xz streams with other filter chains go to the
 * native decoder, which has no output cap, so their index's sizes are checked before and the
 * output after.
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

/** Decodes one xz stream natively, after checking the size its index declares against what is left. */
function decodeXz(bytes: Buffer, declared: bigint | undefined, out: StreamOutput, n: number): Buffer {
  if (declared !== undefined && declared > BigInt(out.left))
    throw new ModelgateError(out.room.code, `xz stream ${n} declares ${declared} bytes, over the ${out.left} left`);
  // The native decoder cannot be stopped part-way: the index's size is held to the ratio first.
  const cap = ratioCap(out.room.ratio, bytes.length);
  if (declared !== undefined && out.size + Number(declared) > cap) throw ratioError(`xz stream ${n}`, cap, bytes.length, out.room.ratio!);
  try {
    const data = nativeXz().decompressSync(bytes);
    if (data.length > out.left) throw out.overflow(`xz stream ${n}`);
    return data;
  } catch (e) {
    throw asDecodeError(e, `xz stream ${n}`);
  }
}

/** The native decoder's own error for an xz stream with no footer, for the message. */
function tryXz(bytes: Buffer): unknown {
  if (bytes.length > 64 * 1024 * 1024) return undefined;
  try {
    nativeXz().decompressSync(bytes);
    return undefined;
  } catch (e) {
    return e;
  }
}

const isXz = (input: Buffer, at: number): boolean => input.subarray(at, at + 6).equals(XZ_MAGIC);
/**
 * What FORMAT_AUTO takes as an lzma-alone stream after another stream: liblzma's picky header
 * check (alone_decoder.c) wants properties under 225, a dictionary size of 2^n or 2^n + 2^(n-1)
 * (or all ones), and an uncompressed size that is unknown or under 2^38.
 */
function isLzmaAlone(input: Buffer, at: number): boolean {
  if (at + 13 > input.length || input[at]! >= 225) return false;
  const dict = input.readUInt32LE(at + 1);
  let d = dict - 1;
  d |= d >>> 2;
  d |= d >>> 3;
  d |= d >>> 4;
  d |= d >>> 8;
  d |= d >>> 16;
  const picky = dict === 0xffffffff || (d + 1) >>> 0 === dict;
  const size = input.readBigUInt64LE(at + 5);
  return picky && (size === UNKNOWN_SIZE || size < 2n ** 38n);
}

/** An xz or lzma-alone file, every stream in it, as LZMAFile reads it. */
export function unlzmaStreams(input: Buffer, room: Room): Decoded {
  const out = new StreamOutput(room);
  let pos = 0;
  for (let n = 1; pos < input.length; n++) {
    const xzStream = isXz(input, pos);
    if (n > 1 && !xzStream && !isLzmaAlone(input, pos)) break;
    if (!xzStream) {
      const declared = input.readBigUInt64LE(pos + 5);
      if (declared !== UNKNOWN_SIZE && declared > BigInt(out.left))
        throw new ModelgateError(room.code, `lzma stream ${n} declares ${declared} bytes, over the ${out.left} left`);
      const lzOut = new GrowingOutput(
        out.left,
        () => out.overflow(`lzma stream ${n}`),
        room.ratio && { limit: room.ratio, before: out.size, what: `lzma stream ${n}` },
      );
      const r = decodeLzmaAlone(input, pos, lzOut);
      const data = Buffer.from(lzOut.buf.subarray(0, lzOut.size));
      if (r.error) {
        // A first stream that breaks is reported with what it decoded; after it, bytes that do
        // not decode as a stream are trailing bytes the reader ignores (trailing_error) once
        // nothing came of them, and a break part-way otherwise.
        if (n === 1 && data.length === 0) throw r.error;
        if (n > 1 && data.length === 0) break;
        out.push(data);
        return out.done(r.error);
      }
      out.push(data);
      pos = r.end;
      continue;
    }
    const found = xzStreamEnd(input, pos);
    if (startsWithLzma2(input, pos)) {
      // The bounded decoder: what decoded before a break (or a cut, with no footer) is kept.
      if (found?.declared !== undefined && found.declared > BigInt(out.left))
        throw new ModelgateError(room.code, `xz stream ${n} declares ${found.declared} bytes, over the ${out.left} left`);
      const xzOut = new GrowingOutput(
        out.left,
        () => out.overflow(`xz stream ${n}`),
        room.ratio && { limit: room.ratio, before: out.size, what: `xz stream ${n}` },
      );
      let error: ModelgateError | undefined;
      try {
        decodeXzBlocks(input.subarray(0, found?.end ?? input.length), pos, xzOut);
        if (!found) error = new ModelgateError('TRUNCATED', `xz stream ${n} has no footer`, { offset: pos });
      } catch (e) {
        if (!(e instanceof ModelgateError) || e.code.startsWith('LIMIT_')) throw e;
        error = e;
      }
      if (error?.code !== 'UNSUPPORTED') {
        if (error && n === 1 && xzOut.size === 0) throw error;
        out.push(Buffer.from(xzOut.buf.subarray(0, xzOut.size)));
        if (error || !found) return out.done(error);
        pos = found.end;
        continue;
      }
      // A later block with another filter chain: the native decoder reads the stream.
    }
    if (found === undefined) {
      const why = new ModelgateError('TRUNCATED', `xz stream ${n} has no end (cut short or invalid)`, { offset: pos });
      if (n === 1) throw asDecodeError(tryXz(input.subarray(pos)) ?? why, `xz stream ${n}`, pos);
      return out.done(why);
    }
    try {
      out.push(decodeXz(input.subarray(pos, found.end), found.declared, out, n));
    } catch (e) {
      const err = e as ModelgateError;
      if (n === 1 || err.code.startsWith('LIMIT_')) throw err;
      return out.done(err);
    }
    pos = found.end;
  }
  return out.done();
}
