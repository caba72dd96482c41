import { ByteReader } from '../../core/byte-reader.js';
import type { ByteSource } from '../../core/byte-source.js';
import { ModelgateError } from '../../core/errors.js';

/**
 * Protocol Buffers wire types (protobuf.dev "Encoding": message structure). Groups (3, 4) are
 * proto2 relics that neither onnx.proto nor TensorFlow's protos use; they are rejected.
 */
export const WireType = { VARINT: 0, I64: 1, LEN: 2, SGROUP: 3, EGROUP: 4, I32: 5 } as const;

/**
 * Messages nested inside messages. Google's C++ parser stops at 100; the deepest real
 * ONNX/TensorFlow nesting (attribute → graph → node → attribute → tensor …) stays far below.
 */
export const MAX_MESSAGE_DEPTH = 100;

/** Bytes of one string field kept as text; longer names are cut (real names are short). */
export const MAX_TEXT_BYTES = 4096;

/** A varint has at most 10 bytes (64 bits in 7-bit groups). */
const MAX_VARINT_BYTES = 10;

const TWO_POW_32 = 2 ** 32;

/**
 * A bounded cursor over one protobuf message in `[start, end)` of a source. All bytes go through
 * one shared ByteReader, so a nested message costs no copy and no second read of the file. Each
 * field is read with `next()`, then exactly one of the value readers (or `skip()`); a length or
 * key that does not fit gives a typed ModelgateError before anything is allocated.
 */
export class ProtoReader {
  /** Field number of the current field (after `next()`). */
  field = 0;
  /** Wire type of the current field. */
  wireType = 0;
  /** Source offset of the current field's key. */
  fieldOffset = 0;
  private pos: number;

  constructor(
    private readonly reader: ByteReader,
    readonly start: number,
    readonly end: number,
    readonly depth = 0,
  ) {
    if (depth > MAX_MESSAGE_DEPTH) {
      throw new ModelgateError('LIMIT_DEPTH', `protobuf messages nested more than ${MAX_MESSAGE_DEPTH} deep`, { offset: start });
    }
    this.pos = start;
  }

  /** A reader over a whole source (or a range of it), depth 0. */
  static over(source: ByteSource, start = 0, end = source.size): ProtoReader {
    return new ProtoReader(new ByteReader(source), start, end);
  }

  /** The shared source. */
  get source(): ByteSource {
    return this.reader.source;
  }

  /** Source offset of the next unread byte. */
  get offset(): number {
    return this.pos;
  }

  /** Moves to the next field's key; false at the end of the message. */
  next(): boolean {
    if (this.pos >= this.end) return false;
    const at = this.pos;
    const key = this.rawVarint();
    const wire = key % 8;
    const field = Math.floor(key / 8);
    // Field numbers are 1 .. 2^29-1 (protobuf language guide, "Assigning Field Numbers").
    if (field < 1 || field > 0x1fffffff) throw new ModelgateError('MALFORMED', `protobuf field number ${field} is invalid`, { offset: at });
    if (wire === WireType.SGROUP || wire === WireType.EGROUP) {
      throw new ModelgateError('MALFORMED', `protobuf group (wire type ${wire}) in field ${field} is not used by this format`, { offset: at });
    }
    if (wire > WireType.I32) throw new ModelgateError('MALFORMED', `protobuf wire type ${wire} in field ${field} is invalid`, { offset: at });
    this.field = field;
    this.wireType = wire;
    this.fieldOffset = at;
    return true;
  }

  /** Throws MALFORMED unless the current field has wire type `wire`. */
  expect(wire: number): void {
    if (this.wireType !== wire) {
      throw new ModelgateError('MALFORMED', `protobuf field ${this.field} has wire type ${this.wireType}, expected ${wire}`, { offset: this.fieldOffset });
    }
  }

  /** An unsigned varint as a number (exact below 2^53, approximate above). */
  varint(): number {
    this.expect(WireType.VARINT);
    return this.rawVarint();
  }

  /** A varint read as a two's-complement int64/int32 (negative values take 10 bytes). */
  int64(): number {
    return Number(BigInt.asIntN(64, this.uint64()));
  }

  /** An unsigned varint exactly, as a bigint (uint64 hashes and checksums). */
  uint64(): bigint {
    this.expect(WireType.VARINT);
    const at = this.pos;
    this.rawVarint();
    const end = this.pos;
    let value = 0n;
    this.reader.pos = at;
    for (let shift = 0n; this.reader.pos < end; shift += 7n) value |= BigInt(this.reader.u8() & 0x7f) << shift;
    return BigInt.asUintN(64, value);
  }

  /** A varint bool. */
  bool(): boolean {
    return this.varint() !== 0;
  }

  /** A fixed 64-bit field as an unsigned number (exact below 2^53). */
  fixed64(): number {
    this.expect(WireType.I64);
    this.reader.pos = this.pos;
    this.need(8);
    const lo = this.reader.u32le();
    const hi = this.reader.u32le();
    this.pos = this.reader.pos;
    return hi * TWO_POW_32 + lo;
  }

  /** `[start, end)` of the current length-delimited field's payload, which is then passed. */
  range(): { start: number; end: number } {
    this.expect(WireType.LEN);
    const at = this.pos;
    const length = this.rawVarint();
    if (length > this.end - this.pos) {
      throw new ModelgateError('TRUNCATED', `protobuf field ${this.field} claims ${length} bytes, ${this.end - this.pos} left in its message`, { offset: at });
    }
    const start = this.pos;
    this.pos += length;
    return { start, end: this.pos };
  }

  /** The current field as a nested message, one level deeper. */
  message(): ProtoReader {
    const { start, end } = this.range();
    return new ProtoReader(this.reader, start, end, this.depth + 1);
  }

  /** A reader over `[start, end)` of the same source, one level below this one. */
  sub(start: number, end: number): ProtoReader {
    return new ProtoReader(this.reader, start, end, this.depth + 1);
  }

  /** The current field as UTF-8 text; past `max` bytes the rest is skipped and `…` appended. */
  string(max = MAX_TEXT_BYTES): string {
    const { start, end } = this.range();
    return this.textAt(start, end, max);
  }

  /** UTF-8 text of `[start, end)`, cut at `max` bytes. */
  textAt(start: number, end: number, max = MAX_TEXT_BYTES): string {
    const n = Math.min(end - start, max);
    this.reader.pos = start;
    const text = this.reader.text(n, 'utf8');
    return end - start > max ? `${text}…` : text;
  }

  /** The raw bytes of `[start, end)`; callers bound the length first. */
  bytesAt(start: number, end: number): Buffer {
    this.reader.pos = start;
    return Buffer.from(this.reader.bytes(end - start));
  }

  /**
   * Repeated varints of the current field, packed (LEN) or not (VARINT); calls `each` per
   * value. proto3 packs repeated scalars by default, but parsers must accept both.
   */
  varints(each: (value: number) => void): void {
    if (this.wireType !== WireType.LEN) {
      each(this.varint());
      return;
    }
    const { start, end } = this.range();
    const saved = this.pos;
    this.pos = start;
    while (this.pos < end) each(this.rawVarint(end));
    if (this.pos !== end) throw new ModelgateError('MALFORMED', `packed varints overrun field ${this.field}`, { offset: start });
    this.pos = saved;
  }

  /** Passes over the current field's value, whatever its wire type. */
  skip(): void {
    switch (this.wireType) {
      case WireType.VARINT:
        this.rawVarint();
        return;
      case WireType.I64:
        this.need(8);
        this.pos += 8;
        return;
      case WireType.I32:
        this.need(4);
        this.pos += 4;
        return;
      default:
        this.range();
    }
  }

  private need(n: number): void {
    if (this.pos + n > this.end) {
      throw new ModelgateError('TRUNCATED', `protobuf field ${this.field} needs ${n} bytes, ${this.end - this.pos} left`, { offset: this.pos });
    }
  }

  /** A base-128 varint (protobuf.dev "Encoding": base 128 varints), at most 10 bytes. */
  private rawVarint(limit = this.end): number {
    const at = this.pos;
    this.reader.pos = this.pos;
    let value = 0;
    let scale = 1;
    for (let i = 0; i < MAX_VARINT_BYTES; i++) {
      if (this.reader.pos >= limit) throw new ModelgateError('TRUNCATED', 'protobuf varint runs past the end of its message', { offset: at });
      const b = this.reader.u8();
      value += (b & 0x7f) * scale;
      scale *= 128;
      if ((b & 0x80) === 0) {
        // The tenth byte holds only bit 63.
        if (i === MAX_VARINT_BYTES - 1 && b > 1) break;
        this.pos = this.reader.pos;
        return value;
      }
    }
    throw new ModelgateError('MALFORMED', 'protobuf varint longer than 64 bits', { offset: at });
  }
}
