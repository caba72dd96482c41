import type { ByteReader } from '../../core/byte-reader.js';
import { BufferSource } from '../../core/byte-source.js';
import { ModelgateError, isModelgateError } from '../../core/errors.js';
import {
  addTo,
  call,
  discard,
  emptyStream,
  fail,
  hold,
  importGlobal,
  LAZY_TEXT_MAX,
  intoDict,
  intoObject,
  keepSlots,
  NOTHING,
  memoGet,
  memoPut,
  newMachine,
  pop,
  popMark,
  popMarkIndex,
  pushInt,
  pushString,
  readLittleLong,
  slotsFrom,
  targetBelow,
  top,
  topIndex,
  tupleItems,
  tupleOf,
  type Machine,
  type PickleParseOptions,
} from './machine.js';
import { SlotDict, SlotList, SlotSet, SlotTuple } from './containers.js';
import type { GlobalRef, PickleStream, PObject, PValue } from './model.js';
import { fastDataRun } from './fast-path.js';
import { type KeySet, planMemo } from './memo-plan.js';
import { readPureData } from './pure-data.js';
import { HIGHEST_PROTOCOL, OPCODES } from './opcodes.js';
import { Budget, S_FALSE, S_FLOAT, S_INT, S_NONE, S_OBJ, S_TEXT, S_TRUE } from './slots.js';
import { decodeQuotedString, decodeRawUnicodeEscape, hasBackslash, parseFloatText, parseIntText, plainDecimal } from './text-operands.js';

export { KEPT_ITEMS, type PickleParseOptions } from './machine.js';

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

/**
 * `builtins.getattr(<global>, '<name>')` with a literal identifier is the global `<global>.<name>`
 * (a bound classmethod pickles that way: pandas' `zoneinfo.ZoneInfo._unpickle`). Its value is
 * that name, imported like any other, so the allow-list judges what it reaches; the getattr
 * call itself stays recorded.
 */
function staticGetattr(m: Machine, made: PObject): PValue | undefined {
  const [owner, attr] = made.args;
  if (made.callee.k !== 'global' || made.callee.ref.path !== 'builtins.getattr' || made.args.length !== 2) return undefined;
  if (owner?.k !== 'global' || attr?.k !== 'str' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(attr.v)) return undefined;
  const ref: GlobalRef = {
    module: owner.ref.module,
    name: `${owner.ref.name}.${attr.v}`,
    resolvedModule: owner.ref.resolvedModule,
    resolvedName: `${owner.ref.resolvedName}.${attr.v}`,
    path: `${owner.ref.path}.${attr.v}`,
    op: 'GETATTR',
    offset: m.opStart,
    opIndex: m.opIndex,
  };
  m.stream.imports.push(ref);
  return { k: 'global', ref };
}

/**
 * The value a persistent id loads as: what the container's `persistent_load` returns (legacy
 * torch returns a value the pickle made, which may be one still on the stack or in the memo,
 * so it is held: dropping it again gives nothing back), else an opaque `persid`.
 */
function persistent(m: Machine, pid: PValue): PValue {
  const loaded = m.options.persistentLoad?.(pid);
  if (loaded === undefined) return { k: 'persid', pid };
  hold(loaded);
  return loaded;
}

/** Frame-straddling opcodes recorded per stream; one is already conclusive. */
const MAX_STRADDLES = 8;

function noteStraddle(m: Machine): void {
  const list = (m.stream.frameStraddles ??= []);
  if (list.length >= MAX_STRADDLES) return;
  const opcode = m.reader.source.read(m.opStart, 1)[0] ?? 0;
  list.push({ offset: m.opStart, opcode, frameEnd: m.frameEnd });
}

/** Longest text-mode line (GLOBAL module/name, INT, PERSID...) kept; real ones are short. */
const MAX_LINE = 64 * 1024;

/** The integer in `buffer[from, to)`: a plain decimal straight from the bytes, anything else as `int(text, 0)`. */
function decimal(m: Machine, buffer: Buffer, from: number, to: number, allowL: boolean): number | bigint {
  return plainDecimal(buffer, from, to) ?? parseIntText(buffer.subarray(from, to), m.opStart, allowL);
}

/** An integer operand on a line of its own (LONG, GET, PUT), read from the window when it lies there. */
function decimalLine(m: Machine, allowL: boolean): number | bigint {
  const line = m.reader.lineSpan(MAX_LINE);
  return decimal(m, line, m.reader.lineStart, m.reader.lineEnd, allowL);
}

/**
 * Interprets one pickle stream from the reader's position to its STOP, symbolically, the way
 * CPython's `_Unpickler.load` would (Lib/pickle.py, Modules/_pickle.c), recording every import,
 * call, BUILD and mutation. Never throws for bad input: a break ends the stream with `error`
 * set, and everything seen before it is kept.
 */
export function parsePickleStream(reader: ByteReader, options: PickleParseOptions): PickleStream {
  const start = reader.pos;
  if (options.afterBuild === undefined || options.readsAfterBuild !== undefined) {
    // Plain data that reads no memo key back needs no plan: one pass.
    const onePass = pureData(reader, options, undefined);
    if (onePass !== undefined) return onePass;
    const plan = planMemo(reader, options.limits.maxSymbolicBytes);
    const pure = plan === undefined ? undefined : pureData(reader, options, plan);
    if (pure !== undefined) return pure;
    const stream = plan === undefined ? RESTART : interpret(reader, options, plan);
    if (stream !== RESTART) return stream;
    reader.pos = start;
  }
  return interpret(reader, options, undefined) as PickleStream;
}

/**
 * The stream read by the shadow of pure-data.ts, when nothing reads its result and it is plain
 * data; undefined when it must be interpreted. Its `result` is left out.
 */
function pureData(reader: ByteReader, options: PickleParseOptions, plan: KeySet | undefined): PickleStream | undefined {
  const source = reader.source;
  if (!options.resultUnread || !(source instanceof BufferSource)) return undefined;
  const budget = options.budget ?? new Budget(options.limits.maxSymbolicBytes);
  const read = readPureData(source.buffer, reader.pos, reader.end, options.limits, budget, plan);
  if (read === undefined) return undefined;
  const stream = emptyStream(reader.pos);
  stream.end = read.end;
  stream.protocol = read.protocol;
  stream.opcodes = read.opcodes;
  if (read.frameEnd !== undefined) stream.frameEnd = read.frameEnd;
  if (read.error !== undefined) stream.error = read.error;
  reader.pos = read.end;
  return stream;
}

/** A BUILD whose `afterBuild` reads the stream was met under a memo plan: parse again without one. */
const RESTART = Symbol('restart');

function interpret(reader: ByteReader, options: PickleParseOptions, fetched: KeySet | undefined): PickleStream | typeof RESTART {
  const m = newMachine(reader, options, fetched);
  const { stack, memo, marks, limits, stream } = m;
  const maxOpcodes = limits.maxOpcodes;
  try {
    for (;;) {
      // Runs of plain data opcodes go through the fast path; the rest, one by one, below.
      // The opcode just read ran past the end of its frame (no pickler writes that): the C
      // unpickler reading a file drops the rest of the frame and reads the operand after it.
      if (m.opStart < m.frameEnd && reader.pos > m.frameEnd) noteStraddle(m);
      fastDataRun(m, maxOpcodes);
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
          // The C unpickler refuses a frame longer than the data left; the pure-Python one
          // (Lib/pickle.py _Unframer.load_frame, which joblib uses) takes whatever file.read
          // returns as the frame and goes on, so the opcodes after it are read either way.
          // Python refuses only lengths past sys.maxsize (2^63 - 1): read as a signed 64-bit value.
          const length = reader.i64le();
          if (length < 0n) fail(m, 'MALFORMED', 'frame size > sys.maxsize');
          if (length > BigInt(reader.remaining)) {
            stream.frameOverrun ??= { offset: m.opStart, length, left: reader.remaining };
            m.frameEnd = reader.end;
          } else m.frameEnd = reader.pos + Number(length);
          break;
        }
        case 0x2e: // STOP
          stream.result = pop(m);
          stream.end = reader.pos;
          stream.opcodes = m.opIndex + 1;
          if (m.frameEnd > reader.pos) stream.frameEnd = m.frameEnd;
          return stream;
        case 0x28: // MARK
          if (marks.length >= limits.maxMarks) fail(m, 'LIMIT_MARKS', `more than ${limits.maxMarks} open MARKs`);
          marks.push(stack.length);
          break;
        case 0x30: {
          // POP: drops a MARK if one is on top (Modules/_pickle.c load_pop)
          if (marks.length > 0 && marks[marks.length - 1] === stack.length) marks.pop();
          else {
            const i = topIndex(m);
            discard(m, i, i + 1);
            stack.length = i;
          }
          break;
        }
        case 0x31: {
          // POP_MARK
          const at = popMarkIndex(m);
          discard(m, at, stack.length);
          stack.length = at;
          break;
        }
        case 0x32: {
          // DUP
          const i = topIndex(m);
          if (stack.tags[i] === S_OBJ) hold(stack.objs[i]);
          stack.push(stack.tags[i]!, stack.nums[i]!, stack.objs[i]);
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
          const line = reader.lineSpan(MAX_LINE);
          const from = reader.lineStart;
          const to = reader.lineEnd;
          if (to - from === 2 && line[from] === 0x30 && (line[from + 1] === 0x31 || line[from + 1] === 0x30)) {
            stack.push(line[from + 1] === 0x31 ? S_TRUE : S_FALSE, 0, undefined);
          } else pushInt(m, decimal(m, line, from, to, false));
          break;
        }
        case 0x4a: // BININT
          stack.push(S_INT, reader.i32le(), undefined);
          break;
        case 0x4b: // BININT1
          stack.push(S_INT, reader.u8(), undefined);
          break;
        case 0x4d:
          {
            // BININT2
            stack.push(S_INT, reader.u16le(), undefined);
            break;
          }
          break;
        case 0x4c: // LONG
          pushInt(m, decimalLine(m, true));
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
          stack.push(S_FLOAT, parseFloatText(reader.lineSpan(MAX_LINE), m.opStart, reader.lineStart, reader.lineEnd), undefined);
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
        case 0x56: {
          // UNICODE: raw-unicode-escape; a short line without a backslash is its latin-1 bytes,
          // kept as a packed slot like any short string (protocol 0 writes every str so)
          const line = reader.lineSpan(limits.maxStringBytes);
          const length = reader.lineEnd - reader.lineStart;
          if (length <= LAZY_TEXT_MAX && !hasBackslash(line, reader.lineStart, reader.lineEnd)) {
            stack.push(S_TEXT, (reader.pos - 1 - length) * 1024 + length * 2, undefined);
          } else stack.pushObj({ k: 'str', v: decodeRawUnicodeEscape(line, reader.lineStart, reader.lineEnd) });
          break;
        }
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
          stack.pushObj(new SlotList(m.text));
          break;
        case 0x6c: {
          // LIST
          const list = new SlotList(m.text);
          keepSlots(m, list, popMarkIndex(m));
          stack.pushObj(list);
          break;
        }
        case 0x29: // EMPTY_TUPLE
          stack.pushObj(new SlotTuple(m.text));
          break;
        case 0x74: // TUPLE
          stack.pushObj(tupleOf(m, popMarkIndex(m)));
          break;
        case 0x85: // TUPLE1
          stack.pushObj(tupleOf(m, slotsFrom(m, 1)));
          break;
        case 0x86: // TUPLE2
          stack.pushObj(tupleOf(m, slotsFrom(m, 2)));
          break;
        case 0x87: // TUPLE3
          stack.pushObj(tupleOf(m, slotsFrom(m, 3)));
          break;
        case 0x7d: // EMPTY_DICT
          stack.pushObj(new SlotDict(m.text));
          break;
        case 0x64: {
          // DICT
          const dict = new SlotDict(m.text);
          intoDict(m, dict, popMarkIndex(m));
          stack.pushObj(dict);
          break;
        }
        case 0x8f: // EMPTY_SET
          stack.pushObj(new SlotSet(m.text, false));
          break;
        case 0x91: {
          // FROZENSET
          const set = new SlotSet(m.text, true);
          keepSlots(m, set, popMarkIndex(m));
          stack.pushObj(set);
          break;
        }
        case 0x61: {
          // APPEND
          const v = slotsFrom(m, 1);
          stack.length = v;
          const target = top(m);
          if (target instanceof SlotList) keepSlots(m, target, v, v + 1);
          else addTo(m, target, 'APPEND', [stack.valueAt(v)]);
          break;
        }
        case 0x65: {
          // APPENDS
          const at = popMarkIndex(m);
          const target = targetBelow(m, at);
          if (target instanceof SlotList) keepSlots(m, target, at);
          else intoObject(m, target, 'APPENDS', at);
          break;
        }
        case 0x73: {
          // SETITEM
          const k = slotsFrom(m, 2);
          stack.length = k;
          const target = top(m);
          if (target instanceof SlotDict) intoDict(m, target, k, k + 2);
          else addTo(m, target, 'SETITEM', [stack.valueAt(k), stack.valueAt(k + 1)]);
          break;
        }
        case 0x75: {
          // SETITEMS
          const at = popMarkIndex(m);
          const target = targetBelow(m, at);
          if (target instanceof SlotDict) intoDict(m, target, at);
          else intoObject(m, target, 'SETITEMS', at);
          break;
        }
        case 0x90: {
          // ADDITEMS
          const at = popMarkIndex(m);
          const target = targetBelow(m, at);
          if (target instanceof SlotSet && !target.frozen) keepSlots(m, target, at);
          else intoObject(m, target, 'ADDITEMS', at);
          break;
        }
        case 0x67: // GET
          memoGet(m, Number(decimalLine(m, false)));
          break;
        case 0x68: // BINGET
          memoGet(m, reader.u8());
          break;
        case 0x6a: // LONG_BINGET
          memoGet(m, reader.u32le());
          break;
        case 0x70: {
          // PUT
          const index = Number(decimalLine(m, false));
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
            hold(module);
            hold(name);
            stream.dynamicImports.push({ module, name, offset: m.opStart, opIndex: m.opIndex });
            stack.pushObj({ k: 'obj', op: 'REDUCE', callee: { k: 'str', v: '<dynamic import>' }, args: [module, name], states: NOTHING, added: NOTHING });
          }
          break;
        }
        case 0x52: {
          // REDUCE
          const args = pop(m);
          const callee = pop(m);
          const made = call(m, 'REDUCE', callee, tupleItems(m, args));
          stack.pushObj(latin1Bytes(made, m.opStart) ?? staticGetattr(m, made) ?? made);
          break;
        }
        case 0x81: {
          // NEWOBJ: cls.__new__(cls, *args)
          const args = pop(m);
          const cls = pop(m);
          stack.pushObj(call(m, 'NEWOBJ', cls, tupleItems(m, args)));
          break;
        }
        case 0x92: {
          // NEWOBJ_EX: cls.__new__(cls, *args, **kwargs)
          const kwargs = pop(m);
          const args = pop(m);
          const cls = pop(m);
          stack.pushObj(call(m, 'NEWOBJ_EX', cls, tupleItems(m, args), kwargs));
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
          const cls = items[0];
          if (cls === undefined) fail(m, 'STACK_UNDERFLOW', 'OBJ without a class');
          stack.pushObj(call(m, 'OBJ', cls, items.slice(1)));
          break;
        }
        case 0x62: {
          // BUILD: __setstate__(state) if the object has one, else a __dict__ update
          const state = pop(m);
          const target = top(m);
          if (fetched !== undefined && options.readsAfterBuild?.(target)) return RESTART;
          hold(target);
          hold(state);
          stream.builds.push({ target, state, offset: m.opStart, opIndex: m.opIndex });
          if (target.k === 'obj') {
            if (target.states === NOTHING) target.states = [];
            target.states.push(state);
          }
          options.afterBuild?.(target, state, reader, m.frameEnd > reader.pos ? m.frameEnd : undefined);
          // Data a loader reads after a BUILD (joblib's arrays, written once the frame was
          // committed) leaves the frame behind: the BUILD's own byte did not run past it.
          if (reader.pos > m.frameEnd && m.opStart < m.frameEnd) m.frameEnd = -1;
          break;
        }
        case 0x50: {
          // PERSID
          const pid: PValue = { k: 'str', v: reader.line(MAX_LINE).toString('latin1') };
          stream.persistentIds.push({ pid, offset: m.opStart, opIndex: m.opIndex });
          stack.pushObj(persistent(m, pid));
          break;
        }
        case 0x51: {
          // BINPERSID
          const pid = pop(m);
          hold(pid);
          stream.persistentIds.push({ pid, offset: m.opStart, opIndex: m.opIndex });
          stack.pushObj(persistent(m, pid));
          break;
        }
        default:
          fail(m, 'BAD_OPCODE', `invalid opcode 0x${code.toString(16).padStart(2, '0')}`);
      }
    }
  } catch (e) {
    stream.end = reader.pos;
    stream.opcodes = m.opIndex + 1;
    stream.error = isModelgateError(e) ? e : new ModelgateError('MALFORMED', e instanceof Error ? e.message : String(e), { offset: m.opStart, cause: e });
    if (stream.error.offset === undefined) {
      stream.error = new ModelgateError(stream.error.code, stream.error.message, { offset: m.opStart, cause: e });
    }
    return stream;
  } finally {
    // The stack and the memo's pages die with the stream; the values it made may live on.
    stack.budget.refund(stack.charged + memo.structure);
  }
}

/** True when `OPCODES` knows the byte: used to sniff protocol 0/1 pickles. */
export function isOpcode(byte: number): boolean {
  return OPCODES[byte] !== undefined;
}
