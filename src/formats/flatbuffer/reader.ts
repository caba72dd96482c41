import { ByteReader } from '../../core/byte-reader.js';
import type { ByteSource } from '../../core/byte-source.js';
import { ModelgateError } from '../../core/errors.js';

/**
 * Tables, vectors and strings one flatbuffer may be read for. A large TFLite model has tens of
 * thousands of tensors and operators; each costs a few reads. A crafted file may point many
 * vectors at the same bytes, so work is bounded by this count, not by the file's size.
 */
export const MAX_FLATBUFFER_VISITS = 2_000_000;

/** Bytes of one string kept as text; names of ops and tensors are short. */
export const MAX_FLATBUFFER_TEXT = 4096;

/** Elements of one vector walked (operators of one subgraph, operator codes...). */
export const MAX_VECTOR_ELEMENTS = 1_000_000;

/**
 * A bounded reader over a flatbuffer (flatbuffers.dev "Internals": little-endian scalars, a
 * root uoffset at 0, tables that start with an soffset to their vtable, a vtable of u16
 * entries [vtable bytes, table bytes, field offsets...], uoffsets to strings and vectors that
 * are prefixed by a u32 length). Every position is checked against the buffer's bounds and
 * every hop counts against MAX_FLATBUFFER_VISITS; a bad one throws a typed ModelgateError.
 */
export class FlatBuffer {
  private readonly reader: ByteReader;
  private visits = 0;

  constructor(readonly source: ByteSource) {
    this.reader = new ByteReader(source);
  }

  get size(): number {
    return this.source.size;
  }

  /** Checks that `[pos, pos+n)` lies inside the buffer. */
  check(pos: number, n: number, what: string): void {
    if (!Number.isSafeInteger(pos) || pos < 0 || pos + n > this.source.size) {
      throw new ModelgateError('MALFORMED', `flatbuffer ${what} at ${pos} (+${n}) is outside the ${this.source.size}-byte buffer`, {
        offset: Math.max(0, pos),
      });
    }
  }

  /** Counts one hop; throws LIMIT_ENTRIES past the budget. */
  visit(): void {
    if (++this.visits > MAX_FLATBUFFER_VISITS) {
      throw new ModelgateError('LIMIT_ENTRIES', `flatbuffer needs more than ${MAX_FLATBUFFER_VISITS} reads`);
    }
  }

  u8(pos: number): number {
    this.check(pos, 1, 'byte');
    this.reader.pos = pos;
    return this.reader.u8();
  }

  i8(pos: number): number {
    const v = this.u8(pos);
    return v > 127 ? v - 256 : v;
  }

  u16(pos: number): number {
    this.check(pos, 2, 'u16');
    this.reader.pos = pos;
    return this.reader.u16le();
  }

  u32(pos: number): number {
    this.check(pos, 4, 'u32');
    this.reader.pos = pos;
    return this.reader.u32le();
  }

  i32(pos: number): number {
    this.check(pos, 4, 'i32');
    this.reader.pos = pos;
    return this.reader.i32le();
  }

  /** u64 as a number; past 2^53 it is MALFORMED (no real count or size is that large). */
  u64(pos: number): number {
    this.check(pos, 8, 'u64');
    this.reader.pos = pos;
    return this.reader.u64le();
  }

  /** Where the uoffset stored at `pos` points. */
  follow(pos: number): number {
    const target = pos + this.u32(pos);
    this.check(target, 4, 'uoffset target');
    return target;
  }

  /** The 4-byte file identifier at bytes 4..8 (flatbuffers `file_identifier`). */
  identifier(): string {
    this.check(0, 8, 'file identifier');
    this.reader.pos = 4;
    return this.reader.text(4, 'latin1');
  }

  /** The root table (uoffset at byte 0). */
  root(): Table {
    return this.table(this.follow(0));
  }

  /** The table at `pos`. */
  table(pos: number): Table {
    this.visit();
    const vtable = pos - this.i32(pos);
    const vtableBytes = this.u16(vtable);
    const tableBytes = this.u16(vtable + 2);
    if (vtableBytes < 4 || vtableBytes % 2 !== 0)
      throw new ModelgateError('MALFORMED', `flatbuffer vtable at ${vtable} has size ${vtableBytes}`, { offset: vtable });
    this.check(vtable, vtableBytes, 'vtable');
    this.check(pos, Math.max(4, tableBytes), 'table');
    return new Table(this, pos, vtable, vtableBytes, tableBytes);
  }

  /** The string at `pos` (u32 length, UTF-8 bytes); cut to `max` bytes with `…`. */
  string(pos: number, max = MAX_FLATBUFFER_TEXT): string {
    this.visit();
    const length = this.u32(pos);
    this.check(pos + 4, length, 'string');
    this.reader.pos = pos + 4;
    const text = this.reader.text(Math.min(length, max), 'utf8');
    return length > max ? `${text}…` : text;
  }

  /** The vector at `pos`: its element count and the position of its first element. */
  vector(pos: number, elementBytes: number): { start: number; length: number } {
    this.visit();
    const length = this.u32(pos);
    this.check(pos + 4, length * elementBytes, 'vector');
    if (length > MAX_VECTOR_ELEMENTS)
      throw new ModelgateError('LIMIT_ENTRIES', `flatbuffer vector of ${length} elements is over ${MAX_VECTOR_ELEMENTS}`, { offset: pos });
    return { start: pos + 4, length };
  }
}

/** One table: its fields are looked up by index through its vtable. */
export class Table {
  constructor(
    readonly fb: FlatBuffer,
    readonly pos: number,
    private readonly vtable: number,
    private readonly vtableBytes: number,
    private readonly tableBytes: number,
  ) {}

  /** Absolute position of field `index` (vtable slot 4 + 2*index), or undefined when absent. */
  field(index: number): number | undefined {
    const slot = 4 + 2 * index;
    if (slot + 2 > this.vtableBytes) return undefined;
    const at = this.fb.u16(this.vtable + slot);
    if (at === 0) return undefined;
    if (at >= this.tableBytes)
      throw new ModelgateError('MALFORMED', `flatbuffer field ${index} at +${at} is past its ${this.tableBytes}-byte table`, { offset: this.pos });
    return this.pos + at;
  }

  u8(index: number, fallback = 0): number {
    const at = this.field(index);
    return at === undefined ? fallback : this.fb.u8(at);
  }

  i8(index: number, fallback = 0): number {
    const at = this.field(index);
    return at === undefined ? fallback : this.fb.i8(at);
  }

  u32(index: number, fallback = 0): number {
    const at = this.field(index);
    return at === undefined ? fallback : this.fb.u32(at);
  }

  i32(index: number, fallback = 0): number {
    const at = this.field(index);
    return at === undefined ? fallback : this.fb.i32(at);
  }

  /** A string field, or undefined when absent. */
  string(index: number, max?: number): string | undefined {
    const at = this.field(index);
    return at === undefined ? undefined : this.fb.string(this.fb.follow(at), max);
  }

  /** A sub-table field, or undefined when absent. */
  table(index: number): Table | undefined {
    const at = this.field(index);
    return at === undefined ? undefined : this.fb.table(this.fb.follow(at));
  }

  /** A vector field of `elementBytes`-wide elements, or undefined when absent. */
  vector(index: number, elementBytes: number): { start: number; length: number } | undefined {
    const at = this.field(index);
    return at === undefined ? undefined : this.fb.vector(this.fb.follow(at), elementBytes);
  }

  /** The tables of a vector-of-tables field (empty when absent). */
  tables(index: number): Table[] {
    const v = this.vector(index, 4);
    if (!v) return [];
    const out: Table[] = [];
    for (let i = 0; i < v.length; i++) out.push(this.fb.table(this.fb.follow(v.start + 4 * i)));
    return out;
  }

  /** The strings of a vector-of-strings field (empty when absent). */
  strings(index: number, max?: number): string[] {
    const v = this.vector(index, 4);
    if (!v) return [];
    const out: string[] = [];
    for (let i = 0; i < v.length; i++) out.push(this.fb.string(this.fb.follow(v.start + 4 * i), max));
    return out;
  }
}
