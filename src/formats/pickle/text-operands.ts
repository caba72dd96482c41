import { ModelgateError } from '../../core/errors.js';

/**
 * Decoding of the text-mode operands of protocol 0 (pickletools: `decimalnl_short`,
 * `decimalnl_long`, `floatnl`, `stringnl`, `unicodestringnl`).
 */

/** `int(text, 0)` as pickle.py's load_int/load_long use it; a trailing `L` is allowed for LONG. */
export function parseIntText(raw: Buffer, offset: number, allowL: boolean): number | bigint {
  const quick = plainDecimal(raw, 0, raw.length);
  if (quick !== undefined) return quick;
  let text = raw.toString('latin1').trim();
  if (allowL && text.endsWith('L')) text = text.slice(0, -1);
  let sign = 1n;
  if (text.startsWith('-') || text.startsWith('+')) {
    if (text[0] === '-') sign = -1n;
    text = text.slice(1);
  }
  text = text.replace(/_/g, '');
  let value: bigint;
  try {
    if (/^0[xX][0-9a-fA-F]+$/.test(text) || /^0[oO][0-7]+$/.test(text) || /^0[bB][01]+$/.test(text)) value = BigInt(text);
    else if (/^[0-9]+$/.test(text)) value = BigInt(text);
    else throw new Error('not an integer');
  } catch (e) {
    throw new ModelgateError('MALFORMED', `invalid integer literal ${JSON.stringify(text.slice(0, 40))}`, { offset, cause: e });
  }
  value *= sign;
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

/**
 * The value of `raw[from, to)` when it is a plain decimal (an optional `-`, then up to 15
 * digits, no leading zero), the form picklers write; undefined for anything else, which
 * parseIntText reads the long way.
 */
export function plainDecimal(raw: Uint8Array, from: number, to: number): number | undefined {
  let i = from;
  const negative = raw[i] === 0x2d;
  if (negative) i++;
  const digits = to - i;
  if (digits < 1 || digits > 15 || (raw[i] === 0x30 && digits > 1)) return undefined;
  let v = 0;
  for (; i < to; i++) {
    const d = raw[i]! - 0x30;
    if (d < 0 || d > 9) return undefined;
    v = v * 10 + d;
  }
  return negative && v !== 0 ? -v : v;
}

/**
 * True when `raw[from, to)` is a float as `repr` writes it (`-12.5`, `1e-05`, `3.0E+20`): an
 * optional sign, digits, an optional fraction and exponent, nothing else. Anything else may
 * still be a float to parseFloatText (spaces, `.5`, `inf`, `nan`).
 */
export function isPlainFloat(raw: Uint8Array, from: number, to: number): boolean {
  let i = from;
  if (raw[i] === 0x2d || raw[i] === 0x2b) i++;
  const digits = i;
  while (i < to && raw[i]! >= 0x30 && raw[i]! <= 0x39) i++;
  if (i === digits) return false;
  if (i < to && raw[i] === 0x2e) {
    i++;
    while (i < to && raw[i]! >= 0x30 && raw[i]! <= 0x39) i++;
  }
  if (i < to && (raw[i] === 0x65 || raw[i] === 0x45)) {
    i++;
    if (i < to && (raw[i] === 0x2d || raw[i] === 0x2b)) i++;
    const exponent = i;
    while (i < to && raw[i]! >= 0x30 && raw[i]! <= 0x39) i++;
    if (i === exponent) return false;
  }
  return i === to;
}

/** `float(text)` as load_float uses it. */
export function parseFloatText(raw: Buffer, offset: number, from = 0, to = raw.length): number {
  const text = raw.toString('latin1', from, to).trim();
  if (/^[+-]?(inf|infinity)$/i.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/i.test(text)) return NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) {
    throw new ModelgateError('MALFORMED', `invalid float literal ${JSON.stringify(text.slice(0, 40))}`, { offset });
  }
  return Number(text);
}

const SIMPLE_ESCAPES: Readonly<Record<string, number>> = {
  '\\': 0x5c,
  "'": 0x27,
  '"': 0x22,
  a: 0x07,
  b: 0x08,
  f: 0x0c,
  n: 0x0a,
  r: 0x0d,
  t: 0x09,
  v: 0x0b,
};

/**
 * The STRING opcode's operand: a quoted literal decoded like `codecs.escape_decode`
 * (pickle.py load_string). Returns the raw bytes.
 */
export function decodeQuotedString(raw: Buffer, offset: number): Buffer {
  const quote = raw[0];
  if (raw.length < 2 || raw[raw.length - 1] !== quote || (quote !== 0x27 && quote !== 0x22)) {
    throw new ModelgateError('MALFORMED', 'the STRING opcode argument must be quoted', { offset });
  }
  const body = raw.subarray(1, raw.length - 1);
  const out: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== 0x5c || i + 1 >= body.length) {
      out.push(c);
      continue;
    }
    const next = String.fromCharCode(body[++i]!);
    if (next in SIMPLE_ESCAPES) out.push(SIMPLE_ESCAPES[next]!);
    else if (next === '\n') continue;
    else if (next === 'x') {
      const hex = body.subarray(i + 1, i + 3).toString('latin1');
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw new ModelgateError('MALFORMED', 'invalid \\x escape in STRING', { offset });
      out.push(parseInt(hex, 16));
      i += 2;
    } else if (next >= '0' && next <= '7') {
      let digits = next;
      while (digits.length < 3 && i + 1 < body.length && body[i + 1]! >= 0x30 && body[i + 1]! <= 0x37) digits += String.fromCharCode(body[++i]!);
      out.push(parseInt(digits, 8) & 0xff);
    } else out.push(0x5c, next.charCodeAt(0));
  }
  return Buffer.from(out);
}

/** True when `buffer[from, to)` holds a backslash (an escape raw-unicode-escape decodes). */
export function hasBackslash(buffer: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (buffer[i] === 0x5c) return true;
  return false;
}

/** The UNICODE opcode's operand, decoded like the `raw-unicode-escape` codec. */
export function decodeRawUnicodeEscape(buffer: Buffer, from = 0, to = buffer.length): string {
  // Without a backslash the text is its latin-1 bytes: one flat string, not one per character.
  let slash = from;
  while (slash < to && buffer[slash] !== 0x5c) slash++;
  if (slash === to) return buffer.toString('latin1', from, to);
  const raw = buffer.subarray(from, to);
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c === 0x5c && i + 1 < raw.length && (raw[i + 1] === 0x75 || raw[i + 1] === 0x55)) {
      const width = raw[i + 1] === 0x75 ? 4 : 8;
      const hex = raw.subarray(i + 2, i + 2 + width).toString('latin1');
      if (hex.length === width && /^[0-9a-fA-F]+$/.test(hex)) {
        const cp = parseInt(hex, 16);
        out += cp <= 0x10ffff ? String.fromCodePoint(cp) : '\ufffd';
        i += 1 + width;
        continue;
      }
    }
    out += String.fromCharCode(c);
  }
  return out;
}
