import { ModelgateError } from '../../core/errors.js';

/**
 * The LZMA range decoder (lzma-specification.txt in the LZMA SDK, "The range decoder" and
 * "Bit trees"), together with the probability array its adaptive bits update. `range` and
 * `code` hold the spec's UInt32 values as int32 bit patterns, so the JIT keeps them unboxed;
 * unsigned comparisons flip the sign bit first.
 */
export class RangeDecoder {
  /** Adaptive probabilities (11-bit, spec "CProb"), laid out by the LZMA decoder. */
  probs = new Uint16Array(0);
  private range = 0;
  private code = 0;
  private input: Uint8Array = new Uint8Array(0);
  private inPos = 0;
  private inEnd = 0;

  /**
   * Spec "The range decoder" Init: a zero byte, then Code as 4 big-endian bytes. The input window
   * [inStart, inEnd) bounds every later read; reading past it is TRUNCATED.
   */
  start(input: Uint8Array, inStart: number, inEnd: number): void {
    this.input = input;
    this.inPos = inStart;
    this.inEnd = inEnd;
    if (this.nextByte() !== 0) throw new ModelgateError('MALFORMED', 'LZMA range coder must start with a zero byte');
    this.code = 0;
    for (let i = 0; i < 4; i++) this.code = (this.code << 8) | this.nextByte();
    this.range = -1; // 0xFFFFFFFF as int32
    if (this.code === this.range) throw new ModelgateError('MALFORMED', 'LZMA range coder initial code is invalid');
  }

  /** Input bytes consumed so far (position in the input array). */
  get inputPos(): number {
    return this.inPos;
  }

  private nextByte(): number {
    if (this.inPos >= this.inEnd) throw new ModelgateError('TRUNCATED', 'LZMA input ended early');
    return this.input[this.inPos++]!;
  }

  /** Spec "DecodeBit": adaptive binary decode against probs[i]. */
  bit(i: number): number {
    const p = this.probs[i]!;
    const bound = Math.imul(this.range >>> 11, p);
    let result: number;
    if ((this.code ^ 0x80000000) < (bound ^ 0x80000000)) {
      this.range = bound;
      this.probs[i] = p + ((2048 - p) >> 5);
      result = 0;
    } else {
      this.range = (this.range - bound) | 0;
      this.code = (this.code - bound) | 0;
      this.probs[i] = p - (p >> 5);
      result = 1;
    }
    if ((this.range & 0xff000000) === 0) {
      this.range <<= 8;
      this.code = (this.code << 8) | this.nextByte();
    }
    return result;
  }

  /** Spec "DecodeDirectBits": fixed-probability bits, most significant first. */
  directBits(count: number): number {
    let result = 0;
    for (let i = 0; i < count; i++) {
      this.range = this.range >>> 1; // now below 2^31: positive as int32 too
      let b = 0;
      if ((this.code ^ 0x80000000) >= (this.range ^ 0x80000000)) {
        this.code = (this.code - this.range) | 0;
        b = 1;
      }
      result = (result << 1) | b; // count <= 26, so no sign trouble
      if ((this.range & 0xff000000) === 0) {
        this.range <<= 8;
        this.code = (this.code << 8) | this.nextByte();
      }
    }
    return result;
  }

  /** Spec "BitTreeDecode": `bits` bits, most significant first. */
  tree(base: number, bits: number): number {
    let m = 1;
    for (let i = 0; i < bits; i++) m = (m << 1) | this.bit(base + m);
    return m - (1 << bits);
  }

  /** Spec "BitTreeReverseDecode": `bits` bits, least significant first. */
  reverseTree(base: number, bits: number): number {
    let m = 1;
    let symbol = 0;
    for (let i = 0; i < bits; i++) {
      const b = this.bit(base + m);
      m = (m << 1) | b;
      symbol |= b << i;
    }
    return symbol;
  }

  /** Spec "IsFinishedOK": a range coder flushed after the last symbol leaves Code at 0. */
  get finishedCleanly(): boolean {
    return this.code === 0;
  }
}
