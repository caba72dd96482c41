import { describe, expect, it } from 'vitest';
import { withLimits } from '../../../src/core/limits.js';
import { pickle } from '../../../src/formats/pickle/builder.js';
import { parse } from './helpers.js';

/*
 * The symbolic machine's memory budget (issue 15, point 2): a few MB of opcodes must not
 * build gigabytes of values. Each shape stops at LIMIT_MEMORY with the default limits, and
 * what came before the break is kept.
 */

const N = 10_000_000;
const proto2 = Buffer.from([0x80, 2]);

describe('pickle memory budget (maxSymbolicBytes)', () => {
  it('ten million nested lists stop at LIMIT_MEMORY', () => {
    // EMPTY_LIST × N, then APPEND × (N - 1): each list holds the next.
    const bytes = Buffer.concat([proto2, Buffer.alloc(N, 0x5d), Buffer.alloc(N - 1, 0x61), Buffer.from('.')]);
    expect(parse(bytes).error?.code).toBe('LIMIT_MEMORY');
  });

  it('ten million nested tuples on a stack one deep stop at LIMIT_MEMORY', () => {
    // EMPTY_TUPLE, then TUPLE1 × N: x = (x,) again and again.
    const bytes = Buffer.concat([proto2, Buffer.from([0x29]), Buffer.alloc(N, 0x85), Buffer.from('.')]);
    expect(parse(bytes).error?.code).toBe('LIMIT_MEMORY');
  });

  it('ten million lists under one MARK stop at LIMIT_MEMORY', () => {
    const bytes = Buffer.concat([proto2, Buffer.from([0x28]), Buffer.alloc(N, 0x5d), Buffer.from('t.')]);
    expect(parse(bytes).error?.code).toBe('LIMIT_MEMORY');
  });

  /** `n` memoised empty lists (EMPTY_LIST, MEMOIZE, POP), each read back later when `readBack` (LONG_BINGET, POP). */
  const memoisedLists = (n: number, readBack: boolean): Buffer => {
    const lists = Buffer.alloc(n * 3);
    for (let i = 0; i < n; i++) lists.set([0x5d, 0x94, 0x30], i * 3);
    const gets = Buffer.alloc(readBack ? n * 6 : 0);
    for (let i = 0; readBack && i < n; i++) {
      gets[i * 6] = 0x6a;
      gets.writeUInt32LE(i, i * 6 + 1);
      gets[i * 6 + 5] = 0x30;
    }
    return Buffer.concat([Buffer.from([0x80, 4, 0x7d]), lists, gets, Buffer.from('.')]);
  };

  it('memoised lists read back later stop at LIMIT_MEMORY before LIMIT_MEMO', () => {
    expect(parse(memoisedLists(1_000_000, true)).error?.code).toBe('LIMIT_MEMORY');
  });

  it('memoised lists never read back are not kept: the stream is read whole', () => {
    // The memo plan (memo-plan.ts) keeps only values a GET reads; the rest are dropped with the stack.
    const stream = parse(memoisedLists(1_000_000, false));
    expect(stream.error).toBeUndefined();
    expect(stream.opcodes).toBe(3_000_003);
  });

  it('memo keys one per page (LONG_BINPUT 65536·k), read back, stop at LIMIT_MEMORY after a few hundred', () => {
    const b = pickle().proto(2).none();
    for (let k = 0; k < 1000; k++) b.longBinput(k * 65536);
    for (let k = 0; k < 1000; k++) b.longBinget(k * 65536).pop();
    const stream = parse(b.stop());
    expect(stream.error?.code).toBe('LIMIT_MEMORY');
    expect(stream.opcodes).toBeLessThan(200);
  });

  it('keeps the payload seen before the break', () => {
    const payload = pickle().proto(2).global('os', 'system').binunicode('echo x').tuple1().reduce().pop().bytes();
    const bytes = Buffer.concat([payload, Buffer.alloc(N, 0x5d), Buffer.from('.')]);
    const stream = parse(bytes);
    expect(stream.error?.code).toBe('LIMIT_MEMORY');
    expect(stream.calls.map((c) => c.object.callee.k === 'global' && c.object.callee.ref.path)).toEqual(['os.system']);
  });

  it('the budget is a named limit: a larger one reads what the default refuses', () => {
    const bytes = Buffer.concat([proto2, Buffer.from([0x28]), Buffer.alloc(100_000, 0x5d), Buffer.from('t.')]);
    expect(parse(bytes, withLimits({ maxSymbolicBytes: 1024 * 1024 })).error?.code).toBe('LIMIT_MEMORY');
    expect(parse(bytes).error).toBeUndefined();
  });
});
