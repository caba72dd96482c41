import { ModelgateError } from '../../core/errors.js';
import { GrowingOutput } from './output.js';

/*
 * An LZMA1 decoder (the algorithm of the LZMA SDK's LzmaSpec.cpp, written from the format's
 * description), for lzma-alone streams: output grows only up to `limit`, checked before every
 * copy, so an unknown-size stream cannot inflate past the room; a stream cut short keeps what
 * it decoded; and the stream's exact end is known, where the next stream begins.
 */

const PROB_INIT = 1024;
const KTOP = 2 ** 24;

export class RangeDecoder {
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

/** What an lzma-alone stream decoded to and where it ended; `error` when it broke part-way. */
export interface Lzma1Result {
  end: number;
  error?: ModelgateError;
}

const bad = (why: string, offset: number): never => {
  throw new ModelgateError('MALFORMED', `lzma data is invalid: ${why}`, { offset });
};

/**
 * The LZMA decoder's model: lc/lp/pb, the probabilities, the state and the four repeated
 * distances. LZMA2 keeps it across chunks, resetting parts of it as each chunk says.
 */
export class LzmaDecoder {
  private lc = 0;
  private lp = 0;
  private pb = 0;
  private literal = new Uint16Array(0x300);
  private readonly isMatch = new Uint16Array(12 << 4);
  private readonly isRep = new Uint16Array(12);
  private readonly isRepG0 = new Uint16Array(12);
  private readonly isRepG1 = new Uint16Array(12);
  private readonly isRepG2 = new Uint16Array(12);
  private readonly isRep0Long = new Uint16Array(12 << 4);
  private readonly posSlot = new Uint16Array(4 << 6);
  private readonly specPos = new Uint16Array(115);
  private readonly align = new Uint16Array(16);
  private matchLen = new LengthDecoder();
  private repLen = new LengthDecoder();
  private state = 0;
  private reps = [0, 0, 0, 0];

  /** Sets lc, lp and pb from a properties byte (lc + lp*9 + pb*45) and resets the state. */
  setProperties(props: number, offset: number): void {
    if (props >= 225) throw new ModelgateError('MALFORMED', `lzma properties byte ${props}`, { offset });
    this.lc = props % 9;
    this.lp = Math.floor(props / 9) % 5;
    this.pb = Math.floor(props / 45);
    this.literal = new Uint16Array(0x300 << (this.lc + this.lp));
    this.resetState();
  }

  resetState(): void {
    for (const probs of [
      this.literal,
      this.isMatch,
      this.isRep,
      this.isRepG0,
      this.isRepG1,
      this.isRepG2,
      this.isRep0Long,
      this.posSlot,
      this.specPos,
      this.align,
    ])
      probs.fill(PROB_INIT);
    this.matchLen = new LengthDecoder();
    this.repLen = new LengthDecoder();
    this.state = 0;
    this.reps = [0, 0, 0, 0];
  }

  /**
   * Decodes into `out` until it holds `target` bytes or the end marker comes (returns true
   * for the marker). Matches reach back no further than `dictStart`, the last dictionary reset.
   */
  run(rc: RangeDecoder, out: GrowingOutput, target: number, dictStart: number): boolean {
    const pbMask = (1 << this.pb) - 1;
    const lpMask = (1 << this.lp) - 1;
    const lc = this.lc;
    const literal = this.literal;
    let state = this.state;
    let [rep0, rep1, rep2, rep3] = this.reps as [number, number, number, number];
    const copy = (distance: number, length: number): void => {
      if (distance >= out.size - dictStart) bad(`a match ${distance + 1} bytes back, before the dictionary's start`, rc.pos);
      const n = Math.min(length, target - out.size);
      out.reserve(n);
      const from = out.size - distance - 1;
      for (let i = 0; i < n; i++) out.buf[out.size + i] = out.buf[from + i]!;
      out.size += n;
      if (n < length) bad('a match runs past the declared size', rc.pos);
    };
    try {
      while (out.size < target) {
        const pos = out.size - dictStart;
        const posState = pos & pbMask;
        if (rc.bit(this.isMatch, (state << 4) + posState) === 0) {
          const prev = out.size > dictStart ? out.buf[out.size - 1]! : 0;
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
        if (rc.bit(this.isRep, state) !== 0) {
          if (out.size === dictStart) bad('a repeated match before any output', rc.pos);
          if (rc.bit(this.isRepG0, state) === 0) {
            if (rc.bit(this.isRep0Long, (state << 4) + posState) === 0) {
              state = state < 7 ? 9 : 11;
              copy(rep0, 1);
              continue;
            }
          } else {
            let distance: number;
            if (rc.bit(this.isRepG1, state) === 0) distance = rep1;
            else {
              if (rc.bit(this.isRepG2, state) === 0) distance = rep2;
              else {
                distance = rep3;
                rep3 = rep2;
              }
              rep2 = rep1;
            }
            rep1 = rep0;
            rep0 = distance;
          }
          length = this.repLen.decode(rc, posState);
          state = state < 7 ? 8 : 11;
        } else {
          rep3 = rep2;
          rep2 = rep1;
          rep1 = rep0;
          length = this.matchLen.decode(rc, posState);
          state = state < 7 ? 7 : 10;
          const slot = rc.tree(this.posSlot, Math.min(length, 3) << 6, 6);
          if (slot < 4) rep0 = slot;
          else {
            const direct = (slot >> 1) - 1;
            rep0 = ((2 | (slot & 1)) << direct) >>> 0;
            if (slot < 14) rep0 += rc.reverse(this.specPos, rep0 - slot, direct);
            else rep0 = (rep0 + rc.direct(direct - 4) * 16 + rc.reverse(this.align, 0, 4)) >>> 0;
            // The end marker: distance 0xFFFFFFFF.
            if (rep0 === 0xffffffff) return true;
          }
        }
        copy(rep0, length + 2);
      }
      return false;
    } finally {
      this.state = state;
      this.reps = [rep0, rep1, rep2, rep3];
    }
  }
}

/**
 * Decodes the lzma-alone stream (13-byte header: properties, dictionary size, uncompressed
 * size or -1) at `start` into `out`, until the declared size or the end marker.
 */
export function decodeLzmaAlone(input: Buffer, start: number, out: GrowingOutput): Lzma1Result {
  if (start + 13 > input.length) throw new ModelgateError('TRUNCATED', 'lzma header is cut short', { offset: start });
  const decoder = new LzmaDecoder();
  decoder.setProperties(input[start]!, start);
  // The caller checks a declared size against the room; the output is bounded anyway.
  const declared = input.readBigUInt64LE(start + 5);
  const known = declared !== 0xffffffffffffffffn;
  const streamStart = out.size;
  const target = known ? streamStart + Number(declared) : Infinity;
  try {
    const rc = new RangeDecoder(input, start + 13);
    out.consumed = () => rc.pos;
    const marker = decoder.run(rc, out, target, streamStart);
    if (marker && known && out.size !== target) bad('an end marker before the declared size', rc.pos);
    return { end: rc.pos };
  } catch (e) {
    if (e instanceof ModelgateError && !e.code.startsWith('LIMIT_')) return { end: input.length, error: e };
    throw e;
  }
}
