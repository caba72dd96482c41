import { describe, expect, it } from 'vitest';
import { ByteReader } from '../../../src/core/byte-reader.js';
import { BufferSource } from '../../../src/core/byte-source.js';
import { withLimits } from '../../../src/core/limits.js';
import { parsePickleStream } from '../../../src/formats/pickle/parse.js';
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

  // Found by the issue-16 red team: each passed as clean with gigabytes of RSS.
  describe('what the budget gives back or charges', () => {
    const small = withLimits({ maxSymbolicBytes: 4 * 1024 * 1024 });
    const units = (n: number, op: number): Buffer => Buffer.alloc(n, op);

    it('a value persistent_load returns is held: dropping it from the stack gives nothing back', () => {
      // ('module', [()×65536], '', '') BINPERSID POP, 20 times: legacy torch's persistent_load
      // returns the list, which the persistent-id record keeps alive.
      const round = Buffer.concat([
        pickle().mark().str('module').emptyList().mark().bytes(),
        units(65_536, 0x29),
        pickle().appends().str('').str('').tuple().binpersid().pop().bytes(),
      ]);
      const bytes = Buffer.concat([proto2, ...Array.from({ length: 20 }, () => round), Buffer.from('N.')]);
      const stream = parsePickleStream(new ByteReader(new BufferSource(bytes)), {
        limits: small,
        persistentLoad: (pid) => (pid.k === 'tuple' ? pid.items[1] : undefined),
      });
      expect(stream.error?.code).toBe('LIMIT_MEMORY');
    });

    it("a call's arguments are charged as they become values", () => {
      // builtins.set((s, s, … s),) with 300,000 reads of one memoised 255-character string.
      const head = pickle().proto(2).global('builtins', 'set').str('x'.repeat(255)).binput(0).pop().mark().bytes();
      const gets = Buffer.alloc(300_000 * 2);
      for (let i = 0; i < 300_000; i++) gets.set([0x68, 0], i * 2);
      const bytes = Buffer.concat([head, gets, pickle().tuple().tuple1().reduce().stop().bytes()]);
      expect(parse(bytes, withLimits({ maxSymbolicBytes: 8 * 1024 * 1024 })).error?.code).toBe('LIMIT_MEMORY');
    });

    it('memo keys past the bitsets cost what a Set entry costs', () => {
      const b = pickle().proto(2).none();
      for (let k = 0; k < 20_000; k++) b.longBinput(2 ** 31 + k);
      expect(parse(b.stop(), withLimits({ maxSymbolicBytes: 1024 * 1024 })).error?.code).toBe('LIMIT_MEMORY');
    });
  });
});
