import { describe, expect, it } from 'vitest';
import { ByteReader } from '../../../src/core/byte-reader.js';
import { BufferSource } from '../../../src/core/byte-source.js';
import { DEFAULT_LIMITS } from '../../../src/core/limits.js';
import { pickle } from '../../../src/formats/pickle/builder.js';
import { planMemo } from '../../../src/formats/pickle/memo-plan.js';
import { type ArgKind, OPCODES } from '../../../src/formats/pickle/opcodes.js';
import { parsePickleStream } from '../../../src/formats/pickle/parse.js';
import { renderValue } from '../../../src/formats/pickle/render.js';
import { parse } from './helpers.js';

/*
 * The memo plan walks the opcodes before the interpreter runs and lists the keys read back; the
 * interpreter keeps only those values. A walk that lost its place would drop a value a later GET
 * needs, so every opcode's operand is walked here exactly as pickletools documents it.
 */

/** A valid operand of each encoding (pickletools' argument descriptors). */
const OPERANDS: Readonly<Record<ArgKind, Buffer>> = {
  none: Buffer.alloc(0),
  uint1: Buffer.from([1]),
  uint2: Buffer.from([1, 0]),
  int4: Buffer.from([1, 0, 0, 0]),
  uint4: Buffer.from([1, 0, 0, 0]),
  uint8: Buffer.alloc(8),
  long1: Buffer.from([1, 5]),
  long4: Buffer.from([1, 0, 0, 0, 5]),
  float8: Buffer.alloc(8),
  decimalnl_short: Buffer.from('12\n'),
  decimalnl_long: Buffer.from('12L\n'),
  floatnl: Buffer.from('1.5\n'),
  stringnl: Buffer.from("'a'\n"),
  stringnl_noescape: Buffer.from('x\n'),
  stringnl_noescape_pair: Buffer.from('a\nb\n'),
  unicodestringnl: Buffer.from('a\n'),
  string1: Buffer.from([2, 0x61, 0x0a]),
  string4: Buffer.from([2, 0, 0, 0, 0x61, 0x0a]),
  bytes1: Buffer.from([2, 0x68, 0x07]),
  bytes4: Buffer.from([2, 0, 0, 0, 0x68, 0x07]),
  bytes8: Buffer.from([2, 0, 0, 0, 0, 0, 0, 0, 0x68, 0x07]),
  unicodestring1: Buffer.from([2, 0x61, 0x62]),
  unicodestring4: Buffer.from([2, 0, 0, 0, 0x61, 0x62]),
  unicodestring8: Buffer.from([2, 0, 0, 0, 0, 0, 0, 0, 0x61, 0x62]),
  bytearray8: Buffer.from([2, 0, 0, 0, 0, 0, 0, 0, 0x68, 0x07]),
};

const plan = (bytes: Buffer): ReturnType<typeof planMemo> => planMemo(new ByteReader(new BufferSource(bytes)), 1 << 30);

describe('planMemo', () => {
  const walked = OPCODES.filter((op) => op !== undefined && op.name !== 'STOP');
  it.each(walked.map((op) => [op!.name, op!] as const))('walks past %s with its operand', (_name, op) => {
    // BINPUT 77 … <opcode + operand> … BINGET 77: the plan must still be in step to see the read.
    const bytes = Buffer.concat([pickle().proto(5).none().binput(77).bytes(), Buffer.from([op.code]), OPERANDS[op.arg], pickle().binget(77).stop().bytes()]);
    expect(plan(bytes)?.has(77)).toBe(true);
  });

  it('numbers MEMOIZE keys by distinct keys stored, as len(memo) does', () => {
    // BINPUT 0 twice is one key: the next MEMOIZE is key 1, and key 1 is the one read back.
    const bytes = pickle().proto(4).none().binput(0).binput(0).memoize().binget(1).stop().bytes();
    const keys = plan(bytes)!;
    expect(keys.has(1)).toBe(true);
    expect(keys.has(0)).toBe(false);
  });

  it('sees reads across window refills and in every GET form', () => {
    const big = 'x'.repeat(70_000);
    const bytes = pickle().proto(2).none().longBinput(3e9).put(5).binunicode(big).binput(9).pop().longBinget(3e9).get(5).binget(9).stop().bytes();
    const keys = plan(bytes)!;
    expect([keys.has(3e9), keys.has(5), keys.has(9), keys.has(0)]).toEqual([true, true, true, false]);
  });

  it('plans nothing when its key sets pass the budget', () => {
    const b = pickle().proto(2).none();
    for (let k = 0; k < 100; k++) b.longBinput(2 ** 27 + k);
    expect(planMemo(new ByteReader(new BufferSource(b.stop().bytes())), 1024)).toBeUndefined();
  });
});

describe('the interpreter under a memo plan', () => {
  it('keeps what is read back and reads the same values as without a plan', () => {
    // A list read back after other memoised values were dropped with the stack.
    const b = pickle().proto(4).emptyList().memoize().mark().str('a').memoize().binint1(1).appends().memoize().pop();
    const bytes = b.emptyDict().str('k').binget(0).setitem().stop().bytes();
    const stream = parse(bytes);
    expect(stream.error).toBeUndefined();
    expect(renderValue(stream.result!)).toBe("{'k': ['a', 1]}");
  });

  it('starts over keeping every value when afterBuild reads the stream after a BUILD', () => {
    const bytes = pickle().proto(2).global('m', 'C').emptyTuple().newobj().binput(0).emptyDict().build().pop().binget(0).stop().bytes();
    let hooks = 0;
    const stream = parsePickleStream(new ByteReader(new BufferSource(bytes)), {
      limits: DEFAULT_LIMITS,
      afterBuild: () => void hooks++,
      readsAfterBuild: (target) => target.k === 'obj',
    });
    expect(stream.error).toBeUndefined();
    expect(renderValue(stream.result!)).toBe('m.C.__new__(m.C)');
    // The planned parse stopped before the hook ran; the parse keeping every value ran it once.
    expect(hooks).toBe(1);
    expect(stream.builds).toHaveLength(1);
  });
});
