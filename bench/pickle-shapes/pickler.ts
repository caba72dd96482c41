/**
 * A small model of CPython's C pickler (Modules/_pickle.c), enough to write the bench's pickle
 * shapes with the opcodes `pickle.dumps` writes for the same objects: memoisation by object
 * identity (MEMOIZE or BINPUT/LONG_BINPUT/PUT, then BINGET/LONG_BINGET/GET), integers by width,
 * TUPLE1-3, APPENDS/SETITEMS in batches of 1,000, STACK_GLOBAL or GLOBAL, REDUCE/NEWOBJ + BUILD,
 * BINPERSID, and protocol 4's 64 KiB frames. Bench-only: it writes bytes, it never reads them.
 */

import { PyDict, PyFloat, PyGlobal, PyList, PyPersistent, PyReduce, PyStr, PyTuple, type PyValue } from './values.js';

/** Items per MARK ... APPENDS / SETITEMS (BATCHSIZE in _pickle.c). */
const BATCH = 1000;
/** Protocol 4 frames close at the first object boundary past 64 KiB (FRAME_SIZE_TARGET). */
const FRAME_TARGET = 64 * 1024;
/** A frame with fewer bytes gets no FRAME opcode (FRAME_SIZE_MIN). */
const FRAME_MIN = 4;
const FRAME_HEADER = 9;

/** CPython caches str and bytes objects of length 0 and 1: each is one object however made. */
const singletonStrings = new Map<string, PyStr>();
const singletonBytes = new Map<number, Buffer>();

/** An object as the memo sees it: indices under the symbol keys of the picklers that saved it. */
const memoSlots = (obj: object): Record<symbol, number | undefined> => obj as Record<symbol, number | undefined>;

export class Pickler {
  private out = Buffer.allocUnsafe(1 << 20);
  private pos = 0;
  /** Offset of the current frame's reserved header, or -1 outside a frame. */
  private frameStart = -1;
  /**
   * The memo, by object identity: each object saved carries its index under a key of this
   * pickler's own (a WeakMap of millions of entries costs more time than the pickling).
   */
  private readonly memoKey = Symbol('memo');
  private memoSize = 0;
  /** Opcodes written, for the bench's opcodes/s (the same count `pickletools.genops` yields). */
  opcodes = 0;

  constructor(readonly protocol: number) {}

  /** `pickle.dumps(value, protocol)`. */
  static dumps(value: PyValue, protocol: number): Buffer {
    const p = new Pickler(protocol);
    p.dump(value);
    return p.bytes();
  }

  dump(value: PyValue): void {
    if (this.protocol >= 2) this.op(0x80).u8(this.protocol);
    if (this.protocol >= 4) this.startFrame();
    this.save(value);
    this.op(0x2e); // STOP, inside the last frame
    if (this.frameStart >= 0) this.commitFrame();
  }

  bytes(): Buffer {
    return this.out.subarray(0, this.pos);
  }

  // --- output -------------------------------------------------------------------------------

  private room(n: number): void {
    if (this.pos + n <= this.out.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.out.length * 2, this.pos + n));
    this.out.copy(bigger, 0, 0, this.pos);
    this.out = bigger;
  }
  private op(code: number): this {
    this.opcodes++;
    return this.u8(code);
  }
  private u8(n: number): this {
    this.room(1);
    this.out[this.pos++] = n;
    return this;
  }
  private u16(n: number): this {
    this.room(2);
    this.pos = this.out.writeUInt16LE(n, this.pos);
    return this;
  }
  private i32(n: number): this {
    this.room(4);
    this.pos = this.out.writeInt32LE(n, this.pos);
    return this;
  }
  private u32(n: number): this {
    this.room(4);
    this.pos = this.out.writeUInt32LE(n, this.pos);
    return this;
  }
  private raw(b: Buffer | string): this {
    const buf = typeof b === 'string' ? Buffer.from(b, 'latin1') : b;
    this.room(buf.length);
    buf.copy(this.out, this.pos);
    this.pos += buf.length;
    return this;
  }

  // --- frames (protocol 4: _Pickler_OpcodeBoundary / _Pickler_CommitFrame) --------------------

  private startFrame(): void {
    this.room(FRAME_HEADER);
    this.frameStart = this.pos;
    this.pos += FRAME_HEADER;
  }
  private commitFrame(): void {
    const length = this.pos - this.frameStart - FRAME_HEADER;
    if (length >= FRAME_MIN) {
      this.out[this.frameStart] = 0x95;
      this.out.writeBigUInt64LE(BigInt(length), this.frameStart + 1);
      this.opcodes++;
    } else {
      this.out.copyWithin(this.frameStart, this.frameStart + FRAME_HEADER, this.pos);
      this.pos -= FRAME_HEADER;
    }
    this.frameStart = -1;
  }
  /** Between two objects: a frame past its target is closed and a new one opened. */
  private boundary(): void {
    if (this.frameStart >= 0 && this.pos - this.frameStart - FRAME_HEADER >= FRAME_TARGET) {
      this.commitFrame();
      this.startFrame();
    }
  }

  // --- memo -----------------------------------------------------------------------------------

  private memoize(obj: object | undefined): void {
    const index = this.memoSize++;
    if (obj) memoSlots(obj)[this.memoKey] = index;
    if (this.protocol >= 4) this.op(0x94);
    else if (this.protocol === 0) this.op(0x70).raw(`${index}\n`);
    else if (index < 256) this.op(0x71).u8(index);
    else this.op(0x72).u32(index);
  }
  private get(index: number): void {
    if (this.protocol === 0) this.op(0x67).raw(`${index}\n`);
    else if (index < 256) this.op(0x68).u8(index);
    else this.op(0x6a).u32(index);
  }

  // --- save -----------------------------------------------------------------------------------

  save(value: PyValue): void {
    this.boundary();
    if (value === null) this.op(0x4e);
    else if (typeof value === 'boolean') this.saveBool(value);
    else if (typeof value === 'number' || typeof value === 'bigint') this.saveInt(value);
    else if (typeof value === 'string') this.saveStrObject(value);
    else {
      const seen = memoSlots(value)[this.memoKey];
      if (seen !== undefined) return this.get(seen);
      if (value instanceof PyFloat) this.saveFloat(value.value);
      else if (value instanceof PyStr) this.saveStr(value.value, value);
      else if (Buffer.isBuffer(value)) this.saveBytes(value);
      else if (value instanceof PyTuple) this.saveTuple(value);
      else if (value instanceof PyList) this.saveList(value, value.size, value.at);
      else if (Array.isArray(value)) this.saveList(value, value.length, (i) => value[i]!);
      else if (value instanceof PyDict) this.saveDict(value);
      else if (value instanceof PyGlobal) this.saveGlobal(value);
      else if (value instanceof PyReduce) this.saveReduce(value);
      else if (value instanceof PyPersistent) this.savePersistent(value);
    }
  }

  private saveBool(v: boolean): void {
    if (this.protocol >= 2) this.op(v ? 0x88 : 0x89);
    else this.op(0x49).raw(v ? '01\n' : '00\n');
  }

  /** save_long: BININT1/BININT2/BININT when it fits 32 bits, LONG1 otherwise; INT text at protocol 0. */
  private saveInt(v: number | bigint): void {
    const n = BigInt(v);
    if (this.protocol === 0) {
      this.op(0x49).raw(`${n}\n`);
    } else if (n >= 0n && n <= 0xffn) this.op(0x4b).u8(Number(n));
    else if (n >= 0n && n <= 0xffffn) this.op(0x4d).u16(Number(n));
    else if (n >= -(1n << 31n) && n < 1n << 31n) this.op(0x4a).i32(Number(n));
    else {
      const bytes = encodeLong(n);
      this.op(0x8a).u8(bytes.length).raw(bytes);
    }
  }

  private saveFloat(v: number): void {
    if (this.protocol === 0) {
      this.op(0x46).raw(`${pythonFloatRepr(v)}\n`);
      return;
    }
    this.op(0x47);
    this.room(8);
    this.pos = this.out.writeDoubleBE(v, this.pos);
  }

  private saveStrObject(text: string): void {
    // CPython's empty and one-character latin-1 strings are singletons.
    if (text.length <= 1 && (text.charCodeAt(0) || 0) < 256) {
      let s = singletonStrings.get(text);
      if (!s) singletonStrings.set(text, (s = new PyStr(text)));
      return this.save(s);
    }
    this.saveStr(text, undefined);
  }

  private saveStr(text: string, obj: PyStr | undefined): void {
    if (this.protocol === 0) {
      this.op(0x56).raw(`${rawUnicodeEscape(text)}\n`);
    } else {
      const utf8 = Buffer.from(text, 'utf8');
      if (this.protocol >= 4 && utf8.length < 256) this.op(0x8c).u8(utf8.length);
      else this.op(0x58).u32(utf8.length);
      this.raw(utf8);
    }
    this.memoize(obj);
  }

  private saveBytes(b: Buffer): void {
    if (b.length <= 1) {
      // b'' and one-byte bytes are singletons too.
      const key = b.length === 0 ? -1 : b[0]!;
      const one = singletonBytes.get(key);
      if (one && one !== b) return this.save(one);
      if (!one) singletonBytes.set(key, b);
    }
    if (this.protocol < 3) throw new Error('bytes below protocol 3 are not modelled');
    const header = () => (b.length < 256 ? this.op(0x43).u8(b.length) : this.op(0x42).u32(b.length));
    if (this.frameStart >= 0 && b.length >= FRAME_TARGET) {
      // _Pickler_write_bytes: a large payload is written outside any frame.
      this.commitFrame();
      header();
      this.raw(b);
      this.startFrame();
    } else {
      header();
      this.raw(b);
    }
    this.memoize(b);
  }

  private saveTuple(t: PyTuple): void {
    const n = t.items.length;
    if (n === 0) {
      if (this.protocol >= 1) this.op(0x29);
      else this.op(0x28).op(0x74);
      return; // the empty tuple is never memoised
    }
    // (A tuple that holds itself through a list is not modelled: no shape has one.)
    const small = n <= 3 && this.protocol >= 2;
    if (!small) this.op(0x28);
    for (const item of t.items) this.save(item);
    this.op(small ? 0x84 + n : 0x74);
    this.memoize(t);
  }

  private saveList(obj: object, size: number, at: (i: number) => PyValue): void {
    if (this.protocol >= 1) this.op(0x5d);
    else this.op(0x28).op(0x6c);
    this.memoize(obj);
    if (size === 0) return;
    if (this.protocol === 0) {
      for (let i = 0; i < size; i++) {
        this.save(at(i));
        this.op(0x61);
      }
      return;
    }
    if (size === 1) {
      this.save(at(0));
      this.op(0x61);
      return;
    }
    for (let i = 0; i < size;) {
      this.op(0x28);
      for (let j = 0; j < BATCH && i < size; j++, i++) this.save(at(i));
      this.op(0x65);
    }
  }

  private saveDict(d: PyDict): void {
    if (this.protocol >= 1) this.op(0x7d);
    else this.op(0x28).op(0x64);
    this.memoize(d);
    this.setItems(d, false);
  }

  /**
   * batch_dict_exact (a dict's own items): one item is SETITEM; more go in MARK ... SETITEMS
   * batches of 1,000, and a full batch is always followed by another, so a size that is a
   * multiple of 1,000 ends with an empty MARK SETITEMS. batch_dict (items from an iterator,
   * `fromIterator`): no empty batch, and a last batch of one item is a SETITEM. Protocol 0 has
   * SETITEM only.
   */
  private setItems(d: PyDict, fromIterator: boolean): void {
    const pair = (i: number): void => {
      const [k, v] = d.at(i);
      this.save(k);
      this.save(v);
    };
    if (d.size === 0) return;
    if (this.protocol === 0 || d.size === 1) {
      for (let i = 0; i < d.size; i++) {
        pair(i);
        this.op(0x73);
      }
      return;
    }
    let i = 0;
    let batch: number;
    do {
      if (fromIterator && i === d.size) break;
      if (fromIterator && i === d.size - 1) {
        pair(i++);
        this.op(0x73);
        break;
      }
      this.op(0x28);
      for (batch = 0; batch < BATCH && i < d.size; batch++, i++) pair(i);
      this.op(0x75);
    } while (batch === BATCH);
  }

  private saveGlobal(g: PyGlobal): void {
    if (this.protocol >= 4) {
      this.save(g.module);
      this.save(g.name);
      this.op(0x93);
    } else {
      this.op(0x63).raw(`${g.module.value}\n${g.name.value}\n`);
    }
    this.memoize(g);
  }

  private saveReduce(r: PyReduce): void {
    const { state, newobj, dictitems } = r.parts;
    this.save(r.func);
    this.save(r.args);
    this.op(newobj ? 0x81 : 0x52);
    this.memoize(r);
    if (dictitems) this.setItems(dictitems, true);
    if (state !== undefined) {
      this.save(state);
      this.op(0x62);
    }
  }

  private savePersistent(p: PyPersistent): void {
    if (this.protocol === 0) throw new Error('PERSID text is not modelled');
    this.save(p.pid);
    this.op(0x51);
  }
}

/** pickle.encode_long: minimal little-endian two's complement. */
function encodeLong(x: bigint): Buffer {
  const bytes: number[] = [];
  let v = x;
  for (;;) {
    const byte = Number(v & 0xffn);
    bytes.push(byte);
    v >>= 8n;
    if ((v === 0n && (byte & 0x80) === 0) || (v === -1n && (byte & 0x80) !== 0)) break;
  }
  return Buffer.from(bytes);
}

/** Python's repr of a float, for the magnitudes where it and JS's String agree on the notation. */
function pythonFloatRepr(v: number): string {
  const abs = Math.abs(v);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e16)) throw new Error(`float repr of ${v} is not modelled`);
  const s = String(v);
  return s.includes('.') ? s : `${s}.0`;
}

/** Protocol 0's UNICODE operand: raw-unicode-escape, with \\, NUL, \n, \r and \x1a escaped too (save_unicode). */
function rawUnicodeEscape(text: string): string {
  let out = '';
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c === 0x5c || c === 0 || c === 0x0a || c === 0x0d || c === 0x1a) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else if (c < 256) out += ch;
    else if (c < 0x10000) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += `\\U${c.toString(16).padStart(8, '0')}`;
  }
  return out;
}
