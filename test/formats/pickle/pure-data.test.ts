import { describe, expect, it } from 'vitest';
import { ByteReader } from '../../../src/core/byte-reader.js';
import { BufferSource } from '../../../src/core/byte-source.js';
import { DEFAULT_LIMITS, type Limits } from '../../../src/core/limits.js';
import { pickle } from '../../../src/formats/pickle/builder.js';
import { planMemo } from '../../../src/formats/pickle/memo-plan.js';
import { parsePickleStream } from '../../../src/formats/pickle/parse.js';
import { readPureData } from '../../../src/formats/pickle/pure-data.js';
import { Budget } from '../../../src/formats/pickle/slots.js';

/*
 * Issue 16: a stream of plain data is read by a shadow of the interpreter (pure-data.ts) that
 * builds no values and charges the memory budget exactly as the interpreter does. Every
 * program here is read both ways, and the two must agree on everything a scan sees: the error
 * (code and offset) or its absence, the opcodes read, where the stream ends, its frame, and
 * what is left charged to a budget the streams of a file share.
 */

/** A seeded generator (mulberry32), so a failure names its seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A program of plain-data opcodes, mostly valid: it tracks the stack's kinds as a pickler would
 * and picks an opcode that fits, with now and then one that does not (the interpreter's error
 * and the shadow's hand-over must then agree).
 */
function program(seed: number, size: number): Buffer {
  const rnd = random(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const b = pickle().proto(pick([0, 2, 4, 5]));
  const stack: string[] = [];
  const marks: number[] = [];
  let keys = 0;
  // Half the programs only ever take an opcode that fits; the other half now and then do not.
  const careful = seed % 2 === 0;
  const stored: number[] = [];
  const word = (): string => pick(['a', 'key', '__init__', '__class__', 'x'.repeat(20), 'é', 'y'.repeat(300)]);
  for (let n = 0; n < size; n++) {
    const top = stack[stack.length - 1];
    const choices: Array<() => void> = [
      () => (b.binint(Math.floor(rnd() * 70000) - 100), stack.push('s')),
      () => (b.raw([0x4b, Math.floor(rnd() * 256)]), stack.push('s')),
      () => (b.binfloat(rnd()), stack.push('s')),
      () => (b.shortBinunicode(word().slice(0, 255)), stack.push('s')),
      () => (b.binunicode(word()), stack.push('s')),
      () => (b.unicode(pick(['a', 'k\\u0041', 'x'.repeat(40)])), stack.push('s')),
      () => (b.int(pick([0, 1, 300, -7, true, false])), stack.push('s')),
      () => (b.long(careful ? pick([12, -40]) : pick([12, '123456789012345678901234567890'])), stack.push('s')),
      () => (b.float(pick([1.5, 'nan', '1e400'])), stack.push('s')),
      () => (b.string(pick(['ab', 'a\\x41'])), stack.push('s')),
      () => (b.shortBinbytes(Buffer.alloc(Math.floor(rnd() * 40), 7)), stack.push('s')),
      () => (b.none(), stack.push('s')),
      () => (b.emptyList(), stack.push('l')),
      () => (b.emptyDict(), stack.push('d')),
      () => (b.emptyTuple(), stack.push('t')),
      () => (b.emptySet(), stack.push('e')),
      () => (b.mark(), marks.push(stack.length)),
      () => {
        if (careful && marks.length === 0) return;
        const at = marks.pop() ?? 0;
        const odd = (stack.length - at) % 2 !== 0;
        const code = pick(careful && odd ? [0x6c, 0x74, 0x91] : [0x6c, 0x74, 0x64, 0x91]);
        b.raw([code]);
        stack.length = at;
        stack.push(code === 0x64 ? 'd' : code === 0x74 ? 't' : code === 0x6c ? 'l' : 'f');
      },
      () => {
        const at = marks.length > 0 ? marks[marks.length - 1]! : -1;
        const target = stack[at - 1];
        const odd = (stack.length - at) % 2 !== 0;
        if (careful && (at < 1 || !(target === 'l' || target === 'e' || (target === 'd' && !odd)))) return;
        marks.pop();
        b.raw([target === 'd' ? 0x75 : target === 'e' ? 0x90 : 0x65]);
        stack.length = Math.max(0, at);
      },
      () => {
        const n = 1 + Math.floor(rnd() * 3);
        if (careful && stack.length - n < (marks[marks.length - 1] ?? 0)) return;
        b.raw([0x84 + n]);
        stack.splice(-n, n, 't');
      },
      () => {
        if (careful && (stack[stack.length - 2] !== 'l' || stack.length - 1 <= (marks[marks.length - 1] ?? 0))) return;
        b.raw([0x61]);
        stack.pop();
      },
      () => {
        if (careful && (stack[stack.length - 3] !== 'd' || stack.length - 2 <= (marks[marks.length - 1] ?? 0))) return;
        b.raw([0x73]);
        stack.splice(-2, 2);
      },
      () => {
        if (careful && stack.length <= (marks[marks.length - 1] ?? 0)) return;
        b.pop();
        stack.pop();
      },
      () => {
        if (careful && stack.length <= (marks[marks.length - 1] ?? 0)) return;
        b.dup();
        if (top !== undefined) stack.push(top);
      },
      () => {
        if (careful && marks.length === 0) return;
        b.popMark();
        stack.length = marks.pop() ?? 0;
      },
      () => {
        if (top === undefined || (careful && stack.length <= (marks[marks.length - 1] ?? 0))) return;
        if (rnd() < 0.5) b.memoize();
        else if (keys < 256) b.binput(keys);
        else b.longBinput(keys);
        stored.push(keys++);
      },
      () => {
        if (stored.length === 0) return;
        const key = pick(stored);
        if (key < 256) b.binget(key);
        else b.longBinget(key);
        stack.push('?');
      },
      () => {
        if (!careful) b.frame(Math.floor(rnd() * 64));
      },
      () => {
        if (careful) return;
        b.put(String(keys));
      },
      () => {
        if (careful && stored.length === 0) return;
        b.get(String(careful ? pick(stored) : Math.max(0, keys - 1)));
        stack.push('?');
      },
    ];
    pick(choices)();
  }
  // Close what is open, so most programs reach STOP with a container on top.
  while (marks.length > 0) {
    b.raw([0x6c]);
    stack.length = marks.pop()!;
    stack.push('l');
  }
  if (stack[stack.length - 1] !== 'l') b.emptyList();
  return b.stop().bytes();
}

interface Seen {
  error?: string;
  offset?: number;
  opcodes: number;
  end?: number;
  frameEnd?: number;
  protocol: number;
  spent: number;
}

function read(bytes: Buffer, limits: Limits, shadow: boolean, spentBefore: number): Seen {
  const budget = new Budget(limits.maxSymbolicBytes);
  budget.spent = spentBefore;
  const s = parsePickleStream(new ByteReader(new BufferSource(bytes)), { limits, budget, resultUnread: shadow });
  const seen: Seen = { opcodes: s.opcodes, protocol: s.protocol, spent: budget.spent };
  if (s.error) {
    seen.error = s.error.code;
    seen.offset = s.error.offset;
  } else seen.end = s.end;
  if (s.frameEnd !== undefined) seen.frameEnd = s.frameEnd;
  return seen;
}

/** True when the shadow read the stream itself (it did not hand it to the interpreter). */
function shadowed(bytes: Buffer, limits: Limits): boolean {
  const plan = planMemo(new ByteReader(new BufferSource(bytes)), limits.maxSymbolicBytes);
  return plan !== undefined && readPureData(bytes, 0, bytes.length, limits, new Budget(limits.maxSymbolicBytes), plan) !== undefined;
}

describe('the pure-data shadow agrees with the interpreter', () => {
  const budgets = [2 * 1024, 8 * 1024, 64 * 1024, DEFAULT_LIMITS.maxSymbolicBytes];
  it('on 3,000 random programs, under budgets from 2 KiB to the default', () => {
    let read_ = 0;
    for (let seed = 1; seed <= 3000; seed++) {
      const bytes = program(seed, 20 + (seed % 400));
      const limits = { ...DEFAULT_LIMITS, maxSymbolicBytes: budgets[seed % budgets.length]! };
      const before = seed % 3 === 0 ? 1000 : 0;
      const interpreter = read(bytes, limits, false, before);
      const shadow = read(bytes, limits, true, before);
      expect({ seed, ...shadow }).toEqual({ seed, ...interpreter });
      if (shadowed(bytes, limits)) read_++;
    }
    // The generator is of use only if the shadow reads a good share itself.
    expect(read_).toBeGreaterThan(1400);
  });

  it('on large containers past the kept-items cap, dropped and refunded', () => {
    for (const n of [65_535, 65_536, 65_537, 140_000]) {
      const b = pickle().proto(4).emptyList().memoize();
      for (let i = 0; i < n; i++) b.mark().emptyList().memoize().binint(i).append().shortBinunicode('v').list().append();
      b.pop().emptyDict().mark();
      for (let i = 0; i < n; i++) b.shortBinunicode(`k${i}`).emptyTuple();
      const bytes = b.setitems().stop().bytes();
      for (const budget of [1 << 20, 8 << 20, 32 << 20]) {
        const limits = { ...DEFAULT_LIMITS, maxSymbolicBytes: budget };
        expect(read(bytes, limits, true, 0)).toEqual(read(bytes, limits, false, 0));
      }
      expect(shadowed(bytes, DEFAULT_LIMITS)).toBe(true);
    }
  });

  it('on the memory bombs: nested lists, nested tuples, lists under one MARK, memoised lists read back', () => {
    const n = 300_000;
    const proto2 = Buffer.from([0x80, 2]);
    const memoised = Buffer.alloc(n * 3);
    for (let i = 0; i < n; i++) memoised.set([0x5d, 0x94, 0x30], i * 3);
    const reads = Buffer.alloc(n * 6);
    for (let i = 0; i < n; i++) {
      reads.set([0x6a], i * 6);
      reads.writeUInt32LE(i, i * 6 + 1);
      reads[i * 6 + 5] = 0x30;
    }
    const bombs = [
      Buffer.concat([proto2, Buffer.alloc(n, 0x5d), Buffer.alloc(n - 1, 0x61), Buffer.from('.')]),
      Buffer.concat([proto2, Buffer.from([0x29]), Buffer.alloc(n, 0x85), Buffer.from('.')]),
      Buffer.concat([proto2, Buffer.from([0x28]), Buffer.alloc(n, 0x5d), Buffer.from('t.')]),
      Buffer.concat([Buffer.from([0x80, 4, 0x7d]), memoised, reads, Buffer.from('.')]),
    ];
    const limits = { ...DEFAULT_LIMITS, maxSymbolicBytes: 4 << 20 };
    for (const bytes of bombs) {
      const shadow = read(bytes, limits, true, 0);
      expect(shadow.error).toBe('LIMIT_MEMORY');
      expect(shadow).toEqual(read(bytes, limits, false, 0));
    }
  });

  it('reads plain data that reads no memo key back in one pass, without a plan', () => {
    const budget = (): Budget => new Budget(DEFAULT_LIMITS.maxSymbolicBytes);
    const noGets = pickle().proto(4).emptyList().memoize().mark().binint(1).shortBinunicode('a').memoize().appends().stop().bytes();
    expect(readPureData(noGets, 0, noGets.length, DEFAULT_LIMITS, budget())?.opcodes).toBe(9);
    const withGet = pickle().proto(4).emptyList().memoize().mark().shortBinunicode('a').memoize().binget(1).appends().stop().bytes();
    expect(readPureData(withGet, 0, withGet.length, DEFAULT_LIMITS, budget())).toBeUndefined();
    expect(shadowed(withGet, DEFAULT_LIMITS)).toBe(true);
  });

  it('checks an operand before its push grows a full stack (red team: TRUNCATED and BAD_MEMO, not LIMIT_MEMORY)', () => {
    // 256 NONEs fill the stack's first 256 slots; the next push would double it, for 4,352 bytes.
    const full = Buffer.alloc(256, 0x4e);
    const limits = { ...DEFAULT_LIMITS, maxSymbolicBytes: 4000 };
    const cases: Array<[Buffer, Partial<Limits>]> = [
      [Buffer.concat([full, Buffer.from([0x4b])]), {}],
      [Buffer.concat([full, Buffer.from([0x68, 0x05])]), {}],
      [Buffer.concat([full, Buffer.from([0x8c, 0x04]), Buffer.from('abcd'), Buffer.from(']a.')]), { maxStringBytes: 3 }],
    ];
    const codes = cases.map(([bytes, extra]) => {
      const shadow = read(bytes, { ...limits, ...extra }, true, 0);
      expect(shadow).toEqual(read(bytes, { ...limits, ...extra }, false, 0));
      return shadow.error;
    });
    expect(codes).toEqual(['TRUNCATED', 'BAD_MEMO', 'LIMIT_MEMORY']);
  });

  it('hands over what is not plain data or not read to its end', () => {
    const cases = [
      pickle().proto(2).global('os', 'system').stop().bytes(),
      pickle().proto(2).emptyList().persid('x').append().stop().bytes(),
      pickle().proto(2).emptyList().binint(1).stop().bytes().subarray(0, 6),
      pickle().proto(2).binint(7).stop().bytes(),
      pickle().proto(4).frame(2).emptyList().binunicode('straddles the frame').append().stop().bytes(),
      pickle().proto(2).emptyDict().binint(1).append().stop().bytes(),
      pickle().proto(2).mark().binint(1).dict().stop().bytes(),
    ];
    for (const bytes of cases) expect(shadowed(bytes, DEFAULT_LIMITS)).toBe(false);
  });
});
