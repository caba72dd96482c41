import type { ByteReader } from '../../core/byte-reader.js';
import { ModelgateError, isModelgateError } from '../../core/errors.js';
import type { Limits } from '../../core/limits.js';
import { type CallOp, type GlobalRef, LazyText, type PDict, type PickleStream, type PObject, type PValue } from './model.js';
import { mapPython2Name } from './names.js';
import { HIGHEST_PROTOCOL, OPCODES } from './opcodes.js';
import { S_FALSE, S_FLOAT, S_INT, S_NONE, S_OBJ, S_TEXT, S_TRUE, SlotMemo, SlotStack } from './slots.js';
import { decodeQuotedString, decodeRawUnicodeEscape, parseFloatText, parseIntText } from './text-operands.js';

/**
 * Items kept per list, dict, set or filled object. Beyond it items are counted, not kept:
 * every opcode is still interpreted (imports and calls are events, recorded whatever the
 * size), but a state dict of millions of entries does not hold millions of values.
 */
export const KEPT_ITEMS = 1 << 16;

/** Adds `items` (the first of `total`) to a kept-items array, counting what does not fit. */
function keep(into: PValue[], holder: { dropped?: number }, items: PValue[], total = items.length): void {
  const room = Math.max(0, KEPT_ITEMS - into.length);
  const n = Math.min(room, items.length);
  for (let i = 0; i < n; i++) into.push(items[i]);
  if (total > n) holder.dropped = (holder.dropped ?? 0) + total - n;
}

/** Notes on a dict whether a key is `__setstate__` or not a literal string. */
function noteKey(dict: PDict, key: PValue): void {
  if (key.k !== 'str') dict.computedKey = true;
  else if (key.v === '__setstate__') dict.setstateKey = true;
}

/**
 * Python 3 pickles bytes at protocols 0-2 as `_codecs.encode('<latin-1 text>', 'latin1')`
 * (Lib/pickle.py save_bytes). The call is still recorded; its value is the literal bytes, so
 * what is later done with them (a nested loader, an embedded pickle) is judged on the bytes.
 */
function latin1Bytes(made: PObject, offset: number): PValue | undefined {
  const [text, encoding] = made.args;
  if (made.callee.k !== 'global' || made.callee.ref.path !== '_codecs.encode' || made.args.length !== 2) return undefined;
  if (text?.k !== 'str' || encoding?.k !== 'str' || !/^latin[-_]?1$/i.test(encoding.v)) return undefined;
  const v = Buffer.from(text.v, 'latin1');
  return { k: 'bytes', v, len: v.length, offset };
}

/** Text operands up to this length are decoded lazily (see LazyText). */
const LAZY_TEXT_MAX = 256;

/** Longest text-mode line (GLOBAL module/name, INT, PERSID...) kept; real ones are short. */
const MAX_LINE = 64 * 1024;

export interface PickleParseOptions {
  limits: Limits;
  /**
   * Called after each BUILD with the reader positioned just after it. A container whose loader
   * reads raw bytes from the stream at that point (joblib's NumpyArrayWrapper) skips them here.
   */
  afterBuild?: (target: PValue, state: PValue, reader: ByteReader) => void;
}

/** The state of the pickle machine for one stream. Helpers are module functions over it, not
 * closures, so the JIT can inline them into the opcode loop. */
interface Machine {
  readonly reader: ByteReader;
  readonly options: PickleParseOptions;
  readonly limits: Limits;
  readonly stream: PickleStream;
  readonly marks: number[];
  readonly stack: SlotStack;
  readonly memo: SlotMemo;
  /** Offset and index of the opcode being interpreted. */
  opStart: number;
  opIndex: number;
}

function newMachine(reader: ByteReader, options: PickleParseOptions): Machine {
  const text = (packed: number): PValue => textValue(reader, packed);
  return {
    reader,
    options,
    limits: options.limits,
    stream: {
      start: reader.pos,
      end: reader.pos,
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
    },
    marks: [],
    stack: new SlotStack(text),
    memo: new SlotMemo(text),
    opStart: reader.pos,
    opIndex: -1,
  };
}

/** A short string back from its packed slot, viewing the reader's window when it still holds it. */
function textValue(reader: ByteReader, packed: number): PValue {
  const offset = Math.floor(packed / 1024);
  const length = Math.floor((packed % 1024) / 2);
  const encoding = packed % 2 === 1 ? 'utf8' : 'latin1';
  const i = offset - reader.windowStart;
  if (i >= 0 && i + length <= reader.window.length) return new LazyText(reader.window, i, i + length, encoding, offset);
  return new LazyText(reader.source.read(offset, length), 0, length, encoding, offset);
}

function fail(m: Machine, code: ConstructorParameters<typeof ModelgateError>[0], message: string): never {
  throw new ModelgateError(code, message, { offset: m.opStart });
}

/** Index of the top slot, checked against the innermost MARK. */
function topIndex(m: Machine): number {
  const floor = m.marks.length > 0 ? m.marks[m.marks.length - 1] : 0;
  if (m.stack.length <= floor) fail(m, 'STACK_UNDERFLOW', 'unpickling stack underflow');
  return m.stack.length - 1;
}

function pop(m: Machine): PValue {
  const i = topIndex(m);
  m.stack.length = i;
  return m.stack.valueAt(i);
}

function top(m: Machine): PValue {
  return m.stack.valueAt(topIndex(m));
}

/** Pops the innermost MARK; its items are the slots from the returned index up. */
function popMarkIndex(m: Machine): number {
  if (m.marks.length === 0) fail(m, 'STACK_UNDERFLOW', 'could not find MARK');
  return m.marks.pop() as number;
}

function popMark(m: Machine): PValue[] {
  return m.stack.cut(popMarkIndex(m));
}

/**
 * The items from slot `at` up, with only the first `want` materialised (the rest are counted):
 * a container past its kept-items cap takes millions of items without allocating for them.
 */
function takeItems(m: Machine, at: number, want: number): { items: PValue[]; total: number } {
  const total = m.stack.length - at;
  const n = Math.max(0, Math.min(want, total));
  const items: PValue[] = new Array(n);
  for (let i = 0; i < n; i++) items[i] = m.stack.valueAt(at + i);
  return { items, total };
}

/** Key checks for dict entries that are not kept: only a 12-character string can be `__setstate__`. */
function noteDroppedKeys(m: Machine, dict: PDict, from: number): void {
  const stack = m.stack;
  for (let i = from; i + 1 < stack.length; i += 2) {
    const tag = stack.tags[i];
    if (tag === S_TEXT && Math.floor((stack.nums[i] % 1024) / 2) !== 12) continue;
    if (tag === S_TEXT || tag === S_OBJ) noteKey(dict, stack.valueAt(i));
    else dict.computedKey = true;
  }
}

/** The container a MARK's items go into: the slot just below the MARK. */
function targetBelow(m: Machine, at: number): PValue {
  const floor = m.marks.length > 0 ? m.marks[m.marks.length - 1] : 0;
  if (at <= floor) fail(m, 'STACK_UNDERFLOW', 'unpickling stack underflow');
  return m.stack.valueAt(at - 1);
}

/** Puts MARK items into a dict: keys noted, entries kept up to the cap. */
function intoDict(m: Machine, dict: PDict, at: number): void {
  const room = Math.max(0, KEPT_ITEMS - dict.entries.length);
  const { items, total } = takeItems(m, at, room * 2);
  for (let i = 0; i + 1 < items.length; i += 2) {
    noteKey(dict, items[i]);
    dict.entries.push([items[i], items[i + 1]]);
  }
  noteDroppedKeys(m, dict, at + items.length);
  const pairs = Math.floor(total / 2);
  if (pairs > items.length / 2) dict.dropped = (dict.dropped ?? 0) + pairs - Math.floor(items.length / 2);
  m.stack.length = at;
}

/** MARK items into something that is not a plain container: a call of its method. */
function intoObject(m: Machine, target: PValue, op: 'APPENDS' | 'SETITEMS' | 'ADDITEMS', at: number): void {
  const room = target.k === 'obj' ? Math.max(0, KEPT_ITEMS - target.added.length) : 0;
  const { items, total } = takeItems(m, at, Math.max(16, room));
  if (target.k === 'obj') keep(target.added, target, items, total);
  m.stream.mutations.push({ op, target, items: items.slice(0, 16), offset: m.opStart, opIndex: m.opIndex });
  m.stack.length = at;
}

/** APPEND or SETITEM on something that is not a plain container. */
function addTo(m: Machine, target: PValue, op: 'APPEND' | 'SETITEM', items: PValue[]): void {
  if (target.k === 'obj') keep(target.added, target, items);
  m.stream.mutations.push({ op, target, items, offset: m.opStart, opIndex: m.opIndex });
}

function memoPut(m: Machine, index: number): void {
  const i = topIndex(m);
  if (!m.memo.has(index)) {
    if (m.memo.count >= m.limits.maxMemoEntries) fail(m, 'LIMIT_MEMO', `more than ${m.limits.maxMemoEntries} memo entries`);
    m.memo.count++;
  }
  m.memo.put(index, m.stack, i);
}

function memoGet(m: Machine, index: number): void {
  if (!m.memo.pushTo(index, m.stack)) fail(m, 'BAD_MEMO', `memo key ${index} was never stored`);
}

function importGlobal(m: Machine, module: string, name: string, op: GlobalRef['op']): PValue {
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

function call(m: Machine, op: CallOp, callee: PValue, args: PValue[], kwargs?: PValue): PObject {
  const object: PObject = { k: 'obj', op, callee, args, states: [], added: [] };
  if (kwargs !== undefined) object.kwargs = kwargs;
  m.stream.calls.push({ op, object, offset: m.opStart, opIndex: m.opIndex });
  return object;
}

function tupleItems(v: PValue): PValue[] {
  return v.k === 'tuple' || v.k === 'list' ? v.items : [v];
}

function pushInt(m: Machine, v: number | bigint): void {
  if (typeof v === 'number') m.stack.push(S_INT, v, undefined);
  else m.stack.pushObj({ k: 'int', v });
}

/** Pushes a string or bytes operand; short text goes on the stack as a packed slot. */
function pushString(m: Machine, length: number, asText: 'utf8' | 'latin1' | null, bytearray = false): void {
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
    const raw = reader.bytes(length);
    m.stack.pushObj(bytearray ? { k: 'bytes', v: raw, len: length, offset: at, bytearray } : { k: 'bytes', v: raw, len: length, offset: at });
  }
}

function readLittleLong(m: Machine, n: number): PValue {
  const reader = m.reader;
  if (n > reader.remaining) fail(m, 'TRUNCATED', `LONG of ${n} bytes runs past the end`);
  if (n > m.limits.maxStringBytes) fail(m, 'LIMIT_STRING', `LONG of ${n} bytes`);
  const raw = reader.bytes(n);
  if (n === 0) return { k: 'int', v: 0 };
  let v = 0n;
  for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(raw[i]);
  if (raw[n - 1] & 0x80) v -= 1n << BigInt(8 * n);
  const small = v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER);
  return { k: 'int', v: small ? Number(v) : v };
}

/**
 * Interprets one pickle stream from the reader's position to its STOP, symbolically, the way
 * CPython's `_Unpickler.load` would (Lib/pickle.py, Modules/_pickle.c), recording every import,
 * call, BUILD and mutation. Never throws for bad input: a break ends the stream with `error`
 * set, and everything seen before it is kept.
 */
export function parsePickleStream(reader: ByteReader, options: PickleParseOptions): PickleStream {
  const m = newMachine(reader, options);
  const { stack, memo, marks, limits, stream } = m;
  const maxOpcodes = limits.maxOpcodes;
  try {
    for (;;) {
      m.opStart = reader.pos;
      if (reader.pos >= reader.end) fail(m, 'NO_STOP', 'pickle data ends without STOP');
      const code = reader.u8();
      m.opIndex++;
      if (m.opIndex >= maxOpcodes) fail(m, 'LIMIT_OPCODES', `more than ${maxOpcodes} opcodes`);
      switch (code) {
        case 0x80: {
          // PROTO
          const proto = reader.u8();
          if (proto > HIGHEST_PROTOCOL) fail(m, 'MALFORMED', `unsupported pickle protocol: ${proto}`);
          stream.protocol = proto;
          break;
        }
        case 0x95: {
          // FRAME: an 8-byte length; the frame's opcodes follow as usual.
          const length = reader.u64le();
          if (length > reader.remaining) fail(m, 'TRUNCATED', `frame of ${length} bytes runs past the end`);
          break;
        }
        case 0x2e: // STOP
          stream.result = pop(m);
          stream.end = reader.pos;
          stream.opcodes = m.opIndex + 1;
          return stream;
        case 0x28: // MARK
          if (marks.length >= limits.maxMarks) fail(m, 'LIMIT_MARKS', `more than ${limits.maxMarks} open MARKs`);
          marks.push(stack.length);
          break;
        case 0x30: // POP: drops a MARK if one is on top (Modules/_pickle.c load_pop)
          if (marks.length > 0 && marks[marks.length - 1] === stack.length) marks.pop();
          else stack.length = topIndex(m);
          break;
        case 0x31: // POP_MARK
          stack.length = popMarkIndex(m);
          break;
        case 0x32: {
          // DUP
          const i = topIndex(m);
          stack.push(stack.tags[i], stack.nums[i], stack.objs[i]);
          break;
        }
        case 0x4e: // NONE
          stack.push(S_NONE, 0, undefined);
          break;
        case 0x88: // NEWTRUE
          stack.push(S_TRUE, 0, undefined);
          break;
        case 0x89: // NEWFALSE
          stack.push(S_FALSE, 0, undefined);
          break;
        case 0x49: {
          // INT: "01"/"00" are the protocol-0 booleans
          const line = reader.line(MAX_LINE);
          const text = line.toString('latin1');
          if (text === '01') stack.push(S_TRUE, 0, undefined);
          else if (text === '00') stack.push(S_FALSE, 0, undefined);
          else pushInt(m, parseIntText(line, m.opStart, false));
          break;
        }
        case 0x4a: // BININT
          stack.push(S_INT, reader.i32le(), undefined);
          break;
        case 0x4b: // BININT1
          stack.push(S_INT, reader.u8(), undefined);
          break;
        case 0x4d: {
          // BININT2
          stack.push(S_INT, reader.u16le(), undefined);
          break;
        }
          break;
        case 0x4c: // LONG
          pushInt(m, parseIntText(reader.line(MAX_LINE), m.opStart, true));
          break;
        case 0x8a: // LONG1
          stack.pushObj(readLittleLong(m, reader.u8()));
          break;
        case 0x8b: {
          // LONG4
          const n = reader.i32le();
          if (n < 0) fail(m, 'MALFORMED', 'LONG pickle has negative byte count');
          stack.pushObj(readLittleLong(m, n));
          break;
        }
        case 0x46: // FLOAT
          stack.push(S_FLOAT, parseFloatText(reader.line(MAX_LINE), m.opStart), undefined);
          break;
        case 0x47: // BINFLOAT
          stack.push(S_FLOAT, reader.f64be(), undefined);
          break;
        case 0x53: // STRING
          stack.pushObj({ k: 'str', v: decodeQuotedString(reader.line(limits.maxStringBytes), m.opStart).toString('latin1') });
          break;
        case 0x54: {
          // BINSTRING
          const n = reader.i32le();
          if (n < 0) fail(m, 'MALFORMED', 'BINSTRING pickle has negative byte count');
          pushString(m, n, 'latin1');
          break;
        }
        case 0x55: // SHORT_BINSTRING
          pushString(m, reader.u8(), 'latin1');
          break;
        case 0x42: // BINBYTES
          pushString(m, reader.u32le(), null);
          break;
        case 0x43: // SHORT_BINBYTES
          pushString(m, reader.u8(), null);
          break;
        case 0x8e: // BINBYTES8
          pushString(m, reader.u64le(), null);
          break;
        case 0x96: // BYTEARRAY8
          pushString(m, reader.u64le(), null, true);
          break;
        case 0x56: // UNICODE
          stack.pushObj({ k: 'str', v: decodeRawUnicodeEscape(reader.line(limits.maxStringBytes)) });
          break;
        case 0x58: // BINUNICODE
          pushString(m, reader.u32le(), 'utf8');
          break;
        case 0x8c: // SHORT_BINUNICODE
          pushString(m, reader.u8(), 'utf8');
          break;
        case 0x8d: // BINUNICODE8
          pushString(m, reader.u64le(), 'utf8');
          break;
        case 0x97: // NEXT_BUFFER: out-of-band data the loader would have to supply
          stack.pushObj({ k: 'buffer' });
          break;
        case 0x98: // READONLY_BUFFER
          top(m);
          break;
        case 0x5d: // EMPTY_LIST
          stack.pushObj({ k: 'list', items: [] });
          break;
        case 0x6c: // LIST
          stack.pushObj({ k: 'list', items: popMark(m) });
          break;
        case 0x29: // EMPTY_TUPLE
          stack.pushObj({ k: 'tuple', items: [] });
          break;
        case 0x74: // TUPLE
          stack.pushObj({ k: 'tuple', items: popMark(m) });
          break;
        case 0x85: // TUPLE1
          stack.pushObj({ k: 'tuple', items: [pop(m)] });
          break;
        case 0x86: {
          // TUPLE2
          const b = pop(m);
          stack.pushObj({ k: 'tuple', items: [pop(m), b] });
          break;
        }
        case 0x87: {
          // TUPLE3
          const c = pop(m);
          const b = pop(m);
          stack.pushObj({ k: 'tuple', items: [pop(m), b, c] });
          break;
        }
        case 0x7d: // EMPTY_DICT
          stack.pushObj({ k: 'dict', entries: [] });
          break;
        case 0x64: {
          // DICT
          const dict: PDict = { k: 'dict', entries: [] };
          intoDict(m, dict, popMarkIndex(m));
          stack.pushObj(dict);
          break;
        }
        case 0x8f: // EMPTY_SET
          stack.pushObj({ k: 'set', items: [], frozen: false });
          break;
        case 0x91: // FROZENSET
          stack.pushObj({ k: 'set', items: popMark(m), frozen: true });
          break;
        case 0x61: {
          // APPEND
          const value = pop(m);
          const target = top(m);
          if (target.k === 'list') keep(target.items, target, [value]);
          else addTo(m, target, 'APPEND', [value]);
          break;
        }
        case 0x65: {
          // APPENDS
          const at = popMarkIndex(m);
          const target = targetBelow(m, at);
          if (target.k === 'list') {
            const { items, total } = takeItems(m, at, KEPT_ITEMS - target.items.length);
            keep(target.items, target, items, total);
            stack.length = at;
          } else intoObject(m, target, 'APPENDS', at);
          break;
        }
        case 0x73: {
          // SETITEM
          const value = pop(m);
          const key = pop(m);
          const target = top(m);
          if (target.k === 'dict') {
            noteKey(target, key);
            if (target.entries.length < KEPT_ITEMS) target.entries.push([key, value]);
            else target.dropped = (target.dropped ?? 0) + 1;
          } else addTo(m, target, 'SETITEM', [key, value]);
          break;
        }
        case 0x75: {
          // SETITEMS
          const at = popMarkIndex(m);
          const target = targetBelow(m, at);
          if (target.k === 'dict') intoDict(m, target, at);
          else intoObject(m, target, 'SETITEMS', at);
          break;
        }
        case 0x90: {
          // ADDITEMS
          const at = popMarkIndex(m);
          const target = targetBelow(m, at);
          if (target.k === 'set' && !target.frozen) {
            const { items, total } = takeItems(m, at, KEPT_ITEMS - target.items.length);
            keep(target.items, target, items, total);
            stack.length = at;
          } else intoObject(m, target, 'ADDITEMS', at);
          break;
        }
        case 0x67: // GET
          memoGet(m, Number(parseIntText(reader.line(MAX_LINE), m.opStart, false)));
          break;
        case 0x68: // BINGET
          memoGet(m, reader.u8());
          break;
        case 0x6a: // LONG_BINGET
          memoGet(m, reader.u32le());
          break;
        case 0x70: {
          // PUT
          const index = Number(parseIntText(reader.line(MAX_LINE), m.opStart, false));
          if (index < 0) fail(m, 'MALFORMED', 'negative PUT argument');
          memoPut(m, index);
          break;
        }
        case 0x71: // BINPUT
          memoPut(m, reader.u8());
          break;
        case 0x72: // LONG_BINPUT
          memoPut(m, reader.u32le());
          break;
        case 0x94: // MEMOIZE
          memoPut(m, memo.count);
          break;
        case 0x82: // EXT1
        case 0x83: // EXT2
        case 0x84: {
          // EXT4: a code in copyreg's extension registry, which is empty unless code filled it
          const extCode = code === 0x82 ? reader.u8() : code === 0x83 ? reader.u16le() : reader.i32le();
          stream.extensions.push({ code: extCode, offset: m.opStart, opIndex: m.opIndex });
          stack.pushObj({ k: 'ext', code: extCode });
          break;
        }
        case 0x63: {
          // GLOBAL
          const module = reader.line(MAX_LINE).toString('utf8');
          const name = reader.line(MAX_LINE).toString('utf8');
          stack.pushObj(importGlobal(m, module, name, 'GLOBAL'));
          break;
        }
        case 0x93: {
          // STACK_GLOBAL: operands must be str; anything else is a name computed at load time
          const name = pop(m);
          const module = pop(m);
          if (module.k === 'str' && name.k === 'str') stack.pushObj(importGlobal(m, module.v, name.v, 'STACK_GLOBAL'));
          else {
            stream.dynamicImports.push({ module, name, offset: m.opStart, opIndex: m.opIndex });
            stack.pushObj({ k: 'obj', op: 'REDUCE', callee: { k: 'str', v: '<dynamic import>' }, args: [module, name], states: [], added: [] });
          }
          break;
        }
        case 0x52: {
          // REDUCE
          const args = pop(m);
          const callee = pop(m);
          const made = call(m, 'REDUCE', callee, tupleItems(args));
          stack.pushObj(latin1Bytes(made, m.opStart) ?? made);
          break;
        }
        case 0x81: {
          // NEWOBJ: cls.__new__(cls, *args)
          const args = pop(m);
          const cls = pop(m);
          stack.pushObj(call(m, 'NEWOBJ', cls, tupleItems(args)));
          break;
        }
        case 0x92: {
          // NEWOBJ_EX: cls.__new__(cls, *args, **kwargs)
          const kwargs = pop(m);
          const args = pop(m);
          const cls = pop(m);
          stack.pushObj(call(m, 'NEWOBJ_EX', cls, tupleItems(args), kwargs));
          break;
        }
        case 0x69: {
          // INST: module and name lines, then class(*items since MARK)
          const module = reader.line(MAX_LINE).toString('utf8');
          const name = reader.line(MAX_LINE).toString('utf8');
          const args = popMark(m);
          const cls = importGlobal(m, module, name, 'INST');
          stack.pushObj(call(m, 'INST', cls, args));
          break;
        }
        case 0x6f: {
          // OBJ: items since MARK are (class, *args)
          const items = popMark(m);
          if (items.length === 0) fail(m, 'STACK_UNDERFLOW', 'OBJ without a class');
          stack.pushObj(call(m, 'OBJ', items[0], items.slice(1)));
          break;
        }
        case 0x62: {
          // BUILD: __setstate__(state) if the object has one, else a __dict__ update
          const state = pop(m);
          const target = top(m);
          stream.builds.push({ target, state, offset: m.opStart, opIndex: m.opIndex });
          if (target.k === 'obj') target.states.push(state);
          options.afterBuild?.(target, state, reader);
          break;
        }
        case 0x50: {
          // PERSID
          const pid: PValue = { k: 'str', v: reader.line(MAX_LINE).toString('latin1') };
          stream.persistentIds.push({ pid, offset: m.opStart, opIndex: m.opIndex });
          stack.pushObj({ k: 'persid', pid });
          break;
        }
        case 0x51: {
          // BINPERSID
          const pid = pop(m);
          stream.persistentIds.push({ pid, offset: m.opStart, opIndex: m.opIndex });
          stack.pushObj({ k: 'persid', pid });
          break;
        }
        default:
          fail(m, 'BAD_OPCODE', `invalid opcode 0x${code.toString(16).padStart(2, '0')}`);
      }
    }
  } catch (e) {
    stream.end = reader.pos;
    stream.opcodes = m.opIndex + 1;
    stream.error = isModelgateError(e)
      ? e
      : new ModelgateError('MALFORMED', e instanceof Error ? e.message : String(e), { offset: m.opStart, cause: e });
    if (stream.error.offset === undefined) {
      stream.error = new ModelgateError(stream.error.code, stream.error.message, { offset: m.opStart, cause: e });
    }
    return stream;
  }

}

/** True when `OPCODES` knows the byte: used to sniff protocol 0/1 pickles. */
export function isOpcode(byte: number): boolean {
  return OPCODES[byte] !== undefined;
}
