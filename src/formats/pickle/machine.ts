import type { ByteReader } from '../../core/byte-reader.js';
import { ModelgateError } from '../../core/errors.js';
import type { Limits } from '../../core/limits.js';
import { type CallOp, type GlobalRef, LazyBytes, LazyText, type PDict, type PickleStream, type PObject, type PValue } from './model.js';
import { KeySet } from './memo-plan.js';
import { mapPython2Name } from './names.js';
import { type SlotDict, SlotItems, type SlotList, type SlotSet, SlotTuple } from './containers.js';
import { Budget, COST_OBJECT, COST_VALUE, S_INT, S_OBJ, S_TEXT, SlotMemo, SlotStack, type TextMaterialiser } from './slots.js';

/*
 * The pickle machine's state and the helpers the opcode loop (parse.ts) calls. They are module
 * functions over an explicit state, not closures made per stream, so the JIT inlines them.
 */

export interface PickleParseOptions {
  limits: Limits;
  /**
   * Called after each BUILD with the reader positioned just after it. A container whose loader
   * reads raw bytes from the stream at that point (joblib's NumpyArrayWrapper) skips them here.
   * `frameEnd` is the end of the protocol-4 frame the BUILD lies inside, when it does not end
   * there: CPython's unpickler has read the whole frame, so such a loader reads after it.
   */
  afterBuild?: (target: PValue, state: PValue, reader: ByteReader, frameEnd: number | undefined) => void;
  /**
   * True for a BUILD target after which `afterBuild` reads the stream. Without it, a parse with
   * `afterBuild` keeps every memo value: the memo plan (memo-plan.ts) walks the opcodes as they
   * lie and cannot know where such a hook moves the reader. With it, the parse keeps only the
   * values read back, and starts over keeping them all when such a target is built.
   */
  readsAfterBuild?: (target: PValue) => boolean;
  /**
   * The memory budget, when several streams share one (the streams of one file all stay
   * alive until its rules run); a stream gets its own of maxSymbolicBytes otherwise.
   */
  budget?: Budget;
  /**
   * The container's `persistent_load`, for the ids it resolves to a value already in the
   * pickle (legacy torch returns the class of a `('module', cls, file, source)` id). Ids it
   * leaves undefined stay opaque `persid` values.
   */
  persistentLoad?: (pid: PValue) => PValue | undefined;
  /**
   * Nothing will read the value STOP returns (a scan's rules judge what a stream does, not
   * what it makes): a stream of plain data held in memory is then read without building its
   * values (pure-data.ts), and its `result` is left out.
   */
  resultUnread?: boolean;
}

/**
 * Items kept per list, dict, set or filled object. Beyond it items are counted, not kept:
 * every opcode is still interpreted (imports and calls are events, recorded whatever the
 * size), but a state dict of millions of entries does not hold millions of values.
 */
export const KEPT_ITEMS = 1 << 16;

/** Adds `items` (the first of `total`) to a kept-items array, counting what does not fit. */
export function keep(into: PValue[], holder: { dropped?: number }, items: PValue[], total = items.length, budget?: Budget): void {
  const room = Math.max(0, KEPT_ITEMS - into.length);
  const n = Math.min(room, items.length);
  // A reference each; an empty array's first push also allocates its backing store (V8 gives it room for 17).
  budget?.spend(n * 8 + (into.length === 0 && n > 0 ? COST_OBJECT + 64 : 0));
  for (let i = 0; i < n; i++) into.push(items[i]!);
  if (total > n) holder.dropped = (holder.dropped ?? 0) + total - n;
}

/** Notes on a dict whether a key is a dunder name (`__setstate__` above all) or not a literal string. */
export function noteKey(dict: PDict, key: PValue): void {
  if (key.k !== 'str') dict.computedKey = true;
  else if (key.v.length >= 4 && key.v.startsWith('__') && key.v.endsWith('__')) {
    dict.dunderKey ??= key.v;
    if (key.v === '__setstate__') dict.setstateKey = true;
    else if (key.v === '__class__') dict.classKey = true;
  }
}

/** `noteKey` for a key still in its stack slot: only text that starts and ends with `__` is read. */
function noteSlotKey(m: Machine, dict: PDict, i: number): void {
  const stack = m.stack;
  const tag = stack.tags[i]!;
  if (tag === S_OBJ) noteKey(dict, stack.objs[i] as PValue);
  else if (tag !== S_TEXT) dict.computedKey = true;
  else {
    const packed = stack.nums[i]!;
    const length = Math.floor((packed % 1024) / 2);
    if (length >= 4 && isDunder(m.reader, Math.floor(packed / 1024), length)) noteKey(dict, stack.valueAt(i));
  }
}

/** True when the `length` bytes at `offset` start and end with `__`. */
function isDunder(reader: ByteReader, offset: number, length: number): boolean {
  const i = offset - reader.windowStart;
  const w = reader.window;
  if (i >= 0 && i + length <= w.length) return w[i] === 0x5f && w[i + 1] === 0x5f && w[i + length - 2] === 0x5f && w[i + length - 1] === 0x5f;
  const text = reader.source.read(offset, length);
  return text[0] === 0x5f && text[1] === 0x5f && text[length - 2] === 0x5f && text[length - 1] === 0x5f;
}

/** Text operands up to this length are decoded lazily (see LazyText). */
export const LAZY_TEXT_MAX = 256;

/** The state of the pickle machine for one stream. Helpers are module functions over it, not
 * closures, so the JIT can inline them into the opcode loop. */
export interface Machine {
  readonly reader: ByteReader;
  readonly options: PickleParseOptions;
  readonly limits: Limits;
  readonly stream: PickleStream;
  readonly marks: number[];
  readonly stack: SlotStack;
  readonly memo: SlotMemo;
  /** Makes a packed short string back into a value (containers keep the packed form). */
  readonly text: TextMaterialiser;
  /** Offset and index of the opcode being interpreted. */
  opStart: number;
  opIndex: number;
  /** End of the last FRAME's bytes (-1 before any frame). */
  frameEnd: number;
}

/** A stream starting at `start` that has read nothing yet. */
export function emptyStream(start: number): PickleStream {
  return {
    start,
    end: start,
    protocol: 0,
    opcodes: 0,
    imports: [],
    calls: [],
    builds: [],
    mutations: [],
    dynamicImports: [],
    extensions: [],
    persistentIds: [],
    skippedOperands: [],
  };
}

export function newMachine(reader: ByteReader, options: PickleParseOptions, fetched?: KeySet): Machine {
  // A string of 16 bytes or more made into a value once per operand: every read of it (memo
  // GETs) is the same Python object, and the rules decode long strings to look into them.
  const long = new Map<number, PValue>();
  const text = (packed: number): PValue => {
    if (packed % 1024 < 32) return textValue(reader, packed);
    let value = long.get(packed);
    if (value === undefined) long.set(packed, (value = textValue(reader, packed)));
    return value;
  };
  const budget = options.budget ?? new Budget(options.limits.maxSymbolicBytes);
  return {
    reader,
    options,
    limits: options.limits,
    stream: emptyStream(reader.pos),
    marks: [],
    text,
    stack: new SlotStack(text, budget),
    memo: new SlotMemo(budget, fetched, fetched === undefined ? undefined : new KeySet(), hold),
    opStart: reader.pos,
    opIndex: -1,
    frameEnd: -1,
  };
}

/** A short string back from its packed slot, viewing the reader's window when it still holds it. */
export function textValue(reader: ByteReader, packed: number): PValue {
  const offset = Math.floor(packed / 1024);
  const length = Math.floor((packed % 1024) / 2);
  const encoding = packed % 2 === 1 ? 'utf8' : 'latin1';
  const i = offset - reader.windowStart;
  if (i >= 0 && i + length <= reader.window.length) return new LazyText(reader.window, i, i + length, encoding, offset);
  return new LazyText(reader.source.read(offset, length), 0, length, encoding, offset);
}

export function fail(m: Machine, code: ConstructorParameters<typeof ModelgateError>[0], message: string): never {
  throw new ModelgateError(code, message, { offset: m.opStart });
}

/** Index of the top slot, checked against the innermost MARK. */
export function topIndex(m: Machine): number {
  const floor = m.marks.length > 0 ? m.marks[m.marks.length - 1]! : 0;
  if (m.stack.length <= floor) fail(m, 'STACK_UNDERFLOW', 'unpickling stack underflow');
  return m.stack.length - 1;
}

export function pop(m: Machine): PValue {
  const i = topIndex(m);
  m.stack.length = i;
  return m.stack.valueAt(i);
}

export function top(m: Machine): PValue {
  return m.stack.valueAt(topIndex(m));
}

/** Pops the innermost MARK; its items are the slots from the returned index up. */
export function popMarkIndex(m: Machine): number {
  if (m.marks.length === 0) fail(m, 'STACK_UNDERFLOW', 'could not find MARK');
  return m.marks.pop() as number;
}

export function popMark(m: Machine): PValue[] {
  return m.stack.cut(popMarkIndex(m));
}

/**
 * The items from slot `at` up, with only the first `want` materialised (the rest are counted):
 * a container past its kept-items cap takes millions of items without allocating for them.
 */
export function takeItems(m: Machine, at: number, want: number): { items: PValue[]; total: number } {
  const total = m.stack.length - at;
  const n = Math.max(0, Math.min(want, total));
  const items: PValue[] = new Array(n);
  for (let i = 0; i < n; i++) items[i] = m.stack.valueAt(at + i);
  return { items, total };
}

/** The container a MARK's items go into: the slot just below the MARK. */
export function targetBelow(m: Machine, at: number): PValue {
  const floor = m.marks.length > 0 ? m.marks[m.marks.length - 1]! : 0;
  if (at <= floor) fail(m, 'STACK_UNDERFLOW', 'unpickling stack underflow');
  return m.stack.valueAt(at - 1);
}

/** Bytes a kept item costs in a container: its tag and number (see containers.ts). */
const COST_ITEM = 16;

/** Marks a value as held by the memo, an event or a second stack slot: it is never refunded. */
export function hold(v: PValue | undefined): void {
  if (v instanceof SlotItems) v.shared = true;
}

/**
 * Slots `from` to `to` are dropped (POP, POP_MARK, items past a container's cap): a container
 * among them that nothing else holds is garbage, with every container only it held, and what
 * they cost goes back to the budget. The budget then measures what is alive, not everything
 * ever built: a vocabulary's millions of small lists, dropped once the dict is full, cost
 * nothing, while ten million nested lists still do.
 */
export function discard(m: Machine, from: number, to: number): void {
  const stack = m.stack;
  for (let i = from; i < to; i++) {
    if (stack.tags[i] !== S_OBJ) continue;
    const v = stack.objs[i];
    if (v instanceof SlotItems && !v.shared) release(m, v);
  }
}

function release(m: Machine, first: SlotItems): void {
  const work: SlotItems[] = [first];
  const free = (v: PValue): void => {
    if (v instanceof SlotItems && !v.shared) work.push(v);
  };
  for (let v = work.pop(); v !== undefined; v = work.pop()) {
    m.stack.budget.refund(COST_OBJECT + v.count * COST_ITEM);
    // Freed once: a container reached twice (it cannot be, unless shared) is not refunded again.
    v.shared = true;
    v.forEachObject(free);
  }
}

/** Index of the `n`-th slot from the top, checked against the innermost MARK. */
export function slotsFrom(m: Machine, n: number): number {
  const floor = m.marks.length > 0 ? m.marks[m.marks.length - 1]! : 0;
  const at = m.stack.length - n;
  if (at < floor) fail(m, 'STACK_UNDERFLOW', 'unpickling stack underflow');
  return at;
}

/**
 * Moves the slots from `at` to `to` into a list or set, up to the kept-items cap (the rest are
 * counted as dropped); the stack is cut back to `at`.
 */
export function keepSlots(m: Machine, into: SlotList | SlotSet, at: number, to = m.stack.length): void {
  const stack = m.stack;
  const total = to - at;
  const n = Math.max(0, Math.min(total, KEPT_ITEMS - into.count));
  stack.budget.spend(n * COST_ITEM);
  into.addSlots(stack.tags, stack.nums, stack.objs, at, at + n);
  if (total > n) {
    into.dropped = (into.dropped ?? 0) + total - n;
    discard(m, at + n, to);
  }
  stack.length = at;
}

/** A tuple of every slot from `at` to the top; the stack is cut back to `at`. */
export function tupleOf(m: Machine, at: number): SlotTuple {
  const stack = m.stack;
  const tuple = new SlotTuple(m.text);
  stack.budget.spend((stack.length - at) * COST_ITEM);
  tuple.addSlots(stack.tags, stack.nums, stack.objs, at, stack.length);
  stack.length = at;
  return tuple;
}

/**
 * Puts the key/value slots from `at` to `to` into a dict: every key noted, entries kept up to
 * the cap; the stack is cut back to `at`.
 */
export function intoDict(m: Machine, dict: SlotDict, at: number, to = m.stack.length): void {
  const stack = m.stack;
  const pairs = Math.floor((to - at) / 2);
  const kept = Math.max(0, Math.min(pairs, KEPT_ITEMS - dict.size));
  stack.budget.spend(kept * 2 * COST_ITEM);
  for (let j = 0; j < pairs; j++) noteSlotKey(m, dict, at + 2 * j);
  dict.addSlots(stack.tags, stack.nums, stack.objs, at, at + 2 * kept);
  if (pairs > kept) {
    dict.dropped = (dict.dropped ?? 0) + pairs - kept;
    discard(m, at + 2 * kept, to);
  }
  stack.length = at;
}

/** MARK items into something that is not a plain container: a call of its method. */
export function intoObject(m: Machine, target: PValue, op: 'APPENDS' | 'SETITEMS' | 'ADDITEMS', at: number): void {
  const room = target.k === 'obj' ? Math.max(0, KEPT_ITEMS - target.added.length) : 0;
  const { items, total } = takeItems(m, at, Math.max(16, room));
  if (target.k === 'obj') keep(ownAdded(target), target, items, total, m.stack.budget);
  hold(target);
  for (const item of items) hold(item);
  discard(m, at + items.length, m.stack.length);
  m.stream.mutations.push({ op, target, items: items.slice(0, 16), offset: m.opStart, opIndex: m.opIndex });
  m.stack.length = at;
}

/** The object's own `added` array (see NOTHING). */
function ownAdded(target: PObject): PValue[] {
  if (target.added === NOTHING) target.added = [];
  return target.added;
}

/** APPEND or SETITEM on something that is not a plain container. */
export function addTo(m: Machine, target: PValue, op: 'APPEND' | 'SETITEM', items: PValue[]): void {
  hold(target);
  for (const item of items) hold(item);
  if (target.k === 'obj') keep(ownAdded(target), target, items, items.length, m.stack.budget);
  m.stream.mutations.push({ op, target, items, offset: m.opStart, opIndex: m.opIndex });
}

export function memoPut(m: Machine, index: number): void {
  const i = topIndex(m);
  if (!m.memo.store(index, m.stack, i, m.limits.maxMemoEntries)) fail(m, 'LIMIT_MEMO', `more than ${m.limits.maxMemoEntries} memo entries`);
}

export function memoGet(m: Machine, index: number): void {
  if (!m.memo.pushTo(index, m.stack)) fail(m, 'BAD_MEMO', `memo key ${index} was never stored`);
}

export function importGlobal(m: Machine, module: string, name: string, op: GlobalRef['op']): PValue {
  const [resolvedModule, resolvedName] = mapPython2Name(module, name);
  const ref: GlobalRef = {
    module,
    name,
    resolvedModule,
    resolvedName,
    path: `${resolvedModule}.${resolvedName}`,
    op,
    offset: m.opStart,
    opIndex: m.opIndex,
  };
  m.stream.imports.push(ref);
  return { k: 'global', ref };
}

/**
 * The `states` and `added` of an object before anything is given to it: one shared empty array
 * (frozen, so nothing writes to it), replaced by its own on the first BUILD or item. A pickle
 * of 200,000 numpy scalars makes 200,000 objects that never get either.
 */
export const NOTHING: PValue[] = Object.freeze([]) as unknown as PValue[];

export function call(m: Machine, op: CallOp, callee: PValue, args: PValue[], kwargs?: PValue): PObject {
  hold(callee);
  for (const a of args) hold(a);
  hold(kwargs);
  const object: PObject = { k: 'obj', op, callee, args, states: NOTHING, added: NOTHING };
  if (kwargs !== undefined) object.kwargs = kwargs;
  m.stream.calls.push({ op, object, offset: m.opStart, opIndex: m.opIndex });
  return object;
}

/**
 * A call's arguments as values. Each item made into a value is charged first: a tuple of a
 * million reads of one memoised string costs 16 bytes an item as slots and far more as values.
 */
export function tupleItems(m: Machine, v: PValue): PValue[] {
  if (v instanceof SlotItems) m.stack.budget.spend(v.count * COST_VALUE);
  return v.k === 'tuple' || v.k === 'list' ? v.items : [v];
}

export function pushInt(m: Machine, v: number | bigint): void {
  if (typeof v === 'number') m.stack.push(S_INT, v, undefined);
  else m.stack.pushObj({ k: 'int', v });
}

/** Pushes a string or bytes operand; short text goes on the stack as a packed slot. */
export function pushString(m: Machine, length: number, asText: 'utf8' | 'latin1' | null, bytearray = false): void {
  const reader = m.reader;
  if (length > reader.remaining) fail(m, 'TRUNCATED', `operand of ${length} bytes runs past the end`);
  const at = reader.pos;
  if (length > m.limits.maxStringBytes) {
    m.stream.skippedOperands.push({ offset: m.opStart, opIndex: m.opIndex, length });
    reader.skip(length);
    // Unread text stays unknown: it never counts as a literal name.
    m.stack.pushObj({ k: 'bytes', v: null, len: length, offset: at });
  } else if (asText) {
    if (length > LAZY_TEXT_MAX) m.stack.pushObj({ k: 'str', v: reader.text(length, asText) });
    else {
      reader.skip(length);
      m.stack.push(S_TEXT, at * 1024 + length * 2 + (asText === 'utf8' ? 1 : 0), undefined);
    }
  } else {
    const i = at - reader.windowStart;
    if (i >= 0 && i + length <= reader.window.length) {
      reader.skip(length);
      m.stack.pushObj(new LazyBytes(reader.window, i, length, at, bytearray || undefined));
    } else m.stack.pushObj(new LazyBytes(reader.bytes(length), 0, length, at, bytearray || undefined));
  }
}

export function readLittleLong(m: Machine, n: number): PValue {
  const reader = m.reader;
  if (n > reader.remaining) fail(m, 'TRUNCATED', `LONG of ${n} bytes runs past the end`);
  if (n > m.limits.maxStringBytes) fail(m, 'LIMIT_STRING', `LONG of ${n} bytes`);
  const raw = reader.bytes(n);
  if (n === 0) return { k: 'int', v: 0 };
  let v = 0n;
  for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(raw[i]!);
  if (raw[n - 1]! & 0x80) v -= 1n << BigInt(8 * n);
  const small = v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER);
  return { k: 'int', v: small ? Number(v) : v };
}
