import { ModelgateError } from '../../core/errors.js';

/*
 * An LZMA1 decoder (the algorithm of the LZMA SDK's LzmaSpec.cpp, written from the format's
 * description), for lzma-alone streams: output grows only up to `limit`, checked before every
 * copy, so an unknown-size stream cannot inflate past the room; a stream cut short keeps what
 * it decoded; and the stream's exact end is known, where the next stream begins.
 */

const PROB_INIT = 1024;
const KTOP = 2 ** 24;

class RangeDecoder {
  range = 0xffffffff;
  code = 0;
  constructor(
    private readonly input: Buffer,
    public pos: number,
  ) {
    if (this.next() !== 0) throw new ModelgateError('MALFORMED', 'LZMA range coder does not start with 0', { offset: pos });
    for (let i = 0; i < 4; i++) this.code = ((this.code << 8) | this.next()) >>> 0;
  }
  private next(): number {
    if (this.pos >= this.input.length) throw new ModelgateError('TRUNCATED', 'LZMA stream is cut short', { offset: this.pos });
    return this.input[this.pos++]!;
  }
  private normalize(): void {
    if (this.range < KTOP) {
      this.range = (this.range << 8) >>> 0;
      this.code = ((this.code << 8) | this.next()) >>> 0;
    }
  }
  bit(probs: Uint16Array, i: number): number {
    const p = probs[i]!;
    const bound = (this.range >>> 11) * p;
    let b: number;
    if (this.code < bound) {
      this.range = bound;
      probs[i] = p + ((2048 - p) >>> 5);
      b = 0;
    } else {
      this.range -= bound;
      this.code -= bound;
      probs[i] = p - (p >>> 5);
      b = 1;
    }
    this.normalize();
    return b;
  }
  direct(count: number): number {
    let r = 0;
    for (let i = 0; i < count; i++) {
      this.range >>>= 1;
      let b = 0;
      if (this.code >= this.range) {
        this.code -= this.range;
        b = 1;
      }
      r = ((r << 1) | b) >>> 0;
      this.normalize();
    }
    return r;
  }
  tree(probs: Uint16Array, base: number, bits: number): number {
    let m = 1;
    for (let i = 0; i < bits; i++) m = (m << 1) | this.bit(probs, base + m);
    return m - (1 << bits);
  }
  reverse(probs: Uint16Array, base: number, bits: number): number {
    let m = 1;
    let r = 0;
    for (let i = 0; i < bits; i++) {
      const b = this.bit(probs, base + m);
      m = (m << 1) | b;
      r |= b << i;
    }
    return r;
  }
}

/** A length coder: choice bits, then 3 low, 3 mid or 8 high bits (lengths 0 to 271, plus 2). */
class LengthDecoder {
  private readonly probs = new Uint16Array(2 + 16 * 8 * 2 + 256).fill(PROB_INIT);
  decode(rc: RangeDecoder, posState: number): number {
    if (rc.bit(this.probs, 0) === 0) return rc.tree(this.probs, 2 + posState * 8, 3);
    if (rc.bit(this.probs, 1) === 0) return 8 + rc.tree(this.probs, 2 + 128 + posState * 8, 3);
    return 16 + rc.tree(this.probs, 2 + 256, 8);
  }
}

/** The output a stream decodes into, never past `limit`. */
export class LzmaOutput {
  buf = Buffer.alloc(0);
  size = 0;
  constructor(
    readonly limit: number,
    private readonly overflow: () => ModelgateError,
  ) {}
  reserve(n: number): void {
    if (this.size + n > this.limit) throw this.overflow();
    if (this.size + n <= this.buf.length) return;
    const bigger = Buffer.alloc(Math.min(this.limit, Math.max(this.size + n, this.buf.length * 2, 64 * 1024)));
    this.buf.copy(bigger, 0, 0, this.size);
    this.buf = bigger;
  }
}

/** What an lzma-alone stream decoded to and where it ended; `error` when it broke part-way. */
export interface Lzma1Result {
  end: number;
  error?: ModelgateError;
}

/**
 * Decodes the lzma-alone stream (13-byte header: properties, dictionary size, uncompressed
 * size or -1) at `start` into `out`, until the declared size or the end marker.
 */
export function decodeLzmaAlone(input: Buffer, start: number, out: LzmaOutput): Lzma1Result {
  if (start + 13 > input.length) throw new ModelgateError('TRUNCATED', 'lzma header is cut short', { offset: start });
  let props = input[start]!;
  if (props >= 225) throw new ModelgateError('MALFORMED', `lzma properties byte ${props}`, { offset: start });
  const lc = props % 9;
  props = Math.floor(props / 9);
  const lp = props % 5;
  const pb = Math.floor(props / 5);
  // The caller checks a declared size against the room; the output is bounded anyway.
  const declared = input.readBigUInt64LE(start + 5);
  const known = declared !== 0xffffffffffffffffn;
  const target = known ? out.size + Number(declared) : Infinity;
  const streamStart = out.size;

  const literal = new Uint16Array(0x300 << (lc + lp)).fill(PROB_INIT);
  const isMatch = new Uint16Array(12 << 4).fill(PROB_INIT);
  const isRep = new Uint16Array(12).fill(PROB_INIT);
  const isRepG0 = new Uint16Array(12).fill(PROB_INIT);
  const isRepG1 = new Uint16Array(12).fill(PROB_INIT);
  const isRepG2 = new Uint16Array(12).fill(PROB_INIT);
  const isRep0Long = new Uint16Array(12 << 4).fill(PROB_INIT);
  const posSlot = new Uint16Array(4 << 6).fill(PROB_INIT);
  const specPos = new Uint16Array(115).fill(PROB_INIT);
  const align = new Uint16Array(16).fill(PROB_INIT);
  const matchLen = new LengthDecoder();
  const repLen = new LengthDecoder();

  let rc: RangeDecoder;
  try {
    rc = new RangeDecoder(input, start + 13);
  } catch (e) {
    return { end: input.length, error: e as ModelgateError };
  }
  let state = 0;
  let rep0 = 0;
  let rep1 = 0;
  let rep2 = 0;
  let rep3 = 0;
  const pbMask = (1 << pb) - 1;
  const lpMask = (1 << lp) - 1;
  const bad = (why: string): never => {
    throw new ModelgateError('MALFORMED', `lzma data is invalid: ${why}`, { offset: rc.pos });
  };
  const copy = (distance: number, length: number): void => {
    if (distance >= out.size - streamStart) bad(`a match ${distance + 1} bytes back, before the stream's start`);
    const n = Math.min(length, target - out.size);
    out.reserve(n);
    const from = out.size - distance - 1;
    for (let i = 0; i < n; i++) out.buf[out.size + i] = out.buf[from + i]!;
    out.size += n;
    if (n < length) bad('a match runs past the declared size');
  };

  try {
    while (out.size < target) {
      const pos = out.size - streamStart;
      const posState = pos & pbMask;
      if (rc.bit(isMatch, (state << 4) + posState) === 0) {
        const prev = out.size > streamStart ? out.buf[out.size - 1]! : 0;
        const base = 0x300 * (((pos & lpMask) << lc) + (prev >> (8 - lc)));
        let symbol = 1;
        if (state >= 7) {
          let matchByte = out.buf[out.size - rep0 - 1]!;
          do {
            const matchBit = (matchByte >> 7) & 1;
            matchByte <<= 1;
            const b = rc.bit(literal, base + ((1 + matchBit) << 8) + symbol);
            symbol = (symbol << 1) | b;
            if (matchBit !== b) break;
          } while (symbol < 0x100);
        }
        while (symbol < 0x100) symbol = (symbol << 1) | rc.bit(literal, base + symbol);
        out.reserve(1);
        out.buf[out.size++] = symbol & 0xff;
        state = state < 4 ? 0 : state < 10 ? state - 3 : state - 6;
        continue;
      }
      let length: number;
      if (rc.bit(isRep, state) !== 0) {
        if (out.size === streamStart) bad('a repeated match before any output');
        if (rc.bit(isRepG0, state) === 0) {
          if (rc.bit(isRep0Long, (state << 4) + posState) === 0) {
            state = state < 7 ? 9 : 11;
            copy(rep0, 1);
            continue;
          }
        } else {
          let distance: number;
          if (rc.bit(isRepG1, state) === 0) distance = rep1;
          else {
            if (rc.bit(isRepG2, state) === 0) distance = rep2;
            else {
              distance = rep3;
              rep3 = rep2;
            }
            rep2 = rep1;
          }
          rep1 = rep0;
          rep0 = distance;
        }
        length = repLen.decode(rc, posState);
        state = state < 7 ? 8 : 11;
      } else {
        rep3 = rep2;
        rep2 = rep1;
        rep1 = rep0;
        length = matchLen.decode(rc, posState);
        state = state < 7 ? 7 : 10;
        const slot = rc.tree(posSlot, Math.min(length, 3) << 6, 6);
        if (slot < 4) rep0 = slot;
        else {
          const direct = (slot >> 1) - 1;
          rep0 = ((2 | (slot & 1)) << direct) >>> 0;
          if (slot < 14) rep0 += rc.reverse(specPos, rep0 - slot, direct);
          else rep0 = (rep0 + rc.direct(direct - 4) * 16 + rc.reverse(align, 0, 4)) >>> 0;
          // The end marker: distance 0xFFFFFFFF.
          if (rep0 === 0xffffffff) {
            if (known && out.size !== target) bad('an end marker before the declared size');
            return { end: rc.pos };
          }
        }
      }
      copy(rep0, length + 2);
    }
    return { end: rc.pos };
  } catch (e) {
    if (e instanceof ModelgateError && !e.code.startsWith('LIMIT_')) return { end: input.length, error: e };
    throw e;
  }
}
