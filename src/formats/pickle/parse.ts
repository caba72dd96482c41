import type { ByteReader } from '../../core/byte-reader.js';
import { ModelgateError, isModelgateError } from '../../core/errors.js';
import type { Limits } from '../../core/limits.js';
import { type CallOp, type GlobalRef, LazyText, type PickleStream, type PObject, type PValue } from './model.js';
import { mapPython2Name } from './names.js';
import { HIGHEST_PROTOCOL, OPCODES } from './opcodes.js';
import { decodeQuotedString, decodeRawUnicodeEscape, parseFloatText, parseIntText } from './text-operands.js';

const NONE: PValue = { k: 'none' };
const TRUE: PValue = { k: 'bool', v: true };
const FALSE: PValue = { k: 'bool', v: false };
/**
 * Items kept per list, dict, set or filled object. Beyond it items are counted, not kept:
 * every opcode is still interpreted (imports and calls are events, recorded whatever the
 * size), but a state dict of millions of entries does not hold millions of values.
 */
export const KEPT_ITEMS = 1 << 16;

function keep(into: PValue[], holder: { dropped?: number }, items: PValue[], start = 0): void {
  const room = KEPT_ITEMS - into.length;
  const n = items.length - start;
  if (n <= room) {
    for (let i = start; i < items.length; i++) into.push(items[i]);
    return;
  }
  for (let i = start; i < start + room; i++) into.push(items[i]);
  holder.dropped = (holder.dropped ?? 0) + n - Math.max(0, room);
}

function keepEntries(dict: Extract<PValue, { k: 'dict' }>, items: PValue[]): void {
  for (let i = 0; i + 1 < items.length; i += 2) {
    const key = items[i];
    if (key.k !== 'str') dict.computedKey = true;
    else if (key.v === '__setstate__') dict.setstateKey = true;
    if (dict.entries.length < KEPT_ITEMS) dict.entries.push([key, items[i + 1]]);
    else dict.dropped = (dict.dropped ?? 0) + 1;
  }
}

/** Text operands up to this length are decoded lazily (see LazyText). */
const LAZY_TEXT_MAX = 256;

/** Memo keys below this keep their strings packed in a typed array (see memoPut). */
const MEMO_TEXT_SLOTS = 1 << 24;
/** Marks a memo slot whose string is in the packed table. */
const TEXT_SLOT: PValue = { k: 'none' };

/** Shared values for BININT1's 0..255: the commonest operand costs no allocation. */
const SMALL_INTS: readonly PValue[] = Array.from({ length: 256 }, (_, v) => ({ k: 'int', v }) as PValue);

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
  const stack: PValue[] = [];
  const marks: number[] = [];
  // The memo is an array indexed by key (dense in real pickles); `memoCount` is len(memo).
  // Memoised short strings, the bulk of a large pickle's memo, are kept as numbers in
  // `memoText` (source offset, length, encoding) rather than as objects the GC must trace.
  const memo: PValue[] = [];
  let memoText = new Float64Array(1024);
  let memoCount = 0;
  let opStart = reader.pos;
  let opIndex = -1;
  const maxOpcodes = limits.maxOpcodes;

  const fail = (code: ConstructorParameters<typeof ModelgateError>[0], message: string): never => {
    throw new ModelgateError(code, message, { offset: opStart });
  };
  const pop = (): PValue => {
    const floor = marks.length > 0 ? marks[marks.length - 1] : 0;
    if (stack.length <= floor) fail('STACK_UNDERFLOW', 'unpickling stack underflow');
    return stack.pop() as PValue;
  };
  const top = (): PValue => {
    const floor = marks.length > 0 ? marks[marks.length - 1] : 0;
    if (stack.length <= floor) fail('STACK_UNDERFLOW', 'unpickling stack underflow');
    return stack[stack.length - 1];
  };
  const popMark = (): PValue[] => {
    if (marks.length === 0) fail('STACK_UNDERFLOW', 'could not find MARK');
    const at = marks.pop() as number;
    return stack.splice(at);
  };
  const memoPut = (index: number, value: PValue): void => {
    if (memo[index] === undefined) {
      if (memoCount >= limits.maxMemoEntries) fail('LIMIT_MEMO', `more than ${limits.maxMemoEntries} memo entries`);
      memoCount++;
    }
    if (value instanceof LazyText && index < MEMO_TEXT_SLOTS) {
      if (index >= memoText.length) {
        const grown = new Float64Array(Math.min(MEMO_TEXT_SLOTS, Math.max(index + 1, memoText.length * 2)));
        grown.set(memoText);
        memoText = grown;
      }
      memoText[index] = value.sourceOffset * 1024 + value.length * 2 + (value.encoding === 'utf8' ? 1 : 0);
      memo[index] = TEXT_SLOT;
    } else memo[index] = value;
  };
  const memoGet = (index: number): PValue => {
    const v = memo[index];
    if (v === undefined) fail('BAD_MEMO', `memo key ${index} was never stored`);
    if (v === TEXT_SLOT) {
      const packed = memoText[index];
      const offset = Math.floor(packed / 1024);
      const length = Math.floor((packed % 1024) / 2);
      return new LazyText(reader.source.read(offset, length), 0, length, packed % 2 === 1 ? 'utf8' : 'latin1', offset);
    }
    return v as PValue;
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
  const stringOperand = (length: number, asText: 'utf8' | 'latin1' | null, bytearray = false): PValue => {
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
      const i = reader.claim(length);
      return new LazyText(reader.window, i, i + length, asText, at);
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
          else pop();
          break;
        case 0x31: // POP_MARK
          popMark();
          break;
        case 0x32: // DUP
          stack.push(top());
          break;
        case 0x4e: // NONE
          stack.push(NONE);
          break;
        case 0x88: // NEWTRUE
          stack.push(TRUE);
          break;
        case 0x89: // NEWFALSE
          stack.push(FALSE);
          break;
        case 0x49: {
          // INT: "01"/"00" are the protocol-0 booleans
          const line = reader.line(MAX_LINE);
          const text = line.toString('latin1');
          if (text === '01') stack.push(TRUE);
          else if (text === '00') stack.push(FALSE);
          else stack.push({ k: 'int', v: parseIntText(line, opStart, false) });
          break;
        }
        case 0x4a: // BININT
          stack.push({ k: 'int', v: reader.i32le() });
          break;
        case 0x4b: // BININT1
          stack.push(SMALL_INTS[reader.u8()]);
          break;
        case 0x4d: {
          // BININT2
          const v = reader.u16le();
          stack.push(v < 256 ? SMALL_INTS[v] : { k: 'int', v });
          break;
        }
          break;
        case 0x4c: // LONG
          stack.push({ k: 'int', v: parseIntText(reader.line(MAX_LINE), opStart, true) });
          break;
        case 0x8a: // LONG1
          stack.push(readLittleLong(reader.u8()));
          break;
        case 0x8b: {
          // LONG4
          const n = reader.i32le();
          if (n < 0) fail('MALFORMED', 'LONG pickle has negative byte count');
          stack.push(readLittleLong(n));
          break;
        }
        case 0x46: // FLOAT
          stack.push({ k: 'float', v: parseFloatText(reader.line(MAX_LINE), opStart) });
          break;
        case 0x47: // BINFLOAT
          stack.push({ k: 'float', v: reader.f64be() });
          break;
        case 0x53: // STRING
          stack.push({ k: 'str', v: decodeQuotedString(reader.line(limits.maxStringBytes), opStart).toString('latin1') });
          break;
        case 0x54: {
          // BINSTRING
          const n = reader.i32le();
          if (n < 0) fail('MALFORMED', 'BINSTRING pickle has negative byte count');
          stack.push(stringOperand(n, 'latin1'));
          break;
        }
        case 0x55: // SHORT_BINSTRING
          stack.push(stringOperand(reader.u8(), 'latin1'));
          break;
        case 0x42: // BINBYTES
          stack.push(stringOperand(reader.u32le(), null));
          break;
        case 0x43: // SHORT_BINBYTES
          stack.push(stringOperand(reader.u8(), null));
          break;
        case 0x8e: // BINBYTES8
          stack.push(stringOperand(reader.u64le(), null));
          break;
        case 0x96: // BYTEARRAY8
          stack.push(stringOperand(reader.u64le(), null, true));
          break;
        case 0x56: // UNICODE
          stack.push({ k: 'str', v: decodeRawUnicodeEscape(reader.line(limits.maxStringBytes)) });
          break;
        case 0x58: // BINUNICODE
          stack.push(stringOperand(reader.u32le(), 'utf8'));
          break;
        case 0x8c: // SHORT_BINUNICODE
          stack.push(stringOperand(reader.u8(), 'utf8'));
          break;
        case 0x8d: // BINUNICODE8
          stack.push(stringOperand(reader.u64le(), 'utf8'));
          break;
        case 0x97: // NEXT_BUFFER: out-of-band data the loader would have to supply
          stack.push({ k: 'buffer' });
          break;
        case 0x98: // READONLY_BUFFER
          top();
          break;
        case 0x5d: // EMPTY_LIST
          stack.push({ k: 'list', items: [] });
          break;
        case 0x6c: // LIST
          stack.push({ k: 'list', items: popMark() });
          break;
        case 0x29: // EMPTY_TUPLE
          stack.push({ k: 'tuple', items: [] });
          break;
        case 0x74: // TUPLE
          stack.push({ k: 'tuple', items: popMark() });
          break;
        case 0x85: // TUPLE1
          stack.push({ k: 'tuple', items: [pop()] });
          break;
        case 0x86: {
          // TUPLE2
          const b = pop();
          stack.push({ k: 'tuple', items: [pop(), b] });
          break;
        }
        case 0x87: {
          // TUPLE3
          const c = pop();
          const b = pop();
          stack.push({ k: 'tuple', items: [pop(), b, c] });
          break;
        }
        case 0x7d: // EMPTY_DICT
          stack.push({ k: 'dict', entries: [] });
          break;
        case 0x64: {
          // DICT
          const dict: Extract<PValue, { k: 'dict' }> = { k: 'dict', entries: [] };
          keepEntries(dict, popMark());
          stack.push(dict);
          break;
        }
        case 0x8f: // EMPTY_SET
          stack.push({ k: 'set', items: [], frozen: false });
          break;
        case 0x91: // FROZENSET
          stack.push({ k: 'set', items: popMark(), frozen: true });
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
          const items = popMark();
          const target = top();
          if (target.k === 'list') keep(target.items, target, items);
          else addTo(target, 'APPENDS', items);
          break;
        }
        case 0x73: {
          // SETITEM
          const value = pop();
          const key = pop();
          const target = top();
          if (target.k === 'dict') keepEntries(target, [key, value]);
          else addTo(target, 'SETITEM', [key, value]);
          break;
        }
        case 0x75: {
          // SETITEMS
          const items = popMark();
          const target = top();
          if (target.k === 'dict') keepEntries(target, items);
          else addTo(target, 'SETITEMS', items);
          break;
        }
        case 0x90: {
          // ADDITEMS
          const items = popMark();
          const target = top();
          if (target.k === 'set' && !target.frozen) keep(target.items, target, items);
          else addTo(target, 'ADDITEMS', items);
          break;
        }
        case 0x67: // GET
          stack.push(memoGet(Number(parseIntText(reader.line(MAX_LINE), opStart, false))));
          break;
        case 0x68: // BINGET
          stack.push(memoGet(reader.u8()));
          break;
        case 0x6a: // LONG_BINGET
          stack.push(memoGet(reader.u32le()));
          break;
        case 0x70: {
          // PUT
          const index = Number(parseIntText(reader.line(MAX_LINE), opStart, false));
          if (index < 0) fail('MALFORMED', 'negative PUT argument');
          memoPut(index, top());
          break;
        }
        case 0x71: // BINPUT
          memoPut(reader.u8(), top());
          break;
        case 0x72: // LONG_BINPUT
          memoPut(reader.u32le(), top());
          break;
        case 0x94: // MEMOIZE
          memoPut(memoCount, top());
          break;
        case 0x82: // EXT1
        case 0x83: // EXT2
        case 0x84: {
          // EXT4: a code in copyreg's extension registry, which is empty unless code filled it
          const extCode = code === 0x82 ? reader.u8() : code === 0x83 ? reader.u16le() : reader.i32le();
          stream.extensions.push({ code: extCode, offset: opStart, opIndex });
          stack.push({ k: 'ext', code: extCode });
          break;
        }
        case 0x63: {
          // GLOBAL
          const module = reader.line(MAX_LINE).toString('utf8');
          const name = reader.line(MAX_LINE).toString('utf8');
          stack.push(importGlobal(module, name, 'GLOBAL'));
          break;
        }
        case 0x93: {
          // STACK_GLOBAL: operands must be str; anything else is a name computed at load time
          const name = pop();
          const module = pop();
          if (module.k === 'str' && name.k === 'str') stack.push(importGlobal(module.v, name.v, 'STACK_GLOBAL'));
          else {
            stream.dynamicImports.push({ module, name, offset: opStart, opIndex });
            stack.push({ k: 'obj', op: 'REDUCE', callee: { k: 'str', v: '<dynamic import>' }, args: [module, name], states: [], added: [] });
          }
          break;
        }
        case 0x52: {
          // REDUCE
          const args = pop();
          const callee = pop();
          stack.push(call('REDUCE', callee, tupleItems(args)));
          break;
        }
        case 0x81: {
          // NEWOBJ: cls.__new__(cls, *args)
          const args = pop();
          const cls = pop();
          stack.push(call('NEWOBJ', cls, tupleItems(args)));
          break;
        }
        case 0x92: {
          // NEWOBJ_EX: cls.__new__(cls, *args, **kwargs)
          const kwargs = pop();
          const args = pop();
          const cls = pop();
          stack.push(call('NEWOBJ_EX', cls, tupleItems(args), kwargs));
          break;
        }
        case 0x69: {
          // INST: module and name lines, then class(*items since MARK)
          const module = reader.line(MAX_LINE).toString('utf8');
          const name = reader.line(MAX_LINE).toString('utf8');
          const args = popMark();
          const cls = importGlobal(module, name, 'INST');
          stack.push(call('INST', cls, args));
          break;
        }
        case 0x6f: {
          // OBJ: items since MARK are (class, *args)
          const items = popMark();
          if (items.length === 0) fail('STACK_UNDERFLOW', 'OBJ without a class');
          stack.push(call('OBJ', items[0], items.slice(1)));
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
          stack.push({ k: 'persid', pid });
          break;
        }
        case 0x51: {
          // BINPERSID
          const pid = pop();
          stream.persistentIds.push({ pid, offset: opStart, opIndex });
          stack.push({ k: 'persid', pid });
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

  function addTo(target: PValue, op: 'APPEND' | 'APPENDS' | 'SETITEM' | 'SETITEMS' | 'ADDITEMS', items: PValue[]): void {
    if (target.k === 'obj') keep(target.added, target, items);
    stream.mutations.push({ op, target, items: items.length > 16 ? items.slice(0, 16) : items, offset: opStart, opIndex });
  }
}

/** True when `OPCODES` knows the byte: used to sniff protocol 0/1 pickles. */
export function isOpcode(byte: number): boolean {
  return OPCODES[byte] !== undefined;
}
