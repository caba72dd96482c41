import { ModelgateError } from '../../core/errors.js';
import { LzmaDecoder, RangeDecoder } from './lzma1.js';
import type { GrowingOutput } from './output.js';

/*
 * xz blocks whose only filter is LZMA2 (what lzma.compress and xz write by default), decoded
 * by the bounded LZMA decoder (xz-file-format 1.2.0 section 3; LZMA2 chunks as liblzma's
 * lzma2_decoder.c reads them). Other filter chains (BCJ, delta) are left to the native decoder.
 */

const FILTER_LZMA2 = 0x21n;
/** Bytes of the check field by check type (xz-file-format 2.1.1.2). */
const CHECK_SIZE = [0, 4, 4, 4, 8, 8, 8, 16, 16, 16, 32, 32, 32, 64, 64, 64];

const cut = (offset: number): never => {
  throw new ModelgateError('TRUNCATED', 'xz stream is cut short', { offset });
};
const bad = (why: string, offset: number): never => {
  throw new ModelgateError('MALFORMED', `xz stream: ${why}`, { offset });
};

function varint(input: Buffer, at: number): [bigint, number] {
  let value = 0n;
  for (let i = 0; i < 9; i++) {
    if (at + i >= input.length) cut(at);
    const byte = input[at + i]!;
    value |= BigInt(byte & 0x7f) << BigInt(7 * i);
    if (!(byte & 0x80)) return [value, at + i + 1];
  }
  return bad('a multibyte integer is too long', at);
}

/** True when the stream at `start` begins with a block whose only filter is LZMA2. */
export function startsWithLzma2(input: Buffer, start: number): boolean {
  try {
    const at = start + 12;
    const size = input[at];
    if (size === undefined || size === 0 || (input[at + 1]! & 0x03) !== 0) return false;
    let p = at + 2;
    if (input[at + 1]! & 0x40) p = varint(input, p)[1];
    if (input[at + 1]! & 0x80) p = varint(input, p)[1];
    return varint(input, p)[0] === FILTER_LZMA2;
  } catch {
    return false;
  }
}

/**
 * Decodes the blocks of the xz stream at `start` into `out` (the stream's footer and index
 * are found by the caller). Checks are not verified: a loader raises on a bad one only after
 * handing the block on.
 */
export function decodeXzBlocks(input: Buffer, start: number, out: GrowingOutput): void {
  const checkSize = CHECK_SIZE[input[start + 7]! & 0x0f]!;
  let at = start + 12;
  for (;;) {
    if (at >= input.length) cut(at);
    const size = input[at]!;
    if (size === 0) return;
    const headerEnd = at + (size + 1) * 4;
    if (headerEnd > input.length) cut(at);
    const flags = input[at + 1]!;
    let p = at + 2;
    if (flags & 0x03) throw new ModelgateError('UNSUPPORTED', 'an xz block with a filter chain', { offset: at });
    if (flags & 0x40) p = varint(input, p)[1];
    if (flags & 0x80) p = varint(input, p)[1];
    const [id, q] = varint(input, p);
    if (id !== FILTER_LZMA2) throw new ModelgateError('UNSUPPORTED', `xz filter ${id}`, { offset: p });
    const [propsSize, r] = varint(input, q);
    if (propsSize !== 1n) bad('LZMA2 properties are not one byte', q);
    const end = decodeLzma2(input, r + 1 > headerEnd ? cut(at) : headerEnd, out);
    at = end + ((4 - ((end - start) % 4)) % 4) + checkSize;
  }
}

/** LZMA2 chunks from `at` to the end chunk (0x00); returns where they end. */
function decodeLzma2(input: Buffer, at: number, out: GrowingOutput): number {
  const decoder = new LzmaDecoder();
  let dictStart = out.size;
  let haveProps = false;
  for (;;) {
    if (at >= input.length) cut(at);
    const control = input[at]!;
    if (control === 0) return at + 1;
    if (control === 1 || control === 2) {
      // An uncompressed chunk; 1 also resets the dictionary.
      if (at + 3 > input.length) cut(at);
      const size = input.readUInt16BE(at + 1) + 1;
      if (at + 3 + size > input.length) cut(at);
      if (control === 1) dictStart = out.size;
      out.consumed = () => at + 3 + size;
      out.reserve(size);
      input.copy(out.buf, out.size, at + 3, at + 3 + size);
      out.size += size;
      at += 3 + size;
      continue;
    }
    if (control < 0x80) bad(`LZMA2 control byte ${control}`, at);
    if (at + 5 > input.length) cut(at);
    const unpacked = ((control & 0x1f) << 16) + input.readUInt16BE(at + 1) + 1;
    const packed = input.readUInt16BE(at + 3) + 1;
    const reset = (control >> 5) & 3;
    let data = at + 5;
    if (reset === 3) dictStart = out.size;
    if (reset >= 2) {
      if (data >= input.length) cut(at);
      decoder.setProperties(input[data]!, data);
      haveProps = true;
      data += 1;
    } else if (!haveProps) bad('an LZMA2 chunk before any properties', at);
    else if (reset === 1) decoder.resetState();
    // A chunk cut short still hands on what decoded before the cut, as liblzma streams it.
    const rc = new RangeDecoder(input.subarray(0, Math.min(input.length, data + packed)), data);
    out.consumed = () => rc.pos;
    if (decoder.run(rc, out, out.size + unpacked, dictStart)) bad('an end marker inside an LZMA2 chunk', rc.pos);
    at = data + packed;
  }
}
