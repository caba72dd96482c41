import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../../src/core/errors.js';
import { DEFAULT_LIMITS, withLimits, type Limits } from '../../../src/core/limits.js';
import { pickle, type PickleBuilder } from '../../../src/formats/pickle/builder.js';
import { renderValue } from '../../../src/formats/pickle/render.js';
import { as, parse, VirtualSource } from './helpers.js';

/**
 * Payload first, then the break (nullifAI): the import and call before it must survive.
 * The payload is 5 opcodes: PROTO, GLOBAL, BINUNICODE, TUPLE1, REDUCE.
 */
const payload = (): PickleBuilder => pickle().proto(2).global('os', 'system').binunicode('echo x').tuple1().reduce();
const PAYLOAD_LENGTH = payload().length;

interface BreakCase {
  name: string;
  tail: (b: PickleBuilder) => PickleBuilder;
  code: ErrorCode;
  limits?: Partial<Limits>;
}

const BREAKS: BreakCase[] = [
  { name: 'a byte that is no opcode', tail: (b) => b.raw([0xff]).stop(), code: 'BAD_OPCODE' },
  { name: 'BINGET of a key never stored', tail: (b) => b.binget(9).stop(), code: 'BAD_MEMO' },
  { name: 'text GET of a key never stored', tail: (b) => b.get(3).stop(), code: 'BAD_MEMO' },
  { name: 'LONG_BINGET of a key never stored', tail: (b) => b.longBinget(70000).stop(), code: 'BAD_MEMO' },
  { name: 'no STOP at the end', tail: (b) => b, code: 'NO_STOP' },
  { name: 'no STOP after more opcodes', tail: (b) => b.pop().none(), code: 'NO_STOP' },
  { name: 'a BINUNICODE length past the end', tail: (b) => b.binunicode('abc', { length: 100 }), code: 'TRUNCATED' },
  { name: 'a BININT cut short', tail: (b) => b.raw('J\x01'), code: 'TRUNCATED' },
  { name: 'a GLOBAL line without its newline', tail: (b) => b.raw('cos\nsys'), code: 'TRUNCATED' },
  {
    name: 'a FRAME longer than sys.maxsize',
    tail: (b) =>
      b
        .frame(2n ** 63n)
        .none()
        .stop(),
    code: 'MALFORMED',
  },
  { name: 'BINBYTES8 of 2^50 bytes', tail: (b) => b.binbytes8('', { length: 2n ** 50n }).stop(), code: 'TRUNCATED' },
  { name: 'BINBYTES8 of 2^62 bytes', tail: (b) => b.binbytes8('', { length: 2n ** 62n }).stop(), code: 'MALFORMED' },
  { name: 'BINUNICODE8 of 2^63 bytes', tail: (b) => b.binunicode8('', { length: 2n ** 63n }).stop(), code: 'MALFORMED' },
  { name: 'BYTEARRAY8 of 2^64-1 bytes', tail: (b) => b.bytearray8('', { length: 2n ** 64n - 1n }).stop(), code: 'MALFORMED' },
  { name: 'POP past the bottom', tail: (b) => b.pop().pop().stop(), code: 'STACK_UNDERFLOW' },
  { name: 'REDUCE right after MARK', tail: (b) => b.mark().reduce().stop(), code: 'STACK_UNDERFLOW' },
  { name: 'TUPLE without MARK', tail: (b) => b.tuple().stop(), code: 'STACK_UNDERFLOW' },
  { name: 'OBJ without a class', tail: (b) => b.mark().obj().stop(), code: 'STACK_UNDERFLOW' },
  { name: 'STOP on an empty stack', tail: (b) => b.pop().stop(), code: 'STACK_UNDERFLOW' },
  { name: 'PROTO above HIGHEST_PROTOCOL', tail: (b) => b.proto(6).stop(), code: 'MALFORMED' },
  { name: 'LONG4 with a negative length', tail: (b) => b.long4(1, { length: -1 }).stop(), code: 'MALFORMED' },
  { name: 'BINSTRING with a negative length', tail: (b) => b.binstring('a', { length: -5 }).stop(), code: 'MALFORMED' },
  { name: 'INT that is no integer', tail: (b) => b.int('12abc').stop(), code: 'MALFORMED' },
  { name: 'FLOAT that is no float', tail: (b) => b.float('1.2.3').stop(), code: 'MALFORMED' },
  { name: 'STRING without quotes', tail: (b) => b.raw('Sabc\n').stop(), code: 'MALFORMED' },
  { name: 'PUT of a negative key', tail: (b) => b.put(-1).stop(), code: 'MALFORMED' },
  { name: 'a GLOBAL line over 64 KiB', tail: (b) => b.global('a'.repeat(70_000), 'b').stop(), code: 'LIMIT_STRING' },
  { name: 'LONG1 over the string limit', tail: (b) => b.long1(2n ** 100n).stop(), code: 'LIMIT_STRING', limits: { maxStringBytes: 8 } },
  { name: 'more opcodes than maxOpcodes', tail: (b) => b.pop().none().stop(), code: 'LIMIT_OPCODES', limits: { maxOpcodes: 6 } },
  { name: 'more memo entries than maxMemoEntries', tail: (b) => b.binput(0).binput(1).binput(2).stop(), code: 'LIMIT_MEMO', limits: { maxMemoEntries: 2 } },
  { name: 'more open MARKs than maxMarks', tail: (b) => b.mark().mark().mark().mark().stop(), code: 'LIMIT_MARKS', limits: { maxMarks: 3 } },
];

describe('parsePickleStream: a break ends the stream with a typed error', () => {
  it.each(BREAKS)('$name: $code', ({ tail, code, limits }) => {
    const stream = parse(tail(payload()), withLimits(limits));
    expect(stream.error?.code).toBe(code);
    expect(stream.result).toBeUndefined();
    // What was seen before the break is still there.
    expect(stream.imports.map((r) => r.path)).toEqual(['os.system']);
    expect(stream.calls.map((c) => renderValue(c.object))).toEqual(["os.system('echo x')"]);
    expect(stream.error?.offset).toBeGreaterThanOrEqual(PAYLOAD_LENGTH);
  });

  it('reads on through a FRAME longer than the rest, as the pure-Python unpickler does', () => {
    const stream = parse(pickle().proto(4).frame(1000).global('os', 'system').binunicode('echo x').tuple1().reduce().stop());
    expect(stream.error).toBeUndefined();
    expect(stream.frameOverrun).toMatchObject({ offset: 2, length: 1000n });
    expect(stream.calls.map((c) => renderValue(c.object))).toEqual(["os.system('echo x')"]);
  });

  it('points the error at the opcode that broke', () => {
    const stream = parse(payload().raw([0xff]));
    expect(stream.error).toMatchObject({ code: 'BAD_OPCODE', offset: PAYLOAD_LENGTH });
    expect(stream.opcodes).toBe(6);
  });

  it('re-storing one memo key does not count against maxMemoEntries', () => {
    const stream = parse(payload().binput(0).binput(0).binput(1).stop(), withLimits({ maxMemoEntries: 2 }));
    expect(stream.error).toBeUndefined();
  });

  it('a million MARKs stop at LIMIT_MARKS with the default limits', () => {
    const stream = parse(Buffer.from('('.repeat(1_000_000)));
    expect(stream.error?.code).toBe('LIMIT_MARKS');
    expect(stream.opcodes).toBe(DEFAULT_LIMITS.maxMarks + 1);
  });

  it('an empty input has no STOP', () => {
    expect(parse(Buffer.alloc(0)).error?.code).toBe('NO_STOP');
  });
});

describe('parsePickleStream: operands over maxStringBytes', () => {
  const limits = withLimits({ maxStringBytes: 4 });

  it('skips a long bytes operand and records it', () => {
    const stream = parse(pickle().proto(3).binbytes('0123456789').stop(), limits);
    expect(stream.error).toBeUndefined();
    expect(stream.skippedOperands).toEqual([{ offset: 2, opIndex: 1, length: 10 }]);
    expect(as(stream.result, 'bytes')).toMatchObject({ v: null, len: 10, offset: 7 });
    expect(renderValue(stream.result!)).toBe('<10 bytes, not read>');
  });

  it('skips a long text operand and reads on', () => {
    const stream = parse(pickle().proto(4).binunicode('a long string').str('ok').tuple2().stop(), limits);
    expect(stream.error).toBeUndefined();
    expect(stream.skippedOperands).toMatchObject([{ length: 13 }]);
    // An unread text operand stays unknown (never a literal name), rendered as unread bytes.
    expect(renderValue(stream.result!)).toBe("(<13 bytes, not read>, 'ok')");
  });

  it('keeps an operand of exactly maxStringBytes', () => {
    const stream = parse(pickle().proto(3).shortBinbytes('abcd').stop(), limits);
    expect(stream.skippedOperands).toEqual([]);
    expect(renderValue(stream.result!)).toBe("b'abcd'");
  });

  it('never reads a skipped operand from the source', () => {
    const size = 300 * 1024 * 1024;
    const head = pickle()
      .proto(4)
      .global('os', 'system')
      .binbytes8('', { length: size - 23 })
      .bytes();
    const source = new VirtualSource(size, head, Buffer.from('.'));
    expect(head.length).toBe(22);
    const stream = parse(source);
    expect(stream.error).toBeUndefined();
    expect(stream.skippedOperands).toMatchObject([{ length: size - 23 }]);
    expect(stream.end).toBe(size);
    // One 4 MiB window at the start and one at the STOP; the 300 MiB between are never built.
    expect(source.bytesRead).toBeLessThan(16 * 1024 * 1024);
  });
});
