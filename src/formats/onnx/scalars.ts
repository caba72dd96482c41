import { ModelgateError } from '../../core/errors.js';
import { type ProtoReader, WireType } from '../protobuf/wire.js';

/** A varint has at most 10 bytes (64 bits in 7-bit groups). */
const MAX_VARINT_BYTES = 10;

/** Varint bytes whose value stays below 2^49, exact in a double without BigInt. */
const FAST_VARINT_BYTES = 7;

/** One `float` field (wire type I32, little-endian IEEE 754); ProtoReader has no float reader. */
export function float32(r: ProtoReader): number {
  r.expect(WireType.I32);
  const at = r.offset;
  r.skip();
  return r.bytesAt(at, at + 4).readFloatLE(0);
}

/** One `double` field (wire type I64). */
function float64(r: ProtoReader): number {
  r.expect(WireType.I64);
  const at = r.offset;
  r.skip();
  return r.bytesAt(at, at + 8).readDoubleLE(0);
}

/** How many values a repeated field may hold, and what to throw past that (LIMIT_ENTRIES by default). */
export interface ValueCap {
  max: number;
  tooMany?: () => never;
}

/** Throws when a packed field holds at least `least` values, more than the cap. */
function checkCount(r: ProtoReader, least: number, cap: ValueCap | undefined, start: number): void {
  if (!cap || least <= cap.max) return;
  cap.tooMany?.();
  throw new ModelgateError('LIMIT_ENTRIES', `field ${r.field} packs more than ${cap.max} values`, { offset: start });
}

/**
 * Repeated `float` (width 4) or `double` (width 8), packed (LEN) or one per key; calls `each`
 * per value. proto2 repeated scalars may come either way, and parsers must accept both. A
 * packed field of more values than `cap` allows is refused before its bytes are copied.
 */
export function floats(r: ProtoReader, width: 4 | 8, each: (value: number) => void, cap?: ValueCap): void {
  if (r.wireType !== WireType.LEN) {
    each(width === 4 ? float32(r) : float64(r));
    return;
  }
  const { start, end } = r.range();
  if ((end - start) % width !== 0)
    throw new ModelgateError('MALFORMED', `packed values of field ${r.field} are not a multiple of ${width} bytes`, { offset: start });
  checkCount(r, (end - start) / width, cap, start);
  const bytes = r.bytesAt(start, end);
  for (let i = 0; i < bytes.length; i += width) each(width === 4 ? bytes.readFloatLE(i) : bytes.readDoubleLE(i));
}

/**
 * Repeated `int64` (or `int32`, with `bits` 32), packed or one per key, as exact two's
 * complement numbers: a negative value takes ten bytes, which ProtoReader's `varints` would
 * round (−1 would read as 2^64). An int32 keeps its low 32 bits, as protobuf parsers do. A
 * packed field that must hold more values than `cap` allows is refused before its bytes are
 * copied.
 */
export function int64s(r: ProtoReader, each: (value: number) => void, bits: 32 | 64, cap?: ValueCap): void {
  if (r.wireType !== WireType.LEN) {
    each(Number(BigInt.asIntN(bits, r.uint64())));
    return;
  }
  const { start, end } = r.range();
  checkCount(r, Math.ceil((end - start) / MAX_VARINT_BYTES), cap, start);
  const bytes = r.bytesAt(start, end);
  for (let pos = 0; pos < bytes.length;) {
    const length = varintLength(bytes, pos, start);
    if (length > FAST_VARINT_BYTES) each(Number(BigInt.asIntN(bits, slowVarint(bytes, pos, length))));
    else {
      let value = 0;
      for (let i = length - 1; i >= 0; i--) value = value * 128 + (bytes[pos + i]! & 0x7f);
      each(bits === 32 ? value | 0 : value);
    }
    pos += length;
  }
}

/** Bytes of the varint at `at` (at most ten), or a typed error. */
function varintLength(bytes: Buffer, at: number, base: number): number {
  for (let i = 0; i < MAX_VARINT_BYTES; i++) {
    const b = bytes[at + i];
    if (b === undefined) throw new ModelgateError('TRUNCATED', 'packed varint runs past the end of its field', { offset: base + at });
    if (b < 0x80) return i + 1;
  }
  throw new ModelgateError('MALFORMED', 'packed varint longer than 64 bits', { offset: base + at });
}

/** The `length`-byte varint at `at` as an unsigned 64-bit bigint. */
function slowVarint(bytes: Buffer, at: number, length: number): bigint {
  let value = 0n;
  for (let i = length - 1; i >= 0; i--) value = (value << 7n) | BigInt(bytes[at + i]! & 0x7f);
  return BigInt.asUintN(64, value);
}
