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

/**
 * Interprets one pickle stream from the reader's position to its STOP, symbolically, the way
 * CPython's `_Unpickler.load` would (Lib/pickle.py, Modules/_pickle.c), recording every import,
 * call, BUILD and mutation. Never throws for bad input: a break ends the stream with `error`
 * set, and everything seen before it is kept.
 */
export function parsePickleStream(reader: ByteReader, options: PickleParseOptions): PickleStream {
  const { limits } = options;
  const stream: PickleStream = {
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
  };
  const marks: number[] = [];
  let opStart = reader.pos;
  let opIndex = -1;
  const maxOpcodes = limits.maxOpcodes;

  /** A short string back from its packed slot, viewing the reader's window when it still holds it. */
  const textValue = (packed: number): PValue => {
    const offset = Math.floor(packed / 1024);
    const length = Math.floor((packed % 1024) / 2);
    const encoding = packed % 2 === 1 ? 'utf8' : 'latin1';
    const i = offset - reader.windowStart;
    if (i >= 0 && i + length <= reader.window.length) return new LazyText(reader.window, i, i + length, encoding, offset);
    return new LazyText(reader.source.read(offset, length), 0, length, encoding, offset);
  };
  const stack = new SlotStack(textValue);
  const memo = new SlotMemo(textValue);

  const fail = (code: ConstructorParameters<typeof ModelgateError>[0], message: string): never => {
    throw new ModelgateError(code, message, { offset: opStart });
  };
  /** Index of the top slot, checked against the innermost MARK. */
  const topIndex = (): number => {
    const floor = marks.length > 0 ? marks[marks.length - 1] : 0;
    if (stack.length <= floor) fail('STACK_UNDERFLOW', 'unpickling stack underflow');
    return stack.length - 1;
  };
  const pop = (): PValue => {
    const i = topIndex();
    stack.length = i;
    return stack.valueAt(i);
  };
  const top = (): PValue => stack.valueAt(topIndex());
  /** Pops the innermost MARK; its items are the slots from the returned index up. */
  const popMarkIndex = (): number => {
    if (marks.length === 0) fail('STACK_UNDERFLOW', 'could not find MARK');
    return marks.pop() as number;
  };
  const popMark = (): PValue[] => stack.cut(popMarkIndex());
  /**
   * The items from slot `at` up, with only the first `want` materialised (the rest are counted):
   * a container past its kept-items cap takes millions of items without allocating for them.
   */
  const takeItems = (at: number, want: number): { items: PValue[]; total: number } => {
    const total = stack.length - at;
    const n = Math.max(0, Math.min(want, total));
    const items: PValue[] = new Array(n);
    for (let i = 0; i < n; i++) items[i] = stack.valueAt(at + i);
    return { items, total };
  };
  /** Key checks for dict entries that are not kept: only a 12-character string can be `__setstate__`. */
  const noteDroppedKeys = (dict: PDict, from: number): void => {
    for (let i = from; i + 1 < stack.length; i += 2) {
      const tag = stack.tags[i];
      if (tag === S_TEXT && Math.floor((stack.nums[i] % 1024) / 2) !== 12) continue;
      if (tag === S_TEXT || tag === S_OBJ) noteKey(dict, stack.valueAt(i));
      else dict.computedKey = true;
    }
  };
  /** The container a MARK's items go into: the slot just below the MARK. */
  const targetBelow = (at: number): PValue => {
    const floor = marks.length > 0 ? marks[marks.length - 1] : 0;
    if (at <= floor) fail('STACK_UNDERFLOW', 'unpickling stack underflow');
    return stack.valueAt(at - 1);
  };
  /** Puts MARK items into a dict: keys noted, entries kept up to the cap. */
  const intoDict = (dict: PDict, at: number): void => {
    const room = Math.max(0, KEPT_ITEMS - dict.entries.length);
    const { items, total } = takeItems(at, room * 2);
    for (let i = 0; i + 1 < items.length; i += 2) {
      noteKey(dict, items[i]);
      dict.entries.push([items[i], items[i + 1]]);
    }
    noteDroppedKeys(dict, at + items.length);
    const pairs = Math.floor(total / 2);
    if (pairs > items.length / 2) dict.dropped = (dict.dropped ?? 0) + pairs - Math.floor(items.length / 2);
    stack.length = at;
  };
  /** MARK items into something that is not a plain container: a call of its method. */
  const intoObject = (target: PValue, op: 'APPENDS' | 'SETITEMS' | 'ADDITEMS', at: number): void => {
    const room = target.k === 'obj' ? Math.max(0, KEPT_ITEMS - target.added.length) : 0;
    const { items, total } = takeItems(at, Math.max(16, room));
    if (target.k === 'obj') keep(target.added, target, items, total);
    stream.mutations.push({ op, target, items: items.slice(0, 16), offset: opStart, opIndex });
    stack.length = at;
  };
  const memoPut = (index: number): void => {
    const i = topIndex();
    if (!memo.has(index)) {
      if (memo.count >= limits.maxMemoEntries) fail('LIMIT_MEMO', `more than ${limits.maxMemoEntries} memo entries`);
      memo.count++;
    }
    memo.put(index, stack, i);
  };
  const memoGet = (index: number): void => {
    if (!memo.pushTo(index, stack)) fail('BAD_MEMO', `memo key ${index} was never stored`);
  };
  const importGlobal = (module: string, name: string, op: GlobalRef['op']): PValue => {
    const [resolvedModule, resolvedName] = mapPython2Name(module, name);
    const ref: GlobalRef = {
      module,
      name,
      resolvedModule,
      resolvedName,
      path: `${resolvedModule}.${resolvedName}`,
      op,
      offset: opStart,
      opIndex,
    };
    stream.imports.push(ref);
    return { k: 'global', ref };
  };
  const call = (op: CallOp, callee: PValue, args: PValue[], kwargs?: PValue): PObject => {
    const object: PObject = { k: 'obj', op, callee, args, states: [], added: [] };
    if (kwargs !== undefined) object.kwargs = kwargs;
    stream.calls.push({ op, object, offset: opStart, opIndex });
    return object;
  };
  const tupleItems = (v: PValue): PValue[] => (v.k === 'tuple' || v.k === 'list' ? v.items : [v]);
  const pushInt = (v: number | bigint): void => {
    if (typeof v === 'number') stack.push(S_INT, v, undefined);
    else stack.pushObj({ k: 'int', v });
  };
  /** Pushes a string or bytes operand (short text as a packed slot). */
  const pushString = (length: number, asText: 'utf8' | 'latin1' | null, bytearray = false): void => {
    const v = stringOperand(length, asText, bytearray);
    if (v !== undefined) stack.pushObj(v);
  };
  const stringOperand = (length: number, asText: 'utf8' | 'latin1' | null, bytearray = false): PValue | undefined => {
    if (length > reader.remaining) fail('TRUNCATED', `operand of ${length} bytes runs past the end`);
    if (length > limits.maxStringBytes) {
      stream.skippedOperands.push({ offset: opStart, opIndex, length });
      const at = reader.pos;
      reader.skip(length);
      // Unread text stays unknown: it never counts as a literal name.
      return { k: 'bytes', v: null, len: length, offset: at };
    }
    if (asText) {
      if (length > LAZY_TEXT_MAX) return { k: 'str', v: reader.text(length, asText) };
      const at = reader.pos;
      reader.skip(length);
      stack.push(S_TEXT, at * 1024 + length * 2 + (asText === 'utf8' ? 1 : 0), undefined);
      return undefined;
    }
    const at = reader.pos;
    const raw = reader.bytes(length);
    return bytearray ? { k: 'bytes', v: raw, len: length, offset: at, bytearray } : { k: 'bytes', v: raw, len: length, offset: at };
  };
  const readLittleLong = (n: number): PValue => {
    if (n > reader.remaining) fail('TRUNCATED', `LONG of ${n} bytes runs past the end`);
    if (n > limits.maxStringBytes) fail('LIMIT_STRING', `LONG of ${n} bytes`);
    const raw = reader.bytes(n);
    if (n === 0) return { k: 'int', v: 0 };
    let v = 0n;
    for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(raw[i]);
    if (raw[n - 1] & 0x80) v -= 1n << BigInt(8 * n);
    const small = v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER);
    return { k: 'int', v: small ? Number(v) : v };
  };

  try {
    for (;;) {
      opStart = reader.pos;
      if (reader.pos >= reader.end) fail('NO_STOP', 'pickle data ends without STOP');
      const code = reader.u8();
      opIndex++;
      if (opIndex >= maxOpcodes) fail('LIMIT_OPCODES', `more than ${maxOpcodes} opcodes`);
      switch (code) {
        case 0x80: {
          // PROTO
          const proto = reader.u8();
          if (proto > HIGHEST_PROTOCOL) fail('MALFORMED', `unsupported pickle protocol: ${proto}`);
          stream.protocol = proto;
          break;
        }
        case 0x95: {
          // FRAME: an 8-byte length; the frame's opcodes follow as usual.
          const length = reader.u64le();
          if (length > reader.remaining) fail('TRUNCATED', `frame of ${length} bytes runs past the end`);
          break;
        }
        case 0x2e: // STOP
          stream.result = pop();
          stream.end = reader.pos;
          stream.opcodes = opIndex + 1;
          return stream;
        case 0x28: // MARK
          if (marks.length >= limits.maxMarks) fail('LIMIT_MARKS', `more than ${limits.maxMarks} open MARKs`);
          marks.push(stack.length);
          break;
        case 0x30: // POP: drops a MARK if one is on top (Modules/_pickle.c load_pop)
          if (marks.length > 0 && marks[marks.length - 1] === stack.length) marks.pop();
          else stack.length = topIndex();
          break;
        case 0x31: // POP_MARK
          stack.length = popMarkIndex();
          break;
        case 0x32: {
          // DUP
          const i = topIndex();
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
          else pushInt(parseIntText(line, opStart, false));
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
          pushInt(parseIntText(reader.line(MAX_LINE), opStart, true));
          break;
        case 0x8a: // LONG1
          stack.pushObj(readLittleLong(reader.u8()));
          break;
        case 0x8b: {
          // LONG4
          const n = reader.i32le();
          if (n < 0) fail('MALFORMED', 'LONG pickle has negative byte count');
          stack.pushObj(readLittleLong(n));
          break;
        }
        case 0x46: // FLOAT
          stack.push(S_FLOAT, parseFloatText(reader.line(MAX_LINE), opStart), undefined);
          break;
        case 0x47: // BINFLOAT
          stack.push(S_FLOAT, reader.f64be(), undefined);
          break;
        case 0x53: // STRING
          stack.pushObj({ k: 'str', v: decodeQuotedString(reader.line(limits.maxStringBytes), opStart).toString('latin1') });
          break;
        case 0x54: {
          // BINSTRING
          const n = reader.i32le();
          if (n < 0) fail('MALFORMED', 'BINSTRING pickle has negative byte count');
          pushString(n, 'latin1');
          break;
        }
        case 0x55: // SHORT_BINSTRING
          pushString(reader.u8(), 'latin1');
          break;
        case 0x42: // BINBYTES
          pushString(reader.u32le(), null);
          break;
        case 0x43: // SHORT_BINBYTES
          pushString(reader.u8(), null);
          break;
        case 0x8e: // BINBYTES8
          pushString(reader.u64le(), null);
          break;
        case 0x96: // BYTEARRAY8
          pushString(reader.u64le(), null, true);
          break;
        case 0x56: // UNICODE
          stack.pushObj({ k: 'str', v: decodeRawUnicodeEscape(reader.line(limits.maxStringBytes)) });
          break;
        case 0x58: // BINUNICODE
          pushString(reader.u32le(), 'utf8');
          break;
        case 0x8c: // SHORT_BINUNICODE
          pushString(reader.u8(), 'utf8');
          break;
        case 0x8d: // BINUNICODE8
          pushString(reader.u64le(), 'utf8');
          break;
        case 0x97: // NEXT_BUFFER: out-of-band data the loader would have to supply
          stack.pushObj({ k: 'buffer' });
          break;
        case 0x98: // READONLY_BUFFER
          top();
          break;
        case 0x5d: // EMPTY_LIST
          stack.pushObj({ k: 'list', items: [] });
          break;
        case 0x6c: // LIST
          stack.pushObj({ k: 'list', items: popMark() });
          break;
        case 0x29: // EMPTY_TUPLE
          stack.pushObj({ k: 'tuple', items: [] });
          break;
        case 0x74: // TUPLE
          stack.pushObj({ k: 'tuple', items: popMark() });
          break;
        case 0x85: // TUPLE1
          stack.pushObj({ k: 'tuple', items: [pop()] });
          break;
        case 0x86: {
          // TUPLE2
          const b = pop();
          stack.pushObj({ k: 'tuple', items: [pop(), b] });
          break;
        }
        case 0x87: {
          // TUPLE3
          const c = pop();
          const b = pop();
          stack.pushObj({ k: 'tuple', items: [pop(), b, c] });
          break;
        }
        case 0x7d: // EMPTY_DICT
          stack.pushObj({ k: 'dict', entries: [] });
          break;
        case 0x64: {
          // DICT
          const dict: PDict = { k: 'dict', entries: [] };
          intoDict(dict, popMarkIndex());
          stack.pushObj(dict);
          break;
        }
        case 0x8f: // EMPTY_SET
          stack.pushObj({ k: 'set', items: [], frozen: false });
          break;
        case 0x91: // FROZENSET
          stack.pushObj({ k: 'set', items: popMark(), frozen: true });
          break;
        case 0x61: {
          // APPEND
          const value = pop();
          const target = top();
          if (target.k === 'list') keep(target.items, target, [value]);
          else addTo(target, 'APPEND', [value]);
          break;
        }
        case 0x65: {
          // APPENDS
          const at = popMarkIndex();
          const target = targetBelow(at);
          if (target.k === 'list') {
            const { items, total } = takeItems(at, KEPT_ITEMS - target.items.length);
            keep(target.items, target, items, total);
            stack.length = at;
          } else intoObject(target, 'APPENDS', at);
          break;
        }
        case 0x73: {
          // SETITEM
          const value = pop();
          const key = pop();
          const target = top();
          if (target.k === 'dict') {
            noteKey(target, key);
            if (target.entries.length < KEPT_ITEMS) target.entries.push([key, value]);
            else target.dropped = (target.dropped ?? 0) + 1;
          } else addTo(target, 'SETITEM', [key, value]);
          break;
        }
        case 0x75: {
          // SETITEMS
          const at = popMarkIndex();
          const target = targetBelow(at);
          if (target.k === 'dict') intoDict(target, at);
          else intoObject(target, 'SETITEMS', at);
          break;
        }
        case 0x90: {
          // ADDITEMS
          const at = popMarkIndex();
          const target = targetBelow(at);
          if (target.k === 'set' && !target.frozen) {
            const { items, total } = takeItems(at, KEPT_ITEMS - target.items.length);
            keep(target.items, target, items, total);
            stack.length = at;
          } else intoObject(target, 'ADDITEMS', at);
          break;
        }
        case 0x67: // GET
          memoGet(Number(parseIntText(reader.line(MAX_LINE), opStart, false)));
          break;
        case 0x68: // BINGET
          memoGet(reader.u8());
          break;
        case 0x6a: // LONG_BINGET
          memoGet(reader.u32le());
          break;
        case 0x70: {
          // PUT
          const index = Number(parseIntText(reader.line(MAX_LINE), opStart, false));
          if (index < 0) fail('MALFORMED', 'negative PUT argument');
          memoPut(index);
          break;
        }
        case 0x71: // BINPUT
          memoPut(reader.u8());
          break;
        case 0x72: // LONG_BINPUT
          memoPut(reader.u32le());
          break;
        case 0x94: // MEMOIZE
          memoPut(memo.count);
          break;
        case 0x82: // EXT1
        case 0x83: // EXT2
        case 0x84: {
          // EXT4: a code in copyreg's extension registry, which is empty unless code filled it
          const extCode = code === 0x82 ? reader.u8() : code === 0x83 ? reader.u16le() : reader.i32le();
          stream.extensions.push({ code: extCode, offset: opStart, opIndex });
          stack.pushObj({ k: 'ext', code: extCode });
          break;
        }
        case 0x63: {
          // GLOBAL
          const module = reader.line(MAX_LINE).toString('utf8');
          const name = reader.line(MAX_LINE).toString('utf8');
          stack.pushObj(importGlobal(module, name, 'GLOBAL'));
          break;
        }
        case 0x93: {
          // STACK_GLOBAL: operands must be str; anything else is a name computed at load time
          const name = pop();
          const module = pop();
          if (module.k === 'str' && name.k === 'str') stack.pushObj(importGlobal(module.v, name.v, 'STACK_GLOBAL'));
          else {
            stream.dynamicImports.push({ module, name, offset: opStart, opIndex });
            stack.pushObj({ k: 'obj', op: 'REDUCE', callee: { k: 'str', v: '<dynamic import>' }, args: [module, name], states: [], added: [] });
          }
          break;
        }
        case 0x52: {
          // REDUCE
          const args = pop();
          const callee = pop();
          const made = call('REDUCE', callee, tupleItems(args));
          stack.pushObj(latin1Bytes(made, opStart) ?? made);
          break;
        }
        case 0x81: {
          // NEWOBJ: cls.__new__(cls, *args)
          const args = pop();
          const cls = pop();
          stack.pushObj(call('NEWOBJ', cls, tupleItems(args)));
          break;
        }
        case 0x92: {
          // NEWOBJ_EX: cls.__new__(cls, *args, **kwargs)
          const kwargs = pop();
          const args = pop();
          const cls = pop();
          stack.pushObj(call('NEWOBJ_EX', cls, tupleItems(args), kwargs));
          break;
        }
        case 0x69: {
          // INST: module and name lines, then class(*items since MARK)
          const module = reader.line(MAX_LINE).toString('utf8');
          const name = reader.line(MAX_LINE).toString('utf8');
          const args = popMark();
          const cls = importGlobal(module, name, 'INST');
          stack.pushObj(call('INST', cls, args));
          break;
        }
        case 0x6f: {
          // OBJ: items since MARK are (class, *args)
          const items = popMark();
          if (items.length === 0) fail('STACK_UNDERFLOW', 'OBJ without a class');
          stack.pushObj(call('OBJ', items[0], items.slice(1)));
          break;
        }
        case 0x62: {
          // BUILD: __setstate__(state) if the object has one, else a __dict__ update
          const state = pop();
          const target = top();
          stream.builds.push({ target, state, offset: opStart, opIndex });
          if (target.k === 'obj') target.states.push(state);
          options.afterBuild?.(target, state, reader);
          break;
        }
        case 0x50: {
          // PERSID
          const pid: PValue = { k: 'str', v: reader.line(MAX_LINE).toString('latin1') };
          stream.persistentIds.push({ pid, offset: opStart, opIndex });
          stack.pushObj({ k: 'persid', pid });
          break;
        }
        case 0x51: {
          // BINPERSID
          const pid = pop();
          stream.persistentIds.push({ pid, offset: opStart, opIndex });
          stack.pushObj({ k: 'persid', pid });
          break;
        }
        default:
          fail('BAD_OPCODE', `invalid opcode 0x${code.toString(16).padStart(2, '0')}`);
      }
    }
  } catch (e) {
    stream.end = reader.pos;
    stream.opcodes = opIndex + 1;
    stream.error = isModelgateError(e)
      ? e
      : new ModelgateError('MALFORMED', e instanceof Error ? e.message : String(e), { offset: opStart, cause: e });
    if (stream.error.offset === undefined) {
      stream.error = new ModelgateError(stream.error.code, stream.error.message, { offset: opStart, cause: e });
    }
    return stream;
  }

  function addTo(target: PValue, op: 'APPEND' | 'SETITEM', items: PValue[]): void {
    if (target.k === 'obj') keep(target.added, target, items);
    stream.mutations.push({ op, target, items, offset: opStart, opIndex });
  }
}

/** True when `OPCODES` knows the byte: used to sniff protocol 0/1 pickles. */
export function isOpcode(byte: number): boolean {
  return OPCODES[byte] !== undefined;
}
