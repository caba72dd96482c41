import type { PDict, PList, PValue } from './model.js';
import { materialise, S_OBJ, type TextMaterialiser } from './slots.js';

/**
 * Lists, tuples, sets and dicts as the machine builds them: their items stay stack slots (a tag
 * and a number each, in one array of numbers; objects only where the tag says so) and become
 * values only when something reads `items` or `entries`. A large pickle's millions of small
 * containers of strings and numbers are built and dropped without one object per item, and
 * what a container keeps costs 16 bytes an item.
 *
 * Once read, a container holds values; items added later are made into values as they come.
 */
export abstract class SlotItems {
  /**
   * Also held by something other than the one stack slot or container it sits in (the memo,
   * an event, a DUP): dropping it from the stack or a full container then frees nothing.
   */
  shared = false;
  /** tag, number, tag, number, … for the items not yet made into values. */
  private slots: number[] | undefined;
  /** Objects of the slots whose tag is S_OBJ, by item index. */
  private objs: Array<PValue | undefined> | undefined;
  /** The items as values, once read. */
  private values: PValue[] | undefined;

  constructor(private readonly text: TextMaterialiser) {}

  /** Items held. */
  get count(): number {
    return this.values !== undefined ? this.values.length : this.slots === undefined ? 0 : this.slots.length >> 1;
  }

  /** Adds stack slots `from` to `to` as items (arrays made to size: most containers are filled once). */
  addSlots(tags: Uint8Array, nums: Float64Array, objs: Array<PValue | undefined>, from: number, to: number): void {
    if (to <= from) return;
    if (this.values !== undefined) {
      for (let i = from; i < to; i++) this.values.push(materialise(tags[i]!, nums[i]!, objs[i], this.text));
      return;
    }
    const base = this.slots === undefined ? 0 : this.slots.length >> 1;
    let slots = this.slots;
    if (slots === undefined) slots = this.slots = new Array<number>(2 * (to - from));
    for (let i = from, j = 2 * base; i < to; i++, j += 2) {
      slots[j] = tags[i]!;
      slots[j + 1] = nums[i]!;
      if (tags[i] === S_OBJ) {
        const at = base + i - from;
        if (this.objs === undefined) this.objs = new Array<PValue | undefined>(at + (to - i));
        this.objs[at] = objs[i];
      }
    }
  }

  /** The items as values (made once, on first read). */
  protected itemValues(): PValue[] {
    if (this.values === undefined) {
      const slots = this.slots ?? [];
      const n = slots.length >> 1;
      const values: PValue[] = new Array(n);
      for (let i = 0; i < n; i++) values[i] = materialise(slots[2 * i]!, slots[2 * i + 1]!, this.objs?.[i], this.text);
      this.values = values;
      this.slots = undefined;
      this.objs = undefined;
    }
    return this.values;
  }

  /** Calls `visit` with every object item (containers, calls, globals), without making values of the rest. */
  forEachObject(visit: (v: PValue) => void): void {
    if (this.values !== undefined) {
      for (const v of this.values) visit(v);
      return;
    }
    if (this.objs === undefined) return;
    for (const v of this.objs) if (v !== undefined) visit(v);
  }
}

export class SlotList extends SlotItems implements PList {
  declare readonly k: 'list';
  dropped?: number;
  get items(): PValue[] {
    return this.itemValues();
  }
}

export class SlotTuple extends SlotItems {
  declare readonly k: 'tuple';
  get items(): PValue[] {
    return this.itemValues();
  }
}

export class SlotSet extends SlotItems {
  declare readonly k: 'set';
  dropped?: number;
  constructor(
    text: TextMaterialiser,
    readonly frozen: boolean,
  ) {
    super(text);
  }
  get items(): PValue[] {
    return this.itemValues();
  }
}

/** A dict: keys and values alternate as items; `entries` pairs them. */
export class SlotDict extends SlotItems implements PDict {
  declare readonly k: 'dict';
  dropped?: number;
  setstateKey?: boolean;
  computedKey?: boolean;
  /** The first key that is a dunder name (`__class__`, `__setstate__`…), kept or not. */
  dunderKey?: string;
  classKey?: boolean;
  private pairs: Array<[PValue, PValue]> | undefined;
  get entries(): Array<[PValue, PValue]> {
    const values = this.itemValues();
    const pairs = (this.pairs ??= []);
    for (let i = pairs.length * 2; i + 1 < values.length; i += 2) pairs.push([values[i]!, values[i + 1]!]);
    return pairs;
  }
  /** Entries held. */
  get size(): number {
    return this.count >> 1;
  }
}

// The kind lives on each class's prototype, not in every instance.
for (const [cls, k] of [
  [SlotList, 'list'],
  [SlotTuple, 'tuple'],
  [SlotSet, 'set'],
  [SlotDict, 'dict'],
] as const) {
  Object.defineProperty(cls.prototype, 'k', { value: k, enumerable: true });
}
