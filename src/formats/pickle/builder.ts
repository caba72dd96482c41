/**
 * Test-only: emits pickle bytes opcode by opcode, each with the exact encoding CPython's
 * Lib/pickletools.py documents for it (and Lib/pickle.py writes), so tests state the stream
 * they mean instead of pasting blobs. Nothing is checked: a test may build any stream,
 * including broken ones (a lying length, a missing STOP, a stray byte via `raw`).
 *
 * Text-mode operands end with `\n`; binary lengths and integers are little-endian; BINFLOAT is
 * big-endian; LONG1/LONG4 are minimal two's complement (pickle.encode_long); FRAME's length is
 * a u64.
 */

type Size = number | bigint;
/** Bytes operands: a Buffer, or a string taken as latin-1 (one byte per char). */
type BytesLike = Buffer | Uint8Array | string;

/** Declared-length override for length-prefixed operands, to build lying or absurd lengths. */
export interface LengthOption {
  length?: Size;
}

const latin1 = (v: BytesLike): Buffer => (typeof v === 'string' ? Buffer.from(v, 'latin1') : Buffer.from(v));

function u8(n: number): Buffer {
  return Buffer.from([n & 0xff]);
}
function u16le(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n);
  return b;
}
function i32le(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32LE(n);
  return b;
}
function u32le(n: Size): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(Number(n));
  return b;
}
function u64le(n: Size): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return b;
}

/**
 * `pickle.encode_long`: the minimal little-endian two's complement bytes of an integer, empty
 * for 0 (255 is `ff 00`, -256 is `00 ff`, -128 is `80`).
 */
export function encodeLong(value: Size): Buffer {
  const x = BigInt(value);
  if (x === 0n) return Buffer.alloc(0);
  const bitLength = (x < 0n ? -x : x).toString(2).length;
  let n = (bitLength >> 3) + 1;
  const out = Buffer.alloc(n);
  let v = x < 0n ? (1n << BigInt(8 * n)) + x : x;
  for (let i = 0; i < n; i++) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  // encode_long drops a redundant sign byte of negatives: -128 is 0x80, not 0x80 0xff.
  if (x < 0n && n > 1 && out[n - 1] === 0xff && (out[n - 2]! & 0x80) !== 0) n--;
  return out.subarray(0, n);
}

/**
 * Python's `repr(float)`: shortest round-trip digits, scientific below 1e-4 and from 1e16,
 * `.0` on integral values, `inf`/`nan` spelled as Python does.
 */
export function pyFloatRepr(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (v === 0) return Object.is(v, -0) ? '-0.0' : '0.0';
  const [mantissa, expText] = v.toExponential().split('e');
  const exp = Number(expText);
  if (exp < -4 || exp >= 16) {
    const sign = exp < 0 ? '-' : '+';
    return `${mantissa}e${sign}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  const fixed = String(v);
  return fixed.includes('.') ? fixed : `${fixed}.0`;
}

/**
 * Python 2's `repr(str)` of a byte string, as protocol-0 STRING writes it: single quotes unless
 * the text holds `'` and no `"`; `\\`, `\t`, `\n`, `\r` and the quote escaped; other bytes
 * outside 0x20-0x7e as `\xNN`.
 */
export function pyBytesRepr(value: BytesLike): string {
  const b = latin1(value);
  const quote = b.includes(0x27) && !b.includes(0x22) ? '"' : "'";
  let out = quote;
  for (const c of b) {
    const ch = String.fromCharCode(c);
    if (ch === '\\' || ch === quote) out += '\\' + ch;
    else if (ch === '\t') out += '\\t';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (c < 0x20 || c >= 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
    else out += ch;
  }
  return out + quote;
}

/**
 * The UNICODE operand as pickle.py's `save_str` writes it for protocol 0: `\`, NUL, `\n`, `\r`
 * and `\x1a` as `\uXXXX`, then the `raw-unicode-escape` codec (latin-1 bytes below U+0100,
 * `\uXXXX` / `\UXXXXXXXX` above).
 */
export function rawUnicodeEscape(s: string): Buffer {
  const bytes: number[] = [];
  const escape = (text: string): void => {
    for (const ch of text) bytes.push(ch.charCodeAt(0));
  };
  for (const ch of s) {
    const cp = ch.codePointAt(0) as number;
    if (cp === 0x5c || cp === 0 || cp === 0x0a || cp === 0x0d || cp === 0x1a || (cp >= 0x100 && cp <= 0xffff)) {
      escape('\\u' + cp.toString(16).padStart(4, '0'));
    } else if (cp > 0xffff) escape('\\U' + cp.toString(16).padStart(8, '0'));
    else bytes.push(cp);
  }
  return Buffer.from(bytes);
}

/**
 * A fluent pickle writer with one method per opcode of protocols 0-5 (named after the opcode
 * in camelCase: `SHORT_BINUNICODE` is `shortBinunicode`). Call `bytes()` at the end.
 */
export class PickleBuilder {
  private readonly parts: Buffer[] = [];

  /** Appends bytes as they are: stray opcodes, junk, a second stream. */
  raw(data: BytesLike | number[]): this {
    this.parts.push(Array.isArray(data) ? Buffer.from(data) : latin1(data));
    return this;
  }

  /** The bytes written so far. */
  bytes(): Buffer {
    return Buffer.concat(this.parts);
  }

  get length(): number {
    return this.parts.reduce((n, p) => n + p.length, 0);
  }

  private op(code: number, ...operands: Buffer[]): this {
    this.parts.push(u8(code), ...operands);
    return this;
  }
  private line(text: BytesLike): Buffer {
    return Buffer.concat([latin1(text), Buffer.from('\n')]);
  }
  private utf8Line(text: string): Buffer {
    return Buffer.from(text + '\n', 'utf8');
  }

  // --- framing and control (pickletools: PROTO, FRAME, STOP) ---

  /** PROTO: `\x80` + u8 protocol. */
  proto(protocol: number): this {
    return this.op(0x80, u8(protocol));
  }
  /** FRAME: `\x95` + u64le length of the frame that follows. */
  frame(length: Size): this {
    return this.op(0x95, u64le(length));
  }
  /** FRAME holding `body`: the length written is the body's, as the protocol-4 framer does. */
  framed(body: PickleBuilder | Buffer): this {
    const data = body instanceof PickleBuilder ? body.bytes() : body;
    return this.frame(data.length).raw(data);
  }
  /** STOP: `.` */
  stop(): this {
    return this.op(0x2e);
  }

  // --- integers ---

  /** INT: `I` + decimal + `\n`; a boolean writes protocol 0's `01`/`00`; a string is raw text. */
  int(value: number | bigint | boolean | string): this {
    const text = typeof value === 'boolean' ? (value ? '01' : '00') : String(value);
    return this.op(0x49, this.line(text));
  }
  /** BININT: `J` + i32le. */
  binint(value: number): this {
    return this.op(0x4a, i32le(value));
  }
  /** BININT1: `K` + u8. */
  binint1(value: number): this {
    return this.op(0x4b, u8(value));
  }
  /** BININT2: `M` + u16le. */
  binint2(value: number): this {
    return this.op(0x4d, u16le(value));
  }
  /** LONG: `L` + decimal + `L\n` (pickle.py protocol 0); a string is the raw text line. */
  long(value: Size | string): this {
    return this.op(0x4c, this.line(typeof value === 'string' ? value : `${value}L`));
  }
  /** LONG1: `\x8a` + u8 length + two's complement bytes. */
  long1(value: Size): this {
    const data = encodeLong(value);
    return this.op(0x8a, u8(data.length), data);
  }
  /** LONG4: `\x8b` + i32le length + two's complement bytes; `length` may lie (negative too). */
  long4(value: Size, options: LengthOption = {}): this {
    const data = encodeLong(value);
    return this.op(0x8b, i32le(Number(options.length ?? data.length)), data);
  }

  // --- floats ---

  /** FLOAT: `F` + repr(float) + `\n`; a string is the raw text. */
  float(value: number | string): this {
    return this.op(0x46, this.line(typeof value === 'string' ? value : pyFloatRepr(value)));
  }
  /** BINFLOAT: `G` + IEEE 754 double, big-endian. */
  binfloat(value: number): this {
    const b = Buffer.alloc(8);
    b.writeDoubleBE(value);
    return this.op(0x47, b);
  }

  // --- byte strings (Python 2 str, Python 3 bytes and bytearray) ---

  /** STRING: `S` + Python 2 repr + `\n`. */
  string(value: BytesLike): this {
    return this.op(0x53, this.line(pyBytesRepr(value)));
  }
  /** BINSTRING: `T` + i32le length + bytes. */
  binstring(value: BytesLike, options: LengthOption = {}): this {
    const data = latin1(value);
    return this.op(0x54, i32le(Number(options.length ?? data.length)), data);
  }
  /** SHORT_BINSTRING: `U` + u8 length + bytes. */
  shortBinstring(value: BytesLike, options: LengthOption = {}): this {
    const data = latin1(value);
    return this.op(0x55, u8(Number(options.length ?? data.length)), data);
  }
  /** BINBYTES: `B` + u32le length + bytes. */
  binbytes(value: BytesLike, options: LengthOption = {}): this {
    const data = latin1(value);
    return this.op(0x42, u32le(options.length ?? data.length), data);
  }
  /** SHORT_BINBYTES: `C` + u8 length + bytes. */
  shortBinbytes(value: BytesLike, options: LengthOption = {}): this {
    const data = latin1(value);
    return this.op(0x43, u8(Number(options.length ?? data.length)), data);
  }
  /** BINBYTES8: `\x8e` + u64le length + bytes. */
  binbytes8(value: BytesLike, options: LengthOption = {}): this {
    const data = latin1(value);
    return this.op(0x8e, u64le(options.length ?? data.length), data);
  }
  /** BYTEARRAY8: `\x96` + u64le length + bytes. */
  bytearray8(value: BytesLike, options: LengthOption = {}): this {
    const data = latin1(value);
    return this.op(0x96, u64le(options.length ?? data.length), data);
  }

  // --- text strings ---

  /** UNICODE: `V` + raw-unicode-escape text + `\n`. */
  unicode(value: string): this {
    return this.op(0x56, rawUnicodeEscape(value), Buffer.from('\n'));
  }
  /** SHORT_BINUNICODE: `\x8c` + u8 length + UTF-8. */
  shortBinunicode(value: string, options: LengthOption = {}): this {
    const data = Buffer.from(value, 'utf8');
    return this.op(0x8c, u8(Number(options.length ?? data.length)), data);
  }
  /** BINUNICODE: `X` + u32le length + UTF-8. */
  binunicode(value: string, options: LengthOption = {}): this {
    const data = Buffer.from(value, 'utf8');
    return this.op(0x58, u32le(options.length ?? data.length), data);
  }
  /** BINUNICODE8: `\x8d` + u64le length + UTF-8. */
  binunicode8(value: string, options: LengthOption = {}): this {
    const data = Buffer.from(value, 'utf8');
    return this.op(0x8d, u64le(options.length ?? data.length), data);
  }
  /** A str as pickle.py writes it from protocol 4 on: SHORT_BINUNICODE up to 255 bytes, else BINUNICODE. */
  str(value: string): this {
    return Buffer.byteLength(value, 'utf8') < 256 ? this.shortBinunicode(value) : this.binunicode(value);
  }

  // --- constants and out-of-band buffers ---

  /** NONE: `N` */
  none(): this {
    return this.op(0x4e);
  }
  /** NEWTRUE: `\x88` */
  newtrue(): this {
    return this.op(0x88);
  }
  /** NEWFALSE: `\x89` */
  newfalse(): this {
    return this.op(0x89);
  }
  /** NEXT_BUFFER: `\x97` */
  nextBuffer(): this {
    return this.op(0x97);
  }
  /** READONLY_BUFFER: `\x98` */
  readonlyBuffer(): this {
    return this.op(0x98);
  }

  // --- containers ---

  /** EMPTY_LIST: `]` */
  emptyList(): this {
    return this.op(0x5d);
  }
  /** APPEND: `a` */
  append(): this {
    return this.op(0x61);
  }
  /** APPENDS: `e` */
  appends(): this {
    return this.op(0x65);
  }
  /** LIST: `l` */
  list(): this {
    return this.op(0x6c);
  }
  /** EMPTY_TUPLE: `)` */
  emptyTuple(): this {
    return this.op(0x29);
  }
  /** TUPLE: `t` */
  tuple(): this {
    return this.op(0x74);
  }
  /** TUPLE1: `\x85` */
  tuple1(): this {
    return this.op(0x85);
  }
  /** TUPLE2: `\x86` */
  tuple2(): this {
    return this.op(0x86);
  }
  /** TUPLE3: `\x87` */
  tuple3(): this {
    return this.op(0x87);
  }
  /** EMPTY_DICT: `}` */
  emptyDict(): this {
    return this.op(0x7d);
  }
  /** DICT: `d` */
  dict(): this {
    return this.op(0x64);
  }
  /** SETITEM: `s` */
  setitem(): this {
    return this.op(0x73);
  }
  /** SETITEMS: `u` */
  setitems(): this {
    return this.op(0x75);
  }
  /** EMPTY_SET: `\x8f` */
  emptySet(): this {
    return this.op(0x8f);
  }
  /** ADDITEMS: `\x90` */
  additems(): this {
    return this.op(0x90);
  }
  /** FROZENSET: `\x91` */
  frozenset(): this {
    return this.op(0x91);
  }

  // --- stack manipulation ---

  /** POP: `0` */
  pop(): this {
    return this.op(0x30);
  }
  /** DUP: `2` */
  dup(): this {
    return this.op(0x32);
  }
  /** MARK: `(` */
  mark(): this {
    return this.op(0x28);
  }
  /** POP_MARK: `1` */
  popMark(): this {
    return this.op(0x31);
  }

  // --- memo ---

  /** GET: `g` + decimal + `\n`; a string is the raw text. */
  get(index: number | string): this {
    return this.op(0x67, this.line(String(index)));
  }
  /** BINGET: `h` + u8. */
  binget(index: number): this {
    return this.op(0x68, u8(index));
  }
  /** LONG_BINGET: `j` + u32le. */
  longBinget(index: number): this {
    return this.op(0x6a, u32le(index));
  }
  /** PUT: `p` + decimal + `\n`; a string is the raw text. */
  put(index: number | string): this {
    return this.op(0x70, this.line(String(index)));
  }
  /** BINPUT: `q` + u8. */
  binput(index: number): this {
    return this.op(0x71, u8(index));
  }
  /** LONG_BINPUT: `r` + u32le. */
  longBinput(index: number): this {
    return this.op(0x72, u32le(index));
  }
  /** MEMOIZE: `\x94` */
  memoize(): this {
    return this.op(0x94);
  }

  // --- extension registry ---

  /** EXT1: `\x82` + u8 code. */
  ext1(code: number): this {
    return this.op(0x82, u8(code));
  }
  /** EXT2: `\x83` + u16le code. */
  ext2(code: number): this {
    return this.op(0x83, u16le(code));
  }
  /** EXT4: `\x84` + i32le code. */
  ext4(code: number): this {
    return this.op(0x84, i32le(code));
  }

  // --- imports, calls and object building ---

  /** GLOBAL: `c` + module + `\n` + name + `\n` (UTF-8). */
  global(module: string, name: string): this {
    return this.op(0x63, this.utf8Line(module), this.utf8Line(name));
  }
  /** STACK_GLOBAL: `\x93` */
  stackGlobal(): this {
    return this.op(0x93);
  }
  /** REDUCE: `R` */
  reduce(): this {
    return this.op(0x52);
  }
  /** BUILD: `b` */
  build(): this {
    return this.op(0x62);
  }
  /** INST: `i` + module + `\n` + name + `\n`. */
  inst(module: string, name: string): this {
    return this.op(0x69, this.utf8Line(module), this.utf8Line(name));
  }
  /** OBJ: `o` */
  obj(): this {
    return this.op(0x6f);
  }
  /** NEWOBJ: `\x81` */
  newobj(): this {
    return this.op(0x81);
  }
  /** NEWOBJ_EX: `\x92` */
  newobjEx(): this {
    return this.op(0x92);
  }

  // --- persistent ids ---

  /** PERSID: `P` + id + `\n`. */
  persid(pid: string): this {
    return this.op(0x50, this.line(pid));
  }
  /** BINPERSID: `Q` */
  binpersid(): this {
    return this.op(0x51);
  }
}

/** A new, empty builder: `pickle().proto(4).global('os', 'system')…bytes()`. */
export function pickle(): PickleBuilder {
  return new PickleBuilder();
}
