/**
 * Turns the text Keras stores for a lambda into the bytes `marshal.loads` would get, exactly
 * as `keras.src.utils.python_utils.func_load` (and Keras 2's `generic_utils.func_load`) does:
 * `codecs.decode(code.encode("ascii"), "base64")`, and when that raises (a non-ASCII character,
 * or base64 that `binascii` rejects) `code.encode("raw_unicode_escape")`. A scanner that only
 * tried base64 would miss code stored through the fallback.
 */

/** Value of each base64 alphabet character (RFC 4648 §4); -1 for characters binascii skips. */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const VALUE = new Int8Array(256).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) VALUE[ALPHABET.charCodeAt(i)] = i;

/**
 * `binascii.a2b_base64` in its default, non-strict mode (Modules/binascii.c): characters
 * outside the alphabet are skipped, a complete pad sequence ends the data, and a final group of
 * one character, or of two or three without padding, is an error. Returns undefined for those
 * errors, where func_load falls back to raw_unicode_escape.
 */
export function pythonBase64(text: string): Buffer | undefined {
  const out = Buffer.allocUnsafe(Math.floor((text.length * 3) / 4) + 3);
  let n = 0;
  let quadPos = 0;
  let left = 0;
  let pads = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x3d) {
      // '=': counts toward a pad sequence only after two data characters of a group.
      if (quadPos >= 2 && quadPos + ++pads >= 4) return out.subarray(0, n);
      continue;
    }
    const v = c < 256 ? VALUE[c]! : -1;
    if (v < 0) continue;
    pads = 0;
    switch (quadPos) {
      case 0:
        left = v;
        quadPos = 1;
        break;
      case 1:
        out[n++] = ((left << 2) | (v >> 4)) & 0xff;
        left = v & 0x0f;
        quadPos = 2;
        break;
      case 2:
        out[n++] = ((left << 4) | (v >> 2)) & 0xff;
        left = v & 0x03;
        quadPos = 3;
        break;
      default:
        out[n++] = ((left << 6) | v) & 0xff;
        quadPos = 0;
    }
  }
  return quadPos === 0 ? out.subarray(0, n) : undefined;
}

/** `str.encode("raw_unicode_escape")`: code points below 256 as bytes, others as `\uXXXX`/`\UXXXXXXXX`. */
export function rawUnicodeEscape(text: string): Buffer {
  const parts: string[] = [];
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp < 0x100) parts.push(ch);
    else if (cp < 0x10000) parts.push(`\\u${cp.toString(16).padStart(4, '0')}`);
    else parts.push(`\\U${cp.toString(16).padStart(8, '0')}`);
  }
  return Buffer.from(parts.join(''), 'latin1');
}

/** The marshal bytes func_load would read from `code`, and which way it got them. */
export function lambdaBytes(code: string): { bytes: Buffer; encoding: 'base64' | 'raw' } {
  // code.encode("ascii") raises UnicodeEncodeError on any character past U+007F.
  const ascii = !/[^\x00-\x7f]/.test(code);
  const decoded = ascii ? pythonBase64(code) : undefined;
  if (decoded) return { bytes: decoded, encoding: 'base64' };
  return { bytes: rawUnicodeEscape(code), encoding: 'raw' };
}
