import { ModelgateError } from '../../core/errors.js';
import type { KeySet } from './memo-plan.js';
import type { PValue } from './model.js';

/**
 * The pickle machine's stack and memo as typed arrays. Scalars (ints, floats, None, booleans,
 * short strings) are stored as a tag and a number and become objects only when an opcode that
 * builds something takes them; a large pickle's millions of list items and memoised strings
 * then cost no allocation and nothing for the garbage collector to trace.
 */
export const S_EMPTY = 0;
export const S_OBJ = 1;
export const S_INT = 2;
export const S_FLOAT = 3;
export const S_NONE = 4;
export const S_TRUE = 5;
export const S_FALSE = 6;
/** A short string: num packs (source offset × 1024 + length × 2 + utf8 bit), see LAZY_TEXT_MAX. */
export const S_TEXT = 7;

/**
 * Estimated bytes of what the machine builds, charged as it is built and never refunded (a
 * value dropped later may still be held by the memo or a container). Rough V8 sizes on 64-bit
 * Node: an object with its header and a few fields, an array with its first backing store.
 */
export const COST_OBJECT = 96;
/** A value made from a slot (a number, a short string) when something keeps it. */
export const COST_VALUE = 40;
/** One stack slot: a tag byte, a float and an object pointer. */
const COST_SLOT = 17;

/** The stream's memory budget: throws LIMIT_MEMORY once the estimate passes `limit`. */
export class Budget {
  spent = 0;
  constructor(readonly limit: number) {}
  /** Gives back what a value cost once nothing holds it any more. */
  refund(bytes: number): void {
    this.spent -= bytes;
  }
  spend(bytes: number): void {
    this.spent += bytes;
    if (this.spent > this.limit) {
      throw new ModelgateError('LIMIT_MEMORY', `the values this pickle builds pass the ${this.limit}-byte budget (maxSymbolicBytes): the rest was not read`);
    }
  }
}

const NONE: PValue = { k: 'none' };
const TRUE: PValue = { k: 'bool', v: true };
const FALSE: PValue = { k: 'bool', v: false };
/** Shared values for 0..255: the commonest ints cost no allocation even when materialised. */
const SMALL_INTS: readonly PValue[] = Array.from({ length: 256 }, (_, v) => ({ k: 'int', v }) as PValue);

/** Turns a packed short string back into a value (it needs the stream's bytes). */
export type TextMaterialiser = (packed: number) => PValue;

/** A value from its slot. */
export function materialise(tag: number, num: number, obj: PValue | undefined, text: TextMaterialiser): PValue {
  switch (tag) {
    case S_OBJ:
      return obj as PValue;
    case S_INT:
      return num >= 0 && num < 256 ? SMALL_INTS[num]! : { k: 'int', v: num };
    case S_FLOAT:
      return { k: 'float', v: num };
    case S_NONE:
      return NONE;
    case S_TRUE:
      return TRUE;
    case S_FALSE:
      return FALSE;
    case S_TEXT:
      return text(num);
    default:
      throw new Error(`empty slot ${tag}`);
  }
}

/** The value stack. `length` is the stack height; slots above it are stale. */
export class SlotStack {
  tags = new Uint8Array(256);
  nums = new Float64Array(256);
  objs: Array<PValue | undefined> = [];
  length = 0;

  constructor(
    private readonly text: TextMaterialiser,
    readonly budget: Budget,
  ) {}

  /** What the stack's growth has cost: given back when its stream ends. */
  charged = 0;

  private grow(): void {
    this.budget.spend(this.tags.length * COST_SLOT);
    this.charged += this.tags.length * COST_SLOT;
    const tags = new Uint8Array(this.tags.length * 2);
    tags.set(this.tags);
    const nums = new Float64Array(this.nums.length * 2);
    nums.set(this.nums);
    this.tags = tags;
    this.nums = nums;
  }

  push(tag: number, num: number, obj: PValue | undefined): void {
    const i = this.length;
    if (i === this.tags.length) this.grow();
    this.tags[i] = tag;
    this.nums[i] = num;
    this.objs[i] = obj;
    this.length = i + 1;
  }

  /** Pushes a value just made (charged to the budget). */
  pushObj(value: PValue): void {
    this.budget.spend(COST_OBJECT);
    this.push(S_OBJ, 0, value);
  }

  /** The value at index `i`, as an object. */
  valueAt(i: number): PValue {
    const tag = this.tags[i]!;
    const num = this.nums[i]!;
    if (tag === S_FLOAT || tag === S_TEXT || (tag === S_INT && !(num >= 0 && num < 256))) this.budget.spend(COST_VALUE);
    return materialise(tag, num, this.objs[i], this.text);
  }

  /** Values from index `from` to the top, as objects; the stack is cut back to `from`. */
  cut(from: number): PValue[] {
    const out: PValue[] = new Array(this.length - from);
    for (let i = from; i < this.length; i++) out[i - from] = this.valueAt(i);
    this.length = from;
    return out;
  }
}

/** Memo slots live in pages of this many keys, so the memo grows without copying. */
export const MEMO_PAGE_BITS = 16;
const MEMO_PAGE = 1 << MEMO_PAGE_BITS;
/** Keys below this get pages; larger ones (LONG_BINPUT 4e9) go to a map. */
const MEMO_PAGED_KEYS = 1 << 26;

/**
 * The memo: keys are dense in real pickles, so slots live in typed-array pages allocated on
 * first use; object values go to a map, since most memoised values are scalars. With a plan
 * (memo-plan.ts: the keys the stream ever reads back), only those keys' values are kept; the
 * others are remembered as present, which is all `len(memo)` and MEMOIZE need.
 */
export class SlotMemo {
  /** Tag and number pages; the fast path (fast-path.ts) writes scalars here directly when there is no plan. */
  readonly tagPages: Uint8Array[] = [];
  readonly numPages: Float64Array[] = [];
  /** Object values, in pages allocated when a page first holds one. */
  private readonly objPages: Array<Array<PValue | undefined> | undefined> = [];
  private readonly sparse = new Map<number, PValue>();
  /** len(memo): the number of distinct keys stored. */
  count = 0;
  /** What the presence set's bytes have cost the budget so far. */
  private presentCharged = 0;
  /** What the memo's own structure (pages, the presence set) has cost: given back when its stream ends. */
  get structure(): number {
    return this.presentCharged + this.pagesCharged;
  }
  private pagesCharged = 0;

  constructor(
    private readonly budget: Budget,
    /** Keys read back later; undefined keeps every value. */
    readonly fetched?: KeySet,
    /** Keys stored, under a plan. */
    private readonly present?: KeySet,
    /** Told of every object the memo keeps (it then lives as long as the memo). */
    private readonly onKeep?: (v: PValue) => void,
  ) {}

  /** True when the value stored under `key` is kept (read back later, or no plan). */
  keeps(key: number): boolean {
    return this.fetched === undefined || this.fetched.has(key);
  }

  has(key: number): boolean {
    if (this.present !== undefined) return this.present.has(key);
    if (key >= MEMO_PAGED_KEYS) return this.sparse.has(key);
    const page = this.tagPages[key >>> MEMO_PAGE_BITS];
    return page !== undefined && page[key & (MEMO_PAGE - 1)] !== S_EMPTY;
  }

  /** PUT or MEMOIZE of stack slot `i`; false, with nothing stored, when a new key would pass `max`. */
  store(key: number, stack: SlotStack, i: number, max: number): boolean {
    const present = this.present;
    if (present !== undefined) {
      // Under a plan: a key read back later keeps its value; any other is only counted.
      if (!present.has(key)) {
        if (this.count >= max) return false;
        this.count++;
        present.add(key);
        if (present.bytes !== this.presentCharged) {
          this.budget.spend(present.bytes - this.presentCharged);
          this.presentCharged = present.bytes;
        }
      }
      if (this.fetched!.has(key)) this.put(key, stack, i);
      return true;
    }
    if (!this.has(key)) {
      if (this.count >= max) return false;
      this.count++;
    }
    this.put(key, stack, i);
    return true;
  }

  /** Stores stack slot `i` under `key` (counted by the caller). */
  private put(key: number, stack: SlotStack, i: number): void {
    if (key >= MEMO_PAGED_KEYS) {
      if (!this.sparse.has(key)) this.budget.spend(COST_OBJECT);
      const value = stack.valueAt(i);
      this.onKeep?.(value);
      this.sparse.set(key, value);
      return;
    }
    const p = key >>> MEMO_PAGE_BITS;
    if (this.tagPages[p] === undefined) {
      // A page is 576 KiB: keys spread one per page (LONG_BINPUT 65536·k) would cost that each.
      this.budget.spend(MEMO_PAGE * 9);
      this.pagesCharged += MEMO_PAGE * 9;
      this.tagPages[p] = new Uint8Array(MEMO_PAGE);
      this.numPages[p] = new Float64Array(MEMO_PAGE);
    }
    const tags = this.tagPages[p];
    const j = key & (MEMO_PAGE - 1);
    const tag = stack.tags[i]!;
    if (tag === S_OBJ) {
      let objs = this.objPages[p];
      if (objs === undefined) {
        this.budget.spend(MEMO_PAGE * 8);
        this.pagesCharged += MEMO_PAGE * 8;
        objs = this.objPages[p] = new Array<PValue | undefined>(MEMO_PAGE);
      }
      this.onKeep?.(stack.objs[i] as PValue);
      objs[j] = stack.objs[i];
    } else if (tags[j] === S_OBJ) this.objPages[p]![j] = undefined;
    tags[j] = tag;
    this.numPages[p]![j] = stack.nums[i]!;
  }
  /** Pushes the value under `key` onto the stack; false when there is none. */
  pushTo(key: number, stack: SlotStack): boolean {
    if (key >= MEMO_PAGED_KEYS) {
      const v = this.sparse.get(key);
      if (v === undefined) return false;
      stack.push(S_OBJ, 0, v);
      return true;
    }
    const p = key >>> MEMO_PAGE_BITS;
    const tags = this.tagPages[p];
    const j = key & (MEMO_PAGE - 1);
    const tag = tags === undefined ? S_EMPTY : tags[j]!;
    if (tag === S_EMPTY) return false;
    stack.push(tag, this.numPages[p]![j]!, tag === S_OBJ ? this.objPages[p]![j] : undefined);
    return true;
  }
}
