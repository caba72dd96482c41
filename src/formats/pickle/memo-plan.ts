import { ByteReader } from '../../core/byte-reader.js';
import { parseIntText, plainDecimal } from './text-operands.js';

/**
 * Keys below this live in bitsets; larger ones (LONG_BINPUT reaches 2^32, PUT any number) in a
 * set. 2^26 bits is 8 MiB, allocated only as far as the largest key seen.
 */
const DENSE_KEYS = 1 << 26;

/** Bytes a key past the bitsets costs in a Set (a heap number, its hash-table slot), measured. */
const BIG_KEY_BYTES = 96;

/** A set of memo keys: a growable bitset for small keys, a Set for the rest. */
export class KeySet {
  private bits = new Uint8Array(0);
  private readonly big = new Set<number>();
  /** Bytes the set holds. */
  bytes = 0;

  has(key: number): boolean {
    if (key >= DENSE_KEYS || key < 0) return this.big.has(key);
    const byte = key >>> 3;
    return byte < this.bits.length && (this.bits[byte]! & (1 << (key & 7))) !== 0;
  }

  /** True when adding `key` costs no bytes (its bitset byte is there already). */
  fits(key: number): boolean {
    return key >= 0 && key < DENSE_KEYS && key >>> 3 < this.bits.length;
  }

  /** Adds `key`; true when it was not there yet. */
  add(key: number): boolean {
    if (key >= DENSE_KEYS || key < 0) {
      if (this.big.has(key)) return false;
      this.big.add(key);
      // A Set entry of a number past the small-integer range: the number and its slot.
      this.bytes += BIG_KEY_BYTES;
      return true;
    }
    const byte = key >>> 3;
    if (byte >= this.bits.length) {
      const grown = new Uint8Array(Math.max(byte + 1, Math.min(DENSE_KEYS >>> 3, this.bits.length * 2 || 1024)));
      grown.set(this.bits);
      this.bytes += grown.length - this.bits.length;
      this.bits = grown;
    }
    const mask = 1 << (key & 7);
    if ((this.bits[byte]! & mask) !== 0) return false;
    this.bits[byte]! |= mask;
    return true;
  }
}

/** Longest text line the plan reads, as parse.ts's MAX_LINE. */
const MAX_LINE = 64 * 1024;

/** Operand sizes of the fixed-size opcodes, by byte; -1 for the rest. */
const FIXED: Int8Array = (() => {
  const t = new Int8Array(256).fill(-1);
  // No operand: NONE, NEWTRUE/FALSE, containers, stack, REDUCE, BUILD, OBJ, NEWOBJ(_EX), STACK_GLOBAL, BINPERSID, buffers.
  for (const c of '] a e l ) t \x85 \x86 \x87 } d s u \x8f \x90 \x91 0 2 ( 1 N \x88 \x89 \x93 R b o \x81 \x92 Q \x97 \x98'.split(' ')) {
    t[c.charCodeAt(0)] = 0;
  }
  // u8 operand: BININT1, EXT1, PROTO. u16: BININT2, EXT2. 4 bytes: BININT, EXT4. 8: BINFLOAT, FRAME.
  for (const c of ['K', '\x82', '\x80']) t[c.charCodeAt(0)] = 1;
  for (const c of ['M', '\x83']) t[c.charCodeAt(0)] = 2;
  for (const c of ['J', '\x84']) t[c.charCodeAt(0)] = 4;
  for (const c of ['G', '\x95']) t[c.charCodeAt(0)] = 8;
  return t;
})();

/** What the walk has found so far. */
interface Walk {
  readonly fetched: KeySet;
  readonly stored: KeySet;
  /** len(memo): distinct keys stored. */
  count: number;
}

/** Bytes kept free at the end of the window so the fast loop reads every fixed operand unchecked. */
const MARGIN = 16;

/**
 * Which memo keys a stream ever reads back (GET, BINGET, LONG_BINGET), found by a walk over its
 * opcodes before it is interpreted. Picklers memoise nearly every container and string but
 * read back only the shared ones, so the interpreter keeps the values of these keys alone: the
 * rest become garbage as soon as the unpickler's stack lets go of them, instead of living as
 * long as the memo. The walk reads the bytes the interpreter will read, in the same order, and
 * numbers MEMOIZE keys as it does (len(memo), counting distinct keys); where it cannot go on
 * (an unknown opcode, an operand past the end) the interpreter cannot either.
 */
export function planMemo(reader: ByteReader, budget: number): KeySet | undefined {
  const r = new ByteReader(reader.source, reader.pos, reader.end);
  const walk: Walk = { fetched: new KeySet(), stored: new KeySet(), count: 0 };
  try {
    for (;;) {
      // The common opcodes straight from the window; the rest, and the window's end, one at a time.
      if (r.remaining > MARGIN) {
        const win = r.window;
        let i = r.pos - r.windowStart;
        if (i >= 0 && i + MARGIN <= win.length) {
          i = walkWindow(win, i, win.length - MARGIN, walk);
          r.pos = r.windowStart + i;
        }
      }
      if (!step(r, walk)) return walk.fetched;
      // Keys past the bitsets' range cost a set entry each: a walk over its budget plans nothing.
      if (walk.stored.bytes + walk.fetched.bytes > budget) return undefined;
    }
  } catch {
    // Where the walk breaks (a truncated operand, a bad key), so does the interpreter.
    return walk.fetched;
  }
}

/**
 * Walks the fixed-size and short-operand opcodes in `win` from `i` while they lie before
 * `limit`; returns where it stopped (an opcode it leaves to `step`).
 */
function walkWindow(win: Buffer, i: number, limit: number, walk: Walk): number {
  while (i < limit) {
    const code = win[i]!;
    const fixed = FIXED[code]!;
    if (fixed >= 0) {
      i += 1 + fixed;
      continue;
    }
    switch (code) {
      case 0x8c: // SHORT_BINUNICODE
      case 0x43: // SHORT_BINBYTES
      case 0x55: // SHORT_BINSTRING
      case 0x8a: // LONG1
        i += 2 + win[i + 1]!;
        break;
      case 0x58: // BINUNICODE
      case 0x42: // BINBYTES
        i += 5 + u32(win, i + 1);
        break;
      case 0x94: // MEMOIZE
        if (walk.stored.add(walk.count)) walk.count++;
        i += 1;
        break;
      case 0x71: // BINPUT
        if (walk.stored.add(win[i + 1]!)) walk.count++;
        i += 2;
        break;
      case 0x72: {
        // LONG_BINPUT; keys past the bitsets are step's, which watches what they cost
        const key = u32(win, i + 1);
        if (key >= DENSE_KEYS) return i;
        if (walk.stored.add(key)) walk.count++;
        i += 5;
        break;
      }
      case 0x68: // BINGET
        walk.fetched.add(win[i + 1]!);
        i += 2;
        break;
      case 0x6a: {
        // LONG_BINGET
        const key = u32(win, i + 1);
        if (key >= DENSE_KEYS) return i;
        walk.fetched.add(key);
        i += 5;
        break;
      }
      case 0x70: // PUT
      case 0x67: {
        // GET: a plain decimal key on a line in the window; anything else is step's
        const nl = lineEnd(win, i + 1, limit);
        const key = nl === -1 ? undefined : plainDecimal(win, i + 1, nl);
        if (key === undefined) return i;
        if (code === 0x67) walk.fetched.add(key);
        else if (walk.stored.add(key)) walk.count++;
        i = nl + 1;
        break;
      }
      case 0x49: // INT
      case 0x4c: // LONG
      case 0x46: // FLOAT
      case 0x53: // STRING
      case 0x56: // UNICODE
      case 0x50: {
        // PERSID: one line
        const nl = lineEnd(win, i + 1, limit);
        if (nl === -1) return i;
        i = nl + 1;
        break;
      }
      default:
        return i;
    }
  }
  return i;
}

/**
 * The `\n` ending the line at `from`, looked for up to `limit` (-1 past it, for `step`): text
 * lines are a few bytes, and a loop costs less than a call into Buffer.indexOf per opcode.
 */
function lineEnd(win: Buffer, from: number, limit: number): number {
  for (let i = from; i < limit; i++) if (win[i] === 0x0a) return i;
  return -1;
}

/** The little-endian u32 at `i` (the caller keeps `i + 4` in the buffer). */
function u32(win: Buffer, i: number): number {
  return win[i]! + (win[i + 1]! << 8) + (win[i + 2]! << 16) + win[i + 3]! * 0x1000000;
}

/** One opcode through the reader (every operand checked); false at STOP or an unknown opcode. */
function step(r: ByteReader, walk: Walk): boolean {
  const code = r.u8();
  const fixed = FIXED[code]!;
  if (fixed >= 0) {
    if (fixed > 0) r.skip(fixed);
    return true;
  }
  const { fetched, stored } = walk;
  switch (code) {
    case 0x2e: // STOP
      return false;
    case 0x68: // BINGET
      fetched.add(r.u8());
      break;
    case 0x6a: // LONG_BINGET
      fetched.add(r.u32le());
      break;
    case 0x67: // GET
      fetched.add(Number(parseIntText(r.line(MAX_LINE), 0, false)));
      break;
    case 0x94: // MEMOIZE
      if (stored.add(walk.count)) walk.count++;
      break;
    case 0x71: // BINPUT
      if (stored.add(r.u8())) walk.count++;
      break;
    case 0x72: // LONG_BINPUT
      if (stored.add(r.u32le())) walk.count++;
      break;
    case 0x70: // PUT
      if (stored.add(Number(parseIntText(r.line(MAX_LINE), 0, false)))) walk.count++;
      break;
    case 0x8a: // LONG1
    case 0x55: // SHORT_BINSTRING
    case 0x43: // SHORT_BINBYTES
    case 0x8c: // SHORT_BINUNICODE
      r.skip(r.u8());
      break;
    case 0x8b: // LONG4
    case 0x54: // BINSTRING
      r.skip(r.i32le());
      break;
    case 0x42: // BINBYTES
    case 0x58: // BINUNICODE
      r.skip(r.u32le());
      break;
    case 0x8e: // BINBYTES8
    case 0x8d: // BINUNICODE8
    case 0x96: // BYTEARRAY8
      r.skip(r.u64le());
      break;
    case 0x63: // GLOBAL
    case 0x69: // INST
      r.line(MAX_LINE);
      r.line(MAX_LINE);
      break;
    case 0x49: // INT
    case 0x4c: // LONG
    case 0x46: // FLOAT
    case 0x53: // STRING
    case 0x56: // UNICODE
    case 0x50: // PERSID
      // STRING and UNICODE lines may be longer than MAX_LINE (up to the string limit).
      r.line(Number.MAX_SAFE_INTEGER);
      break;
    default:
      return false;
  }
  return true;
}
