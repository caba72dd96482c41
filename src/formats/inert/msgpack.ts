import { ByteReader } from '../../core/byte-reader.js';
import type { ByteSource } from '../../core/byte-source.js';

/** Containers nested in a msgpack document; Flax state dicts nest a few levels per module. */
export const MAX_MSGPACK_DEPTH = 512;

/** Values walked; each takes at least one byte, this bounds the time a large file takes. */
export const MAX_MSGPACK_VALUES = 20_000_000;

/**
 * True when the whole source is exactly one MessagePack document (msgpack spec.md "Formats")
 * whose top value is a map, within the limits above: how `flax.serialization.msgpack_restore`
 * reads a checkpoint (a state dict; arrays are ext type values, which are data here). Values are
 * only walked, never built: strings, binaries and ext payloads are skipped by their lengths.
 */
export function isMsgpackMap(source: ByteSource, head: Buffer): boolean {
  const first = head[0];
  if (first === undefined || !((first >= 0x80 && first <= 0x8f) || first === 0xde || first === 0xdf)) return false;
  try {
    return walk(new ByteReader(source));
  } catch {
    return false;
  }
}

/** Walks values with an explicit stack of "values still owed" per open container. */
function walk(r: ByteReader): boolean {
  const owed: number[] = [1];
  let values = 0;
  while (owed.length > 0) {
    if (owed[owed.length - 1] === 0) {
      owed.pop();
      continue;
    }
    owed[owed.length - 1]! -= 1;
    if (++values > MAX_MSGPACK_VALUES) return false;
    const children = value(r);
    if (children > 0) {
      // Each value is at least one byte: a count the rest of the file cannot hold is a lie.
      if (children > r.remaining || owed.length >= MAX_MSGPACK_DEPTH) return false;
      owed.push(children);
    }
  }
  return r.atEnd();
}

const be = (r: ByteReader, n: 1 | 2 | 4): number => (n === 1 ? r.u8() : n === 2 ? r.bytes(2).readUInt16BE(0) : r.bytes(4).readUInt32BE(0));

/** Reads one value's head and skips its payload; returns how many child values follow (0 for scalars). */
function value(r: ByteReader): number {
  const b = r.u8();
  if (b <= 0x7f || b >= 0xe0 || b === 0xc0 || b === 0xc2 || b === 0xc3) return 0;
  if (b <= 0x8f) return 2 * (b & 0x0f); // fixmap: key and value per entry
  if (b <= 0x9f) return b & 0x0f; // fixarray
  if (b <= 0xbf) return skip(r, b & 0x1f); // fixstr
  switch (b) {
    case 0xc4: // bin 8/16/32
    case 0xd9: // str 8/16/32
      return skip(r, be(r, 1));
    case 0xc5:
    case 0xda:
      return skip(r, be(r, 2));
    case 0xc6:
    case 0xdb:
      return skip(r, be(r, 4));
    case 0xc7: // ext 8/16/32: length, type byte, data
      return skip(r, be(r, 1) + 1);
    case 0xc8:
      return skip(r, be(r, 2) + 1);
    case 0xc9:
      return skip(r, be(r, 4) + 1);
    case 0xca: // float 32/64
      return skip(r, 4);
    case 0xcb:
      return skip(r, 8);
    case 0xcc: // uint / int 8..64
    case 0xd0:
      return skip(r, 1);
    case 0xcd:
    case 0xd1:
      return skip(r, 2);
    case 0xce:
    case 0xd2:
      return skip(r, 4);
    case 0xcf:
    case 0xd3:
      return skip(r, 8);
    case 0xd4: // fixext 1/2/4/8/16: type byte, data
      return skip(r, 2);
    case 0xd5:
      return skip(r, 3);
    case 0xd6:
      return skip(r, 5);
    case 0xd7:
      return skip(r, 9);
    case 0xd8:
      return skip(r, 17);
    case 0xdc: // array 16/32
      return be(r, 2);
    case 0xdd:
      return be(r, 4);
    case 0xde: // map 16/32
      return 2 * be(r, 2);
    case 0xdf:
      return 2 * be(r, 4);
    default: // 0xc1 is never used
      throw new Error(`byte 0x${b.toString(16)} begins no msgpack value`);
  }
}

function skip(r: ByteReader, n: number): 0 {
  if (n > r.remaining) throw new Error('value runs past the end');
  r.skip(n);
  return 0;
}
