import type { ByteSource } from './byte-source.js';
import { ModelgateError } from './errors.js';

const WINDOW = 4 * 1024 * 1024;
/** The window after a jump: a header read at a far offset costs this, not a whole WINDOW. */
const FIRST_WINDOW = 64 * 1024;

/**
 * The one bounds-checked cursor every parser reads through. It keeps a window of the source
 * in memory, so a multi-gigabyte file is read piecewise; every read past `end` throws a
 * TRUNCATED ModelgateError carrying the offset.
 */
export class ByteReader {
  pos: number;
  readonly end: number;
  private win: Buffer;
  private winStart: number;

  constructor(
    readonly source: ByteSource,
    start = 0,
    end = source.size,
  ) {
    this.pos = start;
    this.end = Math.min(end, source.size);
    this.win = Buffer.alloc(0);
    this.winStart = start;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  atEnd(): boolean {
    return this.pos >= this.end;
  }

  private fill(need: number): void {
    if (this.pos + need > this.end) {
      throw new ModelgateError('TRUNCATED', `needed ${need} bytes at offset ${this.pos}, ${this.end - this.pos} left`, {
        offset: this.pos,
      });
    }
    // Reading on from inside the window or just past its end (an operand skipped over its edge)
    // doubles the window up to the source's read size; a jump (a zip's next local header, a
    // member's first bytes, tensor data skipped) starts small again.
    const most = this.source.readSize ?? WINDOW;
    const onward = this.win.length > 0 && this.pos >= this.winStart && this.pos <= this.winStart + 2 * this.win.length;
    const size = onward ? Math.min(most, this.win.length * 2) : Math.min(most, FIRST_WINDOW);
    this.winStart = this.pos;
    this.win = this.source.read(this.pos, Math.min(this.end - this.pos, Math.max(size, need)));
    // A source may return short only at its end; a file that shrank after it was opened must not
    // leave the callers below indexing past the window.
    if (this.win.length < need) {
      throw new ModelgateError('TRUNCATED', `needed ${need} bytes at offset ${this.pos}, the source gave ${this.win.length}`, {
        offset: this.pos,
      });
    }
  }

  /** The next byte. */
  u8(): number {
    const i = this.pos - this.winStart;
    if (i >= 0 && i < this.win.length) {
      this.pos++;
      return this.win[i]!;
    }
    this.fill(1);
    this.pos++;
    return this.win[0]!;
  }

  /** The next byte without consuming it, or -1 at the end. */
  peek(): number {
    if (this.pos >= this.end) return -1;
    const i = this.pos - this.winStart;
    if (i >= 0 && i < this.win.length) return this.win[i]!;
    this.fill(1);
    return this.win[0]!;
  }

  /** `n` bytes; a view into the window when they fit, else a fresh read. */
  bytes(n: number): Buffer {
    if (n < 0 || !Number.isSafeInteger(n)) throw new ModelgateError('MALFORMED', `bad length ${n}`, { offset: this.pos });
    const i = this.pos - this.winStart;
    if (i >= 0 && i + n <= this.win.length) {
      this.pos += n;
      return this.win.subarray(i, i + n);
    }
    if (n > WINDOW) {
      if (this.pos + n > this.end) this.fill(n);
      const out = this.source.read(this.pos, n);
      this.pos += n;
      return out;
    }
    this.fill(n);
    this.pos += n;
    return this.win.subarray(0, n);
  }

  /**
   * Claims the next `n` bytes in place: afterwards they are `window[i .. i+n)`, for the `i`
   * returned. Lets hot parsers keep a reference instead of copying or decoding.
   */
  claim(n: number): number {
    if (n < 0) throw new ModelgateError('MALFORMED', `bad length ${n}`, { offset: this.pos });
    let i = this.pos - this.winStart;
    if (i < 0 || i + n > this.win.length) {
      this.fill(n);
      i = 0;
    }
    this.pos += n;
    return i;
  }

  /** The buffer `claim` indexes into; replaced when the reader moves past it. */
  get window(): Buffer {
    return this.win;
  }

  /** Source offset of `window[0]`. */
  get windowStart(): number {
    return this.winStart;
  }

  /** `n` bytes decoded as text, without materialising a Buffer view when they are in the window. */
  text(n: number, encoding: 'utf8' | 'latin1'): string {
    const i = this.pos - this.winStart;
    if (n >= 0 && i >= 0 && i + n <= this.win.length) {
      this.pos += n;
      return this.win.toString(encoding, i, i + n);
    }
    return this.bytes(n).toString(encoding);
  }

  /** Moves past `n` bytes without reading them. */
  skip(n: number): void {
    if (n < 0 || this.pos + n > this.end) {
      throw new ModelgateError('TRUNCATED', `cannot skip ${n} bytes at offset ${this.pos}`, { offset: this.pos });
    }
    this.pos += n;
  }

  u16le(): number {
    const i = this.claim(2);
    return this.win[i]! | (this.win[i + 1]! << 8);
  }
  u32le(): number {
    const i = this.claim(4);
    return this.win.readUInt32LE(i);
  }
  i32le(): number {
    const i = this.claim(4);
    return this.win.readInt32LE(i);
  }
  /** A little-endian u64; throws MALFORMED past 2^53 since no real length is that large. */
  u64le(): number {
    const at = this.pos;
    const i = this.claim(8);
    const v = this.win.readBigUInt64LE(i);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new ModelgateError('MALFORMED', `length ${v} is absurd`, { offset: at });
    return Number(v);
  }
  i64le(): bigint {
    const i = this.claim(8);
    return this.win.readBigInt64LE(i);
  }
  f64be(): number {
    const i = this.claim(8);
    return this.win.readDoubleBE(i);
  }

  /** Where the line `lineSpan` read starts and ends in the buffer it returned. */
  lineStart = 0;
  lineEnd = 0;

  /**
   * `line`, without making a Buffer when the line lies in the window: returns the window (or the
   * line read the long way), the line being `lineStart` to `lineEnd` of it. Text pickles have a
   * line per opcode.
   */
  lineSpan(max: number): Buffer {
    if (this.lineInWindow(max)) return this.win;
    const line = this.longLine(max);
    this.lineStart = 0;
    this.lineEnd = line.length;
    return line;
  }

  /** Bytes up to (not including) the next `\n`, which is consumed; at most `max` bytes. */
  line(max: number): Buffer {
    return this.lineInWindow(max) ? this.win.subarray(this.lineStart, this.lineEnd) : this.longLine(max);
  }

  /** Consumes the next line when it lies in the window, setting `lineStart` and `lineEnd`. */
  private lineInWindow(max: number): boolean {
    const at = this.pos - this.winStart;
    if (at < 0 || at >= this.win.length) return false;
    const nl = this.win.indexOf(0x0a, at);
    if (nl === -1 || nl - at > max) return false;
    this.pos += nl - at + 1;
    this.lineStart = at;
    this.lineEnd = nl;
    return true;
  }

  /** A line that may run past the window, gathered piece by piece. */
  private longLine(max: number): Buffer {
    const start = this.pos;
    const parts: Buffer[] = [];
    let total = 0;
    for (;;) {
      if (this.pos >= this.end) {
        throw new ModelgateError('TRUNCATED', `line starting at ${start} has no end`, { offset: start });
      }
      let i = this.pos - this.winStart;
      if (i < 0 || i >= this.win.length) {
        this.fill(1);
        i = 0;
      }
      const nl = this.win.indexOf(0x0a, i);
      const stop = nl === -1 ? this.win.length : nl;
      const piece = this.win.subarray(i, stop);
      total += piece.length;
      if (total > max) throw new ModelgateError('LIMIT_STRING', `line at ${start} longer than ${max} bytes`, { offset: start });
      parts.push(piece);
      this.pos += piece.length;
      if (nl !== -1) {
        this.pos++;
        return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
      }
    }
  }
}
