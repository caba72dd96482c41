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

  constructor(private readonly text: TextMaterialiser) {}

  private grow(): void {
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

  pushObj(value: PValue): void {
    this.push(S_OBJ, 0, value);
  }

  /** The value at index `i`, as an object. */
  valueAt(i: number): PValue {
    return materialise(this.tags[i]!, this.nums[i]!, this.objs[i], this.text);
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
 * first use; object values go to a map, since most memoised values are scalars.
 */
export class SlotMemo {
  /** Tag and number pages; the fast path (fast-path.ts) writes scalars here directly. */
  readonly tagPages: Uint8Array[] = [];
  readonly numPages: Float64Array[] = [];
  private readonly objs = new Map<number, PValue>();
  private readonly sparse = new Map<number, PValue>();
  /** len(memo): the number of distinct keys stored. */
  count = 0;

  has(key: number): boolean {
    if (key >= MEMO_PAGED_KEYS) return this.sparse.has(key);
    const page = this.tagPages[key >>> MEMO_PAGE_BITS];
    return page !== undefined && page[key & (MEMO_PAGE - 1)] !== S_EMPTY;
  }

  /** Stores stack slot `i` under `key`. */
  put(key: number, stack: SlotStack, i: number): void {
    if (key >= MEMO_PAGED_KEYS) {
      this.sparse.set(key, stack.valueAt(i));
      return;
    }
    const p = key >>> MEMO_PAGE_BITS;
    if (this.tagPages[p] === undefined) {
      this.tagPages[p] = new Uint8Array(MEMO_PAGE);
      this.numPages[p] = new Float64Array(MEMO_PAGE);
    }
    const tags = this.tagPages[p];
    const j = key & (MEMO_PAGE - 1);
    const tag = stack.tags[i]!;
    if (tag === S_OBJ) this.objs.set(key, stack.objs[i] as PValue);
    else if (tags[j] === S_OBJ) this.objs.delete(key);
    tags[j] = tag;
    this.numPages[p]![j] = stack.nums[i]!;
  }

  /** Pushes the value under `key` onto the stack; false when there is none. */
  pushTo(key: number, stack: SlotStack): boolean {
    if (key >= MEMO_PAGED_KEYS) {
      const v = this.sparse.get(key);
      if (v === undefined) return false;
      stack.pushObj(v);
      return true;
    }
    const p = key >>> MEMO_PAGE_BITS;
    const tags = this.tagPages[p];
    const j = key & (MEMO_PAGE - 1);
    const tag = tags === undefined ? S_EMPTY : tags[j]!;
    if (tag === S_EMPTY) return false;
    stack.push(tag, this.numPages[p]![j]!, tag === S_OBJ ? this.objs.get(key) : undefined);
    return true;
  }
}
