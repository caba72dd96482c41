import { ByteReader } from '../../core/byte-reader.js';
import { BufferSource } from '../../core/byte-source.js';
import { ModelgateError } from '../../core/errors.js';
import type { CodeSummary } from './model.js';

/**
 * A bounded reader of CPython's marshal format (Python/marshal.c, format versions 2–4), just
 * far enough to list what a code object uses. It builds no Python objects and runs nothing:
 * values become small descriptions (a string, a byte count, a sequence, a code object).
 */

/** Nesting of containers and code objects. marshal.c allows 2000; real lambdas nest < 10. */
const MAX_MARSHAL_DEPTH = 100;
/** Objects in one blob: a lambda has dozens; this stops a crafted blob from running long. */
const MAX_MARSHAL_OBJECTS = 100_000;
/** Digits of one `TYPE_LONG`; marshal writes 15-bit digits, so this is ~150,000 bits. */
const MAX_LONG_DIGITS = 10_000;
/** Names and strings kept in a summary, and characters kept of each string. */
const MAX_KEPT = 256;
const MAX_KEPT_CHARS = 200;

/** marshal.c: a type byte with FLAG_REF set is appended to the reference table. */
const FLAG_REF = 0x80;

type Value = { k: 'str'; v: string } | { k: 'bytes' } | { k: 'seq'; items: Value[] } | { k: 'code' } | { k: 'null' } | { k: 'other' };

const OTHER: Value = { k: 'other' };

/** The fields after the leading 32-bit integers of a code object, per CPython version. */
type Field = 'bytes' | 'tuple' | 'names' | 'str' | 'int';
interface Layout {
  name: string;
  ints: number;
  fields: Field[];
}

/**
 * Code object layouts of `w_object`/`r_object` for TYPE_CODE. 3.11–3.13: argcount,
 * posonlyargcount, kwonlyargcount, stacksize, flags; code, consts, names, localsplusnames,
 * localspluskinds, filename, name, qualname, firstlineno, linetable, exceptiontable. 3.8–3.10:
 * argcount, posonlyargcount, kwonlyargcount, nlocals, stacksize, flags; code, consts, names,
 * varnames, freevars, cellvars, filename, name, firstlineno, lnotab. 3.0–3.7: the same without
 * posonlyargcount.
 */
const LAYOUTS: readonly Layout[] = [
  { name: 'CPython 3.11+', ints: 5, fields: ['bytes', 'tuple', 'names', 'names', 'bytes', 'str', 'str', 'str', 'int', 'bytes', 'bytes'] },
  { name: 'CPython 3.8-3.10', ints: 6, fields: ['bytes', 'tuple', 'names', 'names', 'names', 'names', 'str', 'str', 'int', 'bytes'] },
  { name: 'CPython 3.0-3.7', ints: 5, fields: ['bytes', 'tuple', 'names', 'names', 'names', 'names', 'str', 'str', 'int', 'bytes'] },
];

const bad = (message: string, offset: number): ModelgateError => new ModelgateError('MALFORMED', `bad marshal data: ${message}`, { offset });

class MarshalReader {
  private readonly refs: Array<Value | undefined> = [];
  private objects = 0;
  readonly names = new Set<string>();
  readonly strings = new Set<string>();
  readonly codeNames: string[] = [];
  filename: string | undefined;

  constructor(
    private readonly r: ByteReader,
    private readonly layout: Layout,
  ) {}

  private i32(): number {
    return this.r.i32le();
  }

  /** A length field: negative lengths are errors in marshal.c, longer than the data too. */
  private length(n: number, unit: number, at: number): number {
    if (n < 0) throw bad(`negative length ${n}`, at);
    if (n * unit > this.r.remaining) throw new ModelgateError('TRUNCATED', `marshal length ${n} runs past the data`, { offset: at });
    return n;
  }

  /** `r_object`: one object, recorded in the reference table when FLAG_REF is set. */
  read(depth: number): Value {
    const at = this.r.pos;
    if (depth > MAX_MARSHAL_DEPTH) throw new ModelgateError('LIMIT_DEPTH', `marshal data nests deeper than ${MAX_MARSHAL_DEPTH}`, { offset: at });
    if (++this.objects > MAX_MARSHAL_OBJECTS) throw new ModelgateError('LIMIT_ENTRIES', `more than ${MAX_MARSHAL_OBJECTS} marshal objects`, { offset: at });
    const byte = this.r.u8();
    const type = String.fromCharCode(byte & ~FLAG_REF);
    // References are numbered in the order their type bytes appear (r_ref_reserve / R_REF).
    let slot = -1;
    if (byte & FLAG_REF) {
      slot = this.refs.length;
      this.refs.push(undefined);
    }
    const value = this.body(type, at, depth);
    if (slot >= 0) this.refs[slot] = value;
    return value;
  }

  private body(type: string, at: number, depth: number): Value {
    const r = this.r;
    switch (type) {
      case '0': // TYPE_NULL: ends a dict; anywhere else marshal.c fails on it.
        return { k: 'null' };
      case 'N':
      case 'F':
      case 'T':
      case 'S':
      case '.': // None, False, True, StopIteration, Ellipsis
        return OTHER;
      case 'i': // TYPE_INT: 32-bit little-endian
        r.skip(4);
        return OTHER;
      case 'l': {
        // TYPE_LONG: signed digit count, then 15-bit digits as u16
        const n = Math.abs(this.i32());
        if (n > MAX_LONG_DIGITS) throw new ModelgateError('LIMIT_STRING', `marshal long of ${n} digits`, { offset: at });
        const digits = this.length(n, 2, at);
        for (let i = 0; i < digits; i++) if (r.u16le() >= 0x8000) throw bad('digit out of range in long', at);
        return OTHER;
      }
      case 'f': // TYPE_FLOAT: u8 length + decimal text
        r.skip(r.u8());
        return OTHER;
      case 'x': // TYPE_COMPLEX: two of those
        r.skip(r.u8());
        r.skip(r.u8());
        return OTHER;
      case 'g': // TYPE_BINARY_FLOAT
        r.skip(8);
        return OTHER;
      case 'y': // TYPE_BINARY_COMPLEX
        r.skip(16);
        return OTHER;
      case 's': // TYPE_STRING: bytes
        r.skip(this.length(this.i32(), 1, at));
        return { k: 'bytes' };
      case 'u':
      case 't': // TYPE_UNICODE, TYPE_INTERNED: UTF-8 (surrogatepass)
        return { k: 'str', v: r.text(this.length(this.i32(), 1, at), 'utf8') };
      case 'a':
      case 'A': // TYPE_ASCII, TYPE_ASCII_INTERNED
        return { k: 'str', v: r.text(this.length(this.i32(), 1, at), 'latin1') };
      case 'z':
      case 'Z': // TYPE_SHORT_ASCII(_INTERNED): u8 length
        return { k: 'str', v: r.text(r.u8(), 'latin1') };
      case ')': // TYPE_SMALL_TUPLE: u8 count
        return this.sequence(r.u8(), depth, at);
      case '(':
      case '[':
      case '<':
      case '>': // tuple, list, set, frozenset: i32 count
        return this.sequence(this.length(this.i32(), 1, at), depth, at);
      case '{': {
        // TYPE_DICT: key/value pairs until a TYPE_NULL key
        const items: Value[] = [];
        for (;;) {
          const key = this.read(depth + 1);
          if (key.k === 'null') return { k: 'seq', items };
          const value = this.read(depth + 1);
          if (value.k === 'null') throw bad('NULL value in dict', at);
          items.push(key, value);
        }
      }
      case 'r': {
        // TYPE_REF: index into the reference table
        const index = this.i32();
        const value = index >= 0 && index < this.refs.length ? this.refs[index] : undefined;
        if (!value) throw bad(`invalid reference ${index}`, at);
        return value;
      }
      case 'c':
        return this.code(depth, at);
      case ':': // TYPE_SLICE (format version 5, CPython 3.14): start, stop, step
        for (let i = 0; i < 3; i++) this.read(depth + 1);
        return OTHER;
      default:
        throw bad(`unknown type code 0x${type.charCodeAt(0).toString(16)}`, at);
    }
  }

  private sequence(n: number, depth: number, at: number): Value {
    const items: Value[] = [];
    for (let i = 0; i < n; i++) {
      const item = this.read(depth + 1);
      if (item.k === 'null') throw bad('NULL object in a sequence', at);
      items.push(item);
    }
    return { k: 'seq', items };
  }

  /** TYPE_CODE in this reader's layout; field types are checked as `_PyCode_Validate` does. */
  private code(depth: number, at: number): Value {
    for (let i = 0; i < this.layout.ints; i++) if (this.i32() < 0 && i < this.layout.ints - 1) throw bad('negative count in code object', at);
    let stringField = 0;
    for (const [index, field] of this.layout.fields.entries()) {
      if (field === 'int') {
        this.i32();
        continue;
      }
      const value = this.read(depth + 1);
      const ok =
        field === 'bytes'
          ? value.k === 'bytes'
          : field === 'str'
            ? value.k === 'str'
            : value.k === 'seq' && (field === 'tuple' || value.items.every((v) => v.k === 'str'));
      if (!ok) throw bad(`code object field ${index} is not ${field === 'names' ? 'a tuple of names' : `a ${field}`}`, at);
      if (index === 2 && value.k === 'seq') for (const v of value.items) if (v.k === 'str') this.keep(this.names, v.v);
      if (index === 1) this.constStrings(value, 0);
      if (field === 'str' && value.k === 'str') {
        // The first string field is co_filename, the second co_name.
        if (stringField === 0 && depth === 0) this.filename = value.v.slice(0, MAX_KEPT_CHARS);
        if (stringField === 1 && this.codeNames.length < MAX_KEPT) this.codeNames.push(value.v.slice(0, MAX_KEPT_CHARS));
        stringField++;
      }
    }
    return { k: 'code' };
  }

  /** Strings among the constants, also inside constant tuples and frozensets. */
  private constStrings(value: Value, level: number): void {
    if (value.k === 'str') this.keep(this.strings, value.v);
    else if (value.k === 'seq' && level < MAX_MARSHAL_DEPTH) for (const item of value.items) this.constStrings(item, level + 1);
  }

  private keep(into: Set<string>, s: string): void {
    if (into.size < MAX_KEPT) into.add(s.length > MAX_KEPT_CHARS ? `${s.slice(0, MAX_KEPT_CHARS)}…` : s);
  }
}

/**
 * Reads marshalled bytes that should hold one code object (what Keras's `func_dump` writes
 * with `marshal.dumps(func.__code__)`) in every CPython layout, and merges what each reading
 * that parses finds: the Python version that loads the model decides which one runs, and
 * modelgate cannot know it. Throws the error of the reading that got furthest when none parses.
 */
export function readCodeObject(bytes: Buffer): CodeSummary {
  const layouts: string[] = [];
  const names = new Set<string>();
  const strings = new Set<string>();
  const codeNames = new Set<string>();
  let filename: string | undefined;
  let best: { error: unknown; pos: number } | undefined;
  for (const layout of LAYOUTS) {
    const reader = new ByteReader(new BufferSource(bytes));
    const marshal = new MarshalReader(reader, layout);
    try {
      const first = reader.peek();
      if (first === -1) throw new ModelgateError('TRUNCATED', 'no marshal data');
      if ((first & ~FLAG_REF) !== 0x63) throw bad(`top-level object is not a code object (type 0x${first.toString(16)})`, 0);
      marshal.read(0);
    } catch (e) {
      if (!best || reader.pos > best.pos) best = { error: e, pos: reader.pos };
      continue;
    }
    // marshal.loads ignores bytes after the object, so a short reading is still a reading.
    layouts.push(layout.name);
    marshal.names.forEach((n) => names.add(n));
    marshal.strings.forEach((s) => strings.add(s));
    marshal.codeNames.forEach((n) => codeNames.add(n));
    filename ??= marshal.filename;
  }
  if (layouts.length === 0) throw best?.error ?? bad('unreadable', 0);
  return { layouts, names: [...names], strings: [...strings], codeNames: [...codeNames], filename };
}
