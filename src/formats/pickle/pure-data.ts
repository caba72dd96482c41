import { ModelgateError } from '../../core/errors.js';
import type { Limits } from '../../core/limits.js';
import { KEPT_ITEMS, LAZY_TEXT_MAX } from './machine.js';
import { KeySet } from './memo-plan.js';
import { HIGHEST_PROTOCOL } from './opcodes.js';
import { type Budget, COST_OBJECT, COST_VALUE, MEMO_PAGE_BITS } from './slots.js';
import { decodeQuotedString, hasBackslash, isPlainFloat, parseFloatText, plainDecimal } from './text-operands.js';

/*
 * Kinds of the shadow stack's slots. A number, None or a boolean is a scalar: the interpreter
 * charges for making one a value only where the shadow never goes (a scalar result at STOP is
 * left to the interpreter), so neither its value nor its weight is kept.
 */
const K_SCALAR = 1;
/** Short text; its number packs offset and length as the interpreter's S_TEXT does. */
const K_TEXT = 3;
/** An object that holds no other value: bytes, a long int, a long or decoded string. */
const K_OBJECT = 4;
const K_LIST = 5;
const K_TUPLE = 6;
const K_DICT = 7;
const K_SET = 8;
const K_FROZENSET = 9;
/** Flag on a container held by the memo or a DUP: its number is then an index into `sharedCounts`. */
const SHARED = 0x10;

/** The interpreter's costs (slots.ts, machine.ts): a kept item, a stack slot, a memo page. */
const COST_ITEM = 16;
const COST_SLOT = 17;
const FIRST_STACK = 256;
const MEMO_PAGE = 1 << MEMO_PAGE_BITS;
const MEMO_PAGED_KEYS = 1 << 26;
const MAX_LINE = 64 * 1024;

/** Where the shadow cannot say what the interpreter would: it hands the stream over. */
const HAND_OVER = Symbol('hand over');
/** The budget ran out where the interpreter's does. */
const OVER_BUDGET = Symbol('over budget');

/** What reading a stream of plain data found. */
export interface PureData {
  protocol: number;
  opcodes: number;
  /**
   * Offset just past STOP; where the budget ran out, the offset of the opcode that ran it out
   * (the error's offset; the interpreter's reader may stand a few bytes on by then).
   */
  end: number;
  /** End of the frame STOP was read in, when the frame goes on past it. */
  frameEnd?: number;
  /** LIMIT_MEMORY where the interpreter stops at it. */
  error?: ModelgateError;
}

/**
 * Reads a pickle stream that is plain data (numbers, strings, bytes, lists, tuples, dicts,
 * sets and the memo) without building its values: a shadow of the interpreter (parse.ts) that
 * keeps a kind per stack slot and charges the memory budget exactly what the interpreter would,
 * item for item and refund for refund, so it stops at LIMIT_MEMORY where the interpreter does
 * and leaves a shared budget as the interpreter leaves it. Such a stream imports, calls and
 * builds nothing, so no rule has anything to judge but its completeness, which is all that is
 * read here. Anything else, or anything out of the ordinary (an import, an odd operand, a
 * malformed or truncated opcode, a frame crossed, a limit other than the budget), returns
 * undefined, and the stream is interpreted as usual.
 *
 * `buffer` holds the stream from `start` to `end`; `fetched` is the memo plan (memo-plan.ts),
 * the keys read back. Without one, the stream is read as if it read no key back, which is the
 * plan of a stream without GETs: its first GET hands it over, as does the budget running out
 * (a plan might have stopped it elsewhere), and a stream that has neither is read in one pass.
 */
export function readPureData(buffer: Buffer, start: number, end: number, limits: Limits, budget: Budget, fetched?: KeySet): PureData | undefined {
  const shadow = new Shadow(buffer, limits, budget, fetched);
  try {
    return shadow.read(start, end);
  } catch (e) {
    if (e === HAND_OVER || (e === OVER_BUDGET && fetched === undefined)) return undefined;
    if (e !== OVER_BUDGET) throw e;
    // As the interpreter's `finally`: the stack and the memo's pages die with the stream.
    budget.spent = shadow.spent - shadow.structure();
    const error = new ModelgateError(
      'LIMIT_MEMORY',
      `the values this pickle builds pass the ${budget.limit}-byte budget (maxSymbolicBytes): the rest was not read`,
      {
        offset: shadow.opStart,
      },
    );
    return { protocol: shadow.protocol, opcodes: shadow.opIndex + 1, end: shadow.opStart, error };
  }
}

/** The little-endian u32 at `i`. */
function u32(b: Buffer, i: number): number {
  return b[i]! + (b[i + 1]! << 8) + (b[i + 2]! << 16) + b[i + 3]! * 0x1000000;
}

class Shadow {
  kinds = new Uint8Array(FIRST_STACK);
  nums = new Float64Array(FIRST_STACK);
  /** What dropping the slot's container gives back: it, and every container only it holds. */
  weights = new Float64Array(FIRST_STACK);
  sp = 0;
  stackCharged = 0;
  readonly marks: number[] = [];
  readonly sharedCounts: number[] = [];
  readonly present = new KeySet();
  presentCharged = 0;
  pagesCharged = 0;
  memoCount = 0;
  readonly tagPages: Uint8Array[] = [];
  readonly numPages: Float64Array[] = [];
  readonly objPages: boolean[] = [];
  spent: number;
  protocol = 0;
  opStart = 0;
  opIndex = -1;

  constructor(
    private readonly buffer: Buffer,
    private readonly limits: Limits,
    private readonly budget: Budget,
    /** The memo plan; undefined: no key is read back (a GET hands the stream over). */
    private readonly fetched: KeySet | undefined,
  ) {
    this.spent = budget.spent;
  }

  structure(): number {
    return this.stackCharged + this.presentCharged + this.pagesCharged;
  }

  spend(bytes: number): void {
    this.spent += bytes;
    if (this.spent > this.budget.limit) throw OVER_BUDGET;
  }

  push(kind: number, num: number, weight: number): void {
    const i = this.sp;
    if (i === this.kinds.length) this.grow();
    this.kinds[i] = kind;
    this.nums[i] = num;
    this.weights[i] = weight;
    this.sp = i + 1;
  }

  /** A new object pushed (`pushObj`): charged first; `weight` is what dropping it gives back. */
  pushObject(kind: number, count: number, weight: number): void {
    this.spend(COST_OBJECT);
    this.push(kind, count, weight);
  }

  /** The stack is full: it doubles, as the interpreter's does, at the cost the interpreter charges. */
  grow(): void {
    this.spend(this.kinds.length * COST_SLOT);
    this.stackCharged += this.kinds.length * COST_SLOT;
    const kinds = new Uint8Array(this.kinds.length * 2);
    kinds.set(this.kinds);
    const nums = new Float64Array(this.nums.length * 2);
    nums.set(this.nums);
    const weights = new Float64Array(this.weights.length * 2);
    weights.set(this.weights);
    this.kinds = kinds;
    this.nums = nums;
    this.weights = weights;
  }

  floor(): number {
    return this.marks.length > 0 ? this.marks[this.marks.length - 1]! : 0;
  }

  /** Slots from the `n`-th from the top, which must lie above the innermost MARK. */
  slotsFrom(n: number): number {
    const at = this.sp - n;
    if (at < this.floor()) throw HAND_OVER;
    return at;
  }

  popMark(): number {
    const at = this.marks.pop();
    if (at === undefined) throw HAND_OVER;
    return at;
  }

  /** Slots `from` to `to` dropped: what their unshared containers cost comes back. */
  discard(from: number, to: number): void {
    let back = 0;
    for (let i = from; i < to; i++) if (this.kinds[i]! >= K_LIST) back += this.weights[i]!;
    this.spent -= back;
  }

  /** The slot's container is now held twice (memo, DUP): it will never be given back. */
  share(i: number): void {
    const kind = this.kinds[i]!;
    if (kind < K_LIST || (kind & SHARED) !== 0) return;
    this.kinds[i] = kind | SHARED;
    this.nums[i] = this.sharedCounts.push(this.nums[i]!) - 1;
    this.weights[i] = 0;
  }

  /** Items held by the container in slot `i`. */
  count(i: number): number {
    return (this.kinds[i]! & SHARED) !== 0 ? this.sharedCounts[this.nums[i]!]! : this.nums[i]!;
  }

  /**
   * Moves slots `at` to `to` into a container that holds `held` items, as keepSlots (`pairs`
   * false; `room` items at most) or intoDict (`pairs` true; `room` entries at most) do: the
   * kept items charged, every dict key noted, the rest dropped. Returns the items kept, with
   * their weight in `movedWeight`; the stack is cut back to `at`.
   */
  move(at: number, to: number, room: number, pairs: boolean): number {
    let kept: number;
    if (pairs) {
      // CPython refuses an odd number of items (load_dict, do_setitems); the interpreter reads on.
      if ((to - at) % 2 !== 0) throw HAND_OVER;
      kept = 2 * Math.max(0, Math.min((to - at) / 2, room));
      this.spend(kept * COST_ITEM);
      for (let k = at; k < to; k += 2) this.noteKey(k);
    } else {
      kept = Math.max(0, Math.min(to - at, room));
      this.spend(kept * COST_ITEM);
    }
    let weight = 0;
    for (let i = at; i < at + kept; i++) if (this.kinds[i]! >= K_LIST) weight += this.weights[i]!;
    this.movedWeight = weight;
    if (to - at > kept) this.discard(at + kept, to);
    this.sp = at;
    return kept;
  }

  movedWeight = 0;

  /** APPEND(S), SETITEM(S), ADDITEMS: slots `at` to `to` into the container in slot `target`. */
  fill(target: number, at: number, to: number, pairs: boolean): void {
    const held = this.count(target);
    const kept = this.move(at, to, pairs ? KEPT_ITEMS - (held >> 1) : KEPT_ITEMS - held, pairs);
    if ((this.kinds[target]! & SHARED) !== 0) this.sharedCounts[this.nums[target]!]! += kept;
    else {
      this.nums[target]! += kept;
      this.weights[target]! += kept * COST_ITEM + this.movedWeight;
    }
  }

  /** LIST, TUPLE, DICT, FROZENSET: a new container of the slots from `at` up, pushed. */
  collect(kind: number, at: number): void {
    // Tuples keep every item; the others up to the cap.
    const kept = this.move(at, this.sp, kind === K_TUPLE ? Number.MAX_SAFE_INTEGER : KEPT_ITEMS, kind === K_DICT);
    this.pushObject(kind, kept, COST_OBJECT + kept * COST_ITEM + this.movedWeight);
  }

  /** A text key that may be a dunder name is made into a value to be read (noteSlotKey). */
  noteKey(i: number): void {
    if (this.kinds[i] !== K_TEXT) return;
    const packed = this.nums[i]!;
    // Offset × 1024 + length × 2 + UTF-8 bit, unpacked without a floating-point remainder.
    const at = Math.floor(packed / 1024);
    const length = (packed - at * 1024) >> 1;
    if (length < 4) return;
    const b = this.buffer;
    if (b[at] === 0x5f && b[at + 1] === 0x5f && b[at + length - 2] === 0x5f && b[at + length - 1] === 0x5f) this.spend(COST_VALUE);
  }

  read(start: number, end: number): PureData {
    const b = this.buffer;
    const maxOpcodes = this.limits.maxOpcodes;
    const maxString = this.limits.maxStringBytes;
    let i = start;
    let frameEnd = -1;
    /** The opcode's offset and index. */
    let at = start;
    let op = -1;
    // The stack in locals for the common opcodes below; the methods the others call see it
    // through the fields, synced around them.
    let kinds = this.kinds;
    let nums = this.nums;
    let weights = this.weights;
    let sp = this.sp;
    let memoTags: Uint8Array | undefined;
    let memoNums: Float64Array | undefined;
    const { marks, present, fetched } = this;
    const maxMemo = this.limits.maxMemoEntries;
    try {
      for (;;) {
        // The opcode just read ran past its frame: the interpreter notes a straddle.
        if (at < frameEnd && i > frameEnd) throw HAND_OVER;
        if (i >= end) throw HAND_OVER;
        at = i;
        const code = b[i++]!;
        if (++op >= maxOpcodes) throw HAND_OVER;
        // Scalars and the memo, most of a large pickle, straight into the locals: each operand
        // is checked first, then the push (which may grow the stack, as the interpreter's does).
        let kind = K_SCALAR;
        let num = 0;
        fast: {
          switch (code) {
            case 0x4b: // BININT1
              if (i + 1 > end) throw HAND_OVER;
              i += 1;
              break;
            case 0x4d: // BININT2
              if (i + 2 > end) throw HAND_OVER;
              i += 2;
              break;
            case 0x4a: // BININT
              if (i + 4 > end) throw HAND_OVER;
              i += 4;
              break;
            case 0x47: // BINFLOAT
              if (i + 8 > end) throw HAND_OVER;
              i += 8;
              break;
            case 0x4e: // NONE
            case 0x88: // NEWTRUE
            case 0x89: // NEWFALSE
              break;
            case 0x8c: {
              // SHORT_BINUNICODE
              if (i + 1 > end) throw HAND_OVER;
              const n = b[i]!;
              if (n > end - i - 1 || n > maxString) throw HAND_OVER;
              kind = K_TEXT;
              num = (i + 1) * 1024 + n * 2 + 1;
              i += 1 + n;
              break;
            }
            case 0x68: // BINGET
            case 0x6a: {
              // LONG_BINGET: the kind kept under the key (a container there is shared already)
              const long = code === 0x6a;
              if (i + (long ? 4 : 1) > end) throw HAND_OVER;
              const key = long ? u32(b, i) : b[i]!;
              if (key < MEMO_PAGE && memoTags !== undefined) {
                // The first page, in locals: most memos are smaller than a page.
                kind = memoTags[key]!;
                num = memoNums![key]!;
              } else {
                const page = key < MEMO_PAGED_KEYS ? this.tagPages[key >>> MEMO_PAGE_BITS] : undefined;
                kind = page === undefined ? 0 : page[key & (MEMO_PAGE - 1)]!;
                if (kind !== 0) num = this.numPages[key >>> MEMO_PAGE_BITS]![key & (MEMO_PAGE - 1)]!;
              }
              if (kind === 0) throw HAND_OVER;
              i += long ? 4 : 1;
              break;
            }
            case 0x28: // MARK
              if (marks.length >= this.limits.maxMarks) throw HAND_OVER;
              marks.push(sp);
              continue;
            case 0x94: // MEMOIZE
            case 0x71: {
              // BINPUT. A key not read back whose presence costs nothing more is only counted.
              if (code === 0x71 && i + 1 > end) throw HAND_OVER;
              const key = code === 0x94 ? this.memoCount : b[i]!;
              if (code === 0x71) i += 1;
              if (sp > (marks.length > 0 ? marks[marks.length - 1]! : 0) && present.fits(key) && (fetched === undefined || !fetched.has(key))) {
                if (!present.has(key)) {
                  if (this.memoCount >= maxMemo) throw HAND_OVER;
                  this.memoCount++;
                  present.add(key);
                }
              } else {
                this.sp = sp;
                this.put(key);
                memoTags = this.tagPages[0];
                memoNums = this.numPages[0];
              }
              continue;
            }
            default:
              break fast;
          }
          if (sp === kinds.length) {
            this.sp = sp;
            this.grow();
            kinds = this.kinds;
            nums = this.nums;
            weights = this.weights;
          }
          kinds[sp] = kind;
          nums[sp] = num;
          weights[sp++] = 0;
          continue;
        }
        this.sp = sp;
        switch (code) {
          case 0x80: // PROTO
            if (i + 1 > end || b[i]! > HIGHEST_PROTOCOL) throw HAND_OVER;
            this.protocol = b[i++]!;
            break;
          case 0x95: {
            // FRAME: only frames that fit; an overrun is the interpreter's to record
            if (i + 8 > end) throw HAND_OVER;
            const length = b.readBigInt64LE(i);
            i += 8;
            if (length < 0n || length > BigInt(end - i)) throw HAND_OVER;
            frameEnd = i + Number(length);
            break;
          }
          case 0x2e: {
            // STOP: a container is the result (anything else the interpreter makes a value of)
            if (this.sp <= this.floor() || this.kinds[this.sp - 1]! < K_LIST) throw HAND_OVER;
            this.sp--;
            this.spent -= this.structure();
            this.budget.spent = this.spent;
            const done: PureData = { protocol: this.protocol, opcodes: op + 1, end: i };
            if (frameEnd > i) done.frameEnd = frameEnd;
            return done;
          }
          case 0x30: // POP: drops a MARK if one is on top
            if (this.marks.length > 0 && this.marks[this.marks.length - 1] === this.sp) this.marks.pop();
            else {
              const at = this.slotsFrom(1);
              this.discard(at, at + 1);
              this.sp = at;
            }
            break;
          case 0x31: {
            // POP_MARK
            const at = this.popMark();
            this.discard(at, this.sp);
            this.sp = at;
            break;
          }
          case 0x32: {
            // DUP
            const at = this.sp - 1;
            if (at < this.floor()) throw HAND_OVER;
            this.share(at);
            this.push(this.kinds[at]!, this.nums[at]!, 0);
            break;
          }
          case 0x49:
          case 0x4c: {
            // INT ("00"/"01" are the booleans), LONG (with its L)
            const nl = this.line(i, end, MAX_LINE);
            let to = nl;
            if (code === 0x49 && nl - i === 2 && b[i] === 0x30 && (b[i + 1] === 0x30 || b[i + 1] === 0x31)) this.push(K_SCALAR, 0, 0);
            else {
              if (code === 0x4c && b[to - 1] === 0x4c) to--;
              const v = plainDecimal(b, i, to);
              if (v === undefined) throw HAND_OVER;
              this.push(K_SCALAR, 0, 0);
            }
            i = nl + 1;
            break;
          }
          case 0x8a: // LONG1
            if (i + 1 > end) throw HAND_OVER;
            i += 1;
            this.longInt(b[i - 1]!, end - i);
            i += b[i - 1]!;
            break;
          case 0x8b: {
            // LONG4
            if (i + 4 > end) throw HAND_OVER;
            const n = b.readInt32LE(i);
            i += 4;
            if (n < 0) throw HAND_OVER;
            this.longInt(n, end - i);
            i += n;
            break;
          }
          case 0x46: {
            // FLOAT
            const nl = this.line(i, end, MAX_LINE);
            if (!isPlainFloat(b, i, nl)) {
              try {
                parseFloatText(b, at, i, nl);
              } catch {
                throw HAND_OVER;
              }
            }
            this.push(K_SCALAR, 0, 0);
            i = nl + 1;
            break;
          }
          case 0x53: {
            // STRING: a quoted literal, decoded into a value
            const nl = this.line(i, end, maxString);
            try {
              decodeQuotedString(b.subarray(i, nl), at);
            } catch {
              throw HAND_OVER;
            }
            this.pushObject(K_OBJECT, 0, 0);
            i = nl + 1;
            break;
          }
          case 0x56: {
            // UNICODE: raw-unicode-escape (it never fails); short text without a backslash is packed
            const nl = this.line(i, end, maxString);
            if (nl - i <= LAZY_TEXT_MAX && !hasBackslash(b, i, nl)) this.push(K_TEXT, i * 1024 + (nl - i) * 2, 0);
            else this.pushObject(K_OBJECT, 0, 0);
            i = nl + 1;
            break;
          }
          case 0x54: {
            // BINSTRING
            if (i + 4 > end) throw HAND_OVER;
            const n = b.readInt32LE(i);
            i += 4;
            if (n < 0) throw HAND_OVER;
            i = this.operand(i, end, n, 1);
            break;
          }
          case 0x55: // SHORT_BINSTRING
            if (i + 1 > end) throw HAND_OVER;
            i = this.operand(i + 1, end, b[i]!, 1);
            break;
          case 0x42: // BINBYTES
            if (i + 4 > end) throw HAND_OVER;
            i = this.operand(i + 4, end, u32(b, i), 0);
            break;
          case 0x43: // SHORT_BINBYTES
            if (i + 1 > end) throw HAND_OVER;
            i = this.operand(i + 1, end, b[i]!, 0);
            break;
          case 0x58: // BINUNICODE
            if (i + 4 > end) throw HAND_OVER;
            i = this.operand(i + 4, end, u32(b, i), 2);
            break;
          case 0x8e: // BINBYTES8
          case 0x96: // BYTEARRAY8
          case 0x8d: {
            // BINUNICODE8
            if (i + 8 > end) throw HAND_OVER;
            const n = Number(b.readBigUInt64LE(i));
            i += 8;
            if (!Number.isSafeInteger(n)) throw HAND_OVER;
            i = this.operand(i, end, n, code === 0x8d ? 2 : 0);
            break;
          }
          case 0x5d: // EMPTY_LIST
            this.pushObject(K_LIST, 0, COST_OBJECT);
            break;
          case 0x29: // EMPTY_TUPLE
            this.pushObject(K_TUPLE, 0, COST_OBJECT);
            break;
          case 0x7d: // EMPTY_DICT
            this.pushObject(K_DICT, 0, COST_OBJECT);
            break;
          case 0x8f: // EMPTY_SET
            this.pushObject(K_SET, 0, COST_OBJECT);
            break;
          case 0x6c: // LIST
            this.collect(K_LIST, this.popMark());
            break;
          case 0x74: // TUPLE
            this.collect(K_TUPLE, this.popMark());
            break;
          case 0x85: // TUPLE1
          case 0x86: // TUPLE2
          case 0x87: // TUPLE3
            this.collect(K_TUPLE, this.slotsFrom(code - 0x84));
            break;
          case 0x64: // DICT
            this.collect(K_DICT, this.popMark());
            break;
          case 0x91: // FROZENSET
            this.collect(K_FROZENSET, this.popMark());
            break;
          case 0x61: {
            // APPEND to a list
            const v = this.slotsFrom(1);
            if (v <= this.floor() || (this.kinds[v - 1]! & ~SHARED) !== K_LIST) throw HAND_OVER;
            this.fill(v - 1, v, v + 1, false);
            break;
          }
          case 0x73: {
            // SETITEM on a dict
            const k = this.slotsFrom(2);
            if (k <= this.floor() || (this.kinds[k - 1]! & ~SHARED) !== K_DICT) throw HAND_OVER;
            this.fill(k - 1, k, k + 2, true);
            break;
          }
          case 0x65: // APPENDS
          case 0x75: // SETITEMS
          case 0x90: {
            // ADDITEMS
            const at = this.popMark();
            const want = code === 0x65 ? K_LIST : code === 0x75 ? K_DICT : K_SET;
            if (at <= this.floor() || (this.kinds[at - 1]! & ~SHARED) !== want) throw HAND_OVER;
            this.fill(at - 1, at, this.sp, code === 0x75);
            break;
          }
          case 0x67: // GET
          case 0x70: {
            // PUT
            const nl = this.line(i, end, MAX_LINE);
            const key = plainDecimal(b, i, nl);
            if (key === undefined || key < 0) throw HAND_OVER;
            i = nl + 1;
            if (code === 0x67) this.get(key);
            else this.put(key);
            break;
          }
          case 0x72: // LONG_BINPUT
            if (i + 4 > end) throw HAND_OVER;
            this.put(u32(b, i));
            i += 4;
            break;
          default:
            // Imports, calls, BUILD, persistent ids, extensions, out-of-band buffers, bad opcodes.
            throw HAND_OVER;
        }
        sp = this.sp;
        kinds = this.kinds;
        nums = this.nums;
        weights = this.weights;
        memoTags = this.tagPages[0];
        memoNums = this.numPages[0];
      }
    } finally {
      // Where the budget ran out, for its error.
      this.opStart = at;
      this.opIndex = op;
    }
  }

  /** The end (the `\n`) of the line at `i`, at most `max` bytes before `end`. */
  line(i: number, end: number, max: number): number {
    // Lines are short: a loop here costs less than a call into Buffer.indexOf per opcode.
    const b = this.buffer;
    const last = Math.min(end, i + max + 1);
    for (let nl = i; nl < last; nl++) if (b[nl] === 0x0a) return nl;
    throw HAND_OVER;
  }

  /** A string or bytes operand of `n` bytes at `i` (`text`: 1 latin-1, 2 UTF-8): short text as a packed slot, the rest an object; returns its end. */
  operand(i: number, end: number, n: number, text: 0 | 1 | 2): number {
    if (n > end - i || n > this.limits.maxStringBytes) throw HAND_OVER;
    if (text !== 0 && n <= LAZY_TEXT_MAX) this.push(K_TEXT, i * 1024 + n * 2 + (text === 2 ? 1 : 0), 0);
    else this.pushObject(K_OBJECT, 0, 0);
    return i + n;
  }

  /** LONG1/LONG4 of `n` bytes with `left` bytes after the length: an int object. */
  longInt(n: number, left: number): void {
    if (n > left || n > this.limits.maxStringBytes) throw HAND_OVER;
    this.pushObject(K_OBJECT, 0, 0);
  }

  /** PUT/MEMOIZE of the top slot, as SlotMemo.store under a plan. */
  put(key: number): void {
    const top = this.sp - 1;
    if (top < this.floor()) throw HAND_OVER;
    if (key >= MEMO_PAGED_KEYS) throw HAND_OVER;
    if (!this.present.has(key)) {
      if (this.memoCount >= this.limits.maxMemoEntries) throw HAND_OVER;
      this.memoCount++;
      this.present.add(key);
      if (this.present.bytes !== this.presentCharged) {
        this.spend(this.present.bytes - this.presentCharged);
        this.presentCharged = this.present.bytes;
      }
    }
    if (this.fetched === undefined) {
      // As the memo plan's walk, which gives up on keys that cost more than the budget.
      if (this.present.bytes > this.limits.maxSymbolicBytes) throw HAND_OVER;
      return;
    }
    if (!this.fetched.has(key)) return;
    const p = key >>> MEMO_PAGE_BITS;
    if (this.tagPages[p] === undefined) {
      this.spend(MEMO_PAGE * 9);
      this.pagesCharged += MEMO_PAGE * 9;
      this.tagPages[p] = new Uint8Array(MEMO_PAGE);
      this.numPages[p] = new Float64Array(MEMO_PAGE);
    }
    const kind = this.kinds[top]!;
    if (kind >= K_OBJECT && this.objPages[p] !== true) {
      this.spend(MEMO_PAGE * 8);
      this.pagesCharged += MEMO_PAGE * 8;
      this.objPages[p] = true;
    }
    this.share(top);
    const j = key & (MEMO_PAGE - 1);
    this.tagPages[p]![j] = this.kinds[top]!;
    this.numPages[p]![j] = this.nums[top]!;
  }

  /** GET of a kept key: its kind pushed (a container in the memo is shared already). */
  get(key: number): void {
    if (key >= MEMO_PAGED_KEYS) throw HAND_OVER;
    const p = key >>> MEMO_PAGE_BITS;
    const j = key & (MEMO_PAGE - 1);
    const kind = this.tagPages[p]?.[j] ?? 0;
    if (kind === 0) throw HAND_OVER;
    this.push(kind, this.numPages[p]![j]!, 0);
  }
}
