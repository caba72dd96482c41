import { ModelgateError } from '../../core/errors.js';
import { RangeDecoder } from './range-decoder.js';

/**
 * An LZMA decoder written from the LZMA specification (lzma-specification.txt in the LZMA SDK,
 * "The range decoder", "LZMA decoding"). The output buffer doubles as the dictionary: 7z holds a
 * folder's whole output in memory anyway, so a match may reach back to any byte written since the
 * last dictionary reset and no separate window is needed. Output never grows past the buffer,
 * whose size the caller has already checked against the limits.
 */

/** lc/lp/pb of the spec's "properties byte" d = (pb * 5 + lp) * 9 + lc. */
export interface LzmaProperties {
  lc: number;
  lp: number;
  pb: number;
}

/** Decodes the spec's properties byte; MALFORMED past 9 * 5 * 5 - 1. */
export function decodePropertiesByte(d: number): LzmaProperties {
  if (d >= 9 * 5 * 5) throw new ModelgateError('MALFORMED', `LZMA properties byte ${d} out of range`);
  return { lc: d % 9, lp: Math.floor(d / 9) % 5, pb: Math.floor(d / 45) };
}

// Layout of all probabilities in one array (spec: "CLzmaDecoder" members).
const NUM_STATES = 12;
const POS_STATES_MAX = 16;
const IS_MATCH = 0;
const IS_REP = IS_MATCH + NUM_STATES * POS_STATES_MAX;
const IS_REP_G0 = IS_REP + NUM_STATES;
const IS_REP_G1 = IS_REP_G0 + NUM_STATES;
const IS_REP_G2 = IS_REP_G1 + NUM_STATES;
const IS_REP0_LONG = IS_REP_G2 + NUM_STATES;
const POS_SLOT = IS_REP0_LONG + NUM_STATES * POS_STATES_MAX; // 4 len states x 6-bit tree
const SPEC_POS = POS_SLOT + 4 * 64; // 1 + kNumFullDistances - kEndPosModelIndex = 115
const ALIGN = SPEC_POS + 115; // 4-bit reverse tree
const LEN_SIZE = 2 + 2 * POS_STATES_MAX * 8 + 256; // choice, choice2, low, mid, high
const LEN = ALIGN + 16;
const REP_LEN = LEN + LEN_SIZE;
const LITERAL = REP_LEN + LEN_SIZE;
const END_POS_MODEL_INDEX = 14;
const PROB_INIT = 1024; // kBitModelTotal / 2

/** One LZMA stream's decoder state (spec "CLzmaDecoder"), writing into a caller's buffer. */
export class LzmaDecoder {
  /** Next byte to write in `out`. */
  outPos: number;
  /** Where the current dictionary starts in `out` (last dictionary reset). */
  dictStart: number;
  /** Match bytes the last decode could not write because its output limit was reached. */
  pendingLen = 0;
  private readonly rc = new RangeDecoder();
  private lc = 0;
  private lpMask = 0;
  private pbMask = 0;
  private state = 0;
  private rep0 = 0;
  private rep1 = 0;
  private rep2 = 0;
  private rep3 = 0;

  constructor(
    readonly out: Buffer,
    start = 0,
  ) {
    this.outPos = start;
    this.dictStart = start;
  }

  /** New lc/lp/pb; the probability arrays are reallocated (spec: "LZMA properties"). */
  setProperties(props: LzmaProperties): void {
    this.lc = props.lc;
    this.lpMask = (1 << props.lp) - 1;
    this.pbMask = (1 << props.pb) - 1;
    this.rc.probs = new Uint16Array(LITERAL + (0x300 << (props.lc + props.lp)));
    this.resetState();
  }

  /** Spec "Init": all probabilities to one half, reps to distance 1, state 0. */
  resetState(): void {
    this.rc.probs.fill(PROB_INIT);
    this.state = 0;
    this.rep0 = this.rep1 = this.rep2 = this.rep3 = 0;
  }

  /** Forget the dictionary: later matches may not reach before this point. */
  resetDictionary(): void {
    this.dictStart = this.outPos;
  }

  /** Appends stored bytes (an LZMA2 uncompressed chunk); they join the dictionary. */
  appendStored(bytes: Uint8Array): void {
    this.out.set(bytes, this.outPos);
    this.outPos += bytes.length;
  }

  /** Spec "The length decoder": 2-9 (low), 10-17 (mid), 18-273 (high), returned minus 2. */
  private length(base: number, posState: number): number {
    if (this.rc.bit(base) === 0) return this.rc.tree(base + 2 + posState * 8, 3);
    if (this.rc.bit(base + 1) === 0) return 8 + this.rc.tree(base + 2 + POS_STATES_MAX * 8 + posState * 8, 3);
    return 16 + this.rc.tree(base + 2 + 2 * POS_STATES_MAX * 8, 8);
  }

  /** Spec "The distance decoder": a 6-bit slot, then context-coded, direct and align bits. */
  private distance(len: number): number {
    const slot = this.rc.tree(POS_SLOT + Math.min(len, 3) * 64, 6);
    if (slot < 4) return slot;
    const directCount = (slot >> 1) - 1;
    if (slot < END_POS_MODEL_INDEX) {
      const base = (2 | (slot & 1)) << directCount; // small: stays an integer for the JIT
      return base + this.rc.reverseTree(SPEC_POS + base - slot, directCount);
    }
    // Up to 2^32 - 1 (the end marker), past int32, hence multiplication rather than shifts.
    const base = (2 | (slot & 1)) * 2 ** directCount;
    return base + this.rc.directBits(directCount - 4) * 16 + this.rc.reverseTree(ALIGN, 4);
  }

  /** Spec "The literal decoder", with the matched-literal mode after a match (state >= 7). */
  private literal(): void {
    const total = this.outPos - this.dictStart;
    const prev = total > 0 ? this.out[this.outPos - 1]! : 0;
    const base = LITERAL + 0x300 * (((total & this.lpMask) << this.lc) + (prev >> (8 - this.lc)));
    let symbol = 1;
    if (this.state >= 7) {
      // rep0 was checked against the dictionary when its match was copied; guard anyway.
      const at = this.outPos - this.rep0 - 1;
      let matchByte = at >= this.dictStart ? this.out[at]! : 0;
      do {
        const matchBit = (matchByte >> 7) & 1;
        matchByte <<= 1;
        const b = this.rc.bit(base + ((1 + matchBit) << 8) + symbol);
        symbol = (symbol << 1) | b;
        if (matchBit !== b) break;
      } while (symbol < 0x100);
    }
    while (symbol < 0x100) symbol = (symbol << 1) | this.rc.bit(base + symbol);
    this.out[this.outPos++] = symbol - 0x100;
  }

  /** Copies `len` bytes from distance rep0 + 1, stopping at `outLimit` (the rest is pending). */
  private copyMatch(len: number, outLimit: number): void {
    if (this.rep0 >= this.outPos - this.dictStart) throw new ModelgateError('MALFORMED', 'LZMA match distance beyond the dictionary');
    const n = Math.min(len, outLimit - this.outPos);
    this.pendingLen = len - n;
    let from = this.outPos - this.rep0 - 1;
    for (let i = 0; i < n; i++) this.out[this.outPos++] = this.out[from++]!;
  }

  /** Starts a range-coded stream in input[inStart, inEnd) (see RangeDecoder.start). */
  startInput(input: Uint8Array, inStart: number, inEnd: number): void {
    this.rc.start(input, inStart, inEnd);
  }

  /** Input bytes consumed so far (position in the input array). */
  get inputPos(): number {
    return this.rc.inputPos;
  }

  /** Whether the range coder ended clean after the last symbol decoded. */
  get finishedCleanly(): boolean {
    return this.rc.finishedCleanly;
  }

  /**
   * Decodes one more symbol, which must be the end marker (a match with distance 2^32 - 1); an
   * LZMA stream may carry one even when its size is known. False for anything else.
   */
  decodeEndMarker(): boolean {
    const posState = (this.outPos - this.dictStart) & this.pbMask;
    if (this.rc.bit(IS_MATCH + (this.state << 4) + posState) === 0) return false;
    if (this.rc.bit(IS_REP + this.state) === 1) return false;
    return this.distance(this.length(LEN, posState)) === 0xffffffff;
  }

  /**
   * Spec "The main loop": decodes until `outLimit` bytes are written or the end marker is read.
   * Returns true when the end marker ended the stream.
   */
  decode(outLimit: number): boolean {
    this.pendingLen = 0;
    while (this.outPos < outLimit) {
      const posState = (this.outPos - this.dictStart) & this.pbMask;
      const state = this.state;
      if (this.rc.bit(IS_MATCH + (state << 4) + posState) === 0) {
        this.literal();
        this.state = state < 4 ? 0 : state < 10 ? state - 3 : state - 6;
        continue;
      }
      let len: number;
      if (this.rc.bit(IS_REP + state) === 1) {
        if (this.outPos === this.dictStart) throw new ModelgateError('MALFORMED', 'LZMA repeat match in an empty dictionary');
        if (this.rc.bit(IS_REP_G0 + state) === 0) {
          if (this.rc.bit(IS_REP0_LONG + (state << 4) + posState) === 0) {
            // "Short rep": one byte at distance rep0 + 1.
            this.state = state < 7 ? 9 : 11;
            this.copyMatch(1, outLimit);
            continue;
          }
        } else {
          let dist: number;
          if (this.rc.bit(IS_REP_G1 + state) === 0) {
            dist = this.rep1;
          } else {
            if (this.rc.bit(IS_REP_G2 + state) === 0) {
              dist = this.rep2;
            } else {
              dist = this.rep3;
              this.rep3 = this.rep2;
            }
            this.rep2 = this.rep1;
          }
          this.rep1 = this.rep0;
          this.rep0 = dist;
        }
        len = this.length(REP_LEN, posState);
        this.state = state < 7 ? 8 : 11;
      } else {
        this.rep3 = this.rep2;
        this.rep2 = this.rep1;
        this.rep1 = this.rep0;
        len = this.length(LEN, posState);
        this.state = state < 7 ? 7 : 10;
        this.rep0 = this.distance(len);
        if (this.rep0 === 0xffffffff) return true; // the end marker
      }
      this.copyMatch(len + 2, outLimit);
    }
    return false;
  }
}

/**
 * The 7z LZMA coder (method 030101): 5 property bytes (the properties byte, then the dictionary
 * size, which the whole-output dictionary makes moot), raw range-coded data, no header.
 */
export function decodeLzmaCoder(props: Buffer, input: Uint8Array, outSize: number): Buffer {
  if (props.length < 5) throw new ModelgateError('MALFORMED', `LZMA coder needs 5 property bytes, has ${props.length}`);
  const out = Buffer.alloc(outSize);
  if (outSize === 0) return out;
  const decoder = new LzmaDecoder(out);
  decoder.setProperties(decodePropertiesByte(props[0]!));
  decoder.startInput(input, 0, input.length);
  const sawEndMarker = decoder.decode(outSize);
  if (decoder.outPos !== outSize) throw new ModelgateError('MALFORMED', `LZMA stream ended after ${decoder.outPos} of ${outSize} bytes`);
  // As 7-Zip does when it unpacks a whole stream (LzmaDec.c finish status): the range coder must
  // end clean, directly or after an optional end marker.
  if (!sawEndMarker && !decoder.finishedCleanly && !(decoder.decodeEndMarker() && decoder.finishedCleanly)) {
    throw new ModelgateError('MALFORMED', 'LZMA stream does not end cleanly');
  }
  return out;
}
