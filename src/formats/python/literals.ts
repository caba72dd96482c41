/**
 * Python string and bytes literals, decoded statically as the tokenizer would (Python
 * reference, "Lexical analysis", 2.4.1 String and Bytes literals). Decoding a literal is
 * reading text, not running it.
 */

/** Characters a literal may hold once decoded; longer ones are cut (real payloads are smaller). */
export const MAX_LITERAL_CHARS = 16 * 1024 * 1024;

const SIMPLE_ESCAPES: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

/** Splits `rb'''x'''` into its prefix (lower-cased) and body, or undefined if it is no literal. */
export function splitLiteral(token: string): { prefix: string; body: string } | undefined {
  const m = /^([A-Za-z]{0,3})('''|"""|'|")/.exec(token);
  if (!m) return undefined;
  const quote = m[2]!;
  const start = m[0].length;
  const end = token.length >= start + quote.length && token.endsWith(quote) ? token.length - quote.length : token.length;
  return { prefix: m[1]!.toLowerCase(), body: token.slice(start, Math.max(start, end)) };
}

/**
 * Resolves backslash escapes of a literal body. `bytes` literals know only byte escapes; `\N{…}`
 * names are not looked up (they become U+FFFD), and unknown escapes keep their backslash.
 */
export function unescape(body: string, bytes: boolean): string {
  if (!body.includes('\\')) return body.length > MAX_LITERAL_CHARS ? body.slice(0, MAX_LITERAL_CHARS) : body;
  const out: string[] = [];
  let size = 0;
  for (let i = 0; i < body.length && size < MAX_LITERAL_CHARS; i++) {
    const c = body[i]!;
    if (c !== '\\' || i + 1 >= body.length) {
      out.push(c);
      size++;
      continue;
    }
    const e = body[++i]!;
    let piece: string;
    if (e === '\n') piece = '';
    else if (e === '\r') piece = body[i + 1] === '\n' ? (i++, '') : '';
    else if (e in SIMPLE_ESCAPES) piece = SIMPLE_ESCAPES[e]!;
    else if (e >= '0' && e <= '7') {
      const digits = /^[0-7]{1,3}/.exec(body.slice(i, i + 3))![0];
      i += digits.length - 1;
      piece = String.fromCharCode(parseInt(digits, 8) & (bytes ? 0xff : 0x1ff));
    } else if (e === 'x' && /^[0-9a-fA-F]{2}$/.test(body.slice(i + 1, i + 3))) {
      piece = String.fromCharCode(parseInt(body.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (!bytes && (e === 'u' || e === 'U')) {
      const n = e === 'u' ? 4 : 8;
      const hex = body.slice(i + 1, i + 1 + n);
      const code = /^[0-9a-fA-F]+$/.test(hex) && hex.length === n ? parseInt(hex, 16) : NaN;
      piece = Number.isNaN(code) || code > 0x10ffff ? '\\' + e : String.fromCodePoint(code);
      if (!Number.isNaN(code) && code <= 0x10ffff) i += n;
    } else if (!bytes && e === 'N' && body[i + 1] === '{') {
      const close = body.indexOf('}', i);
      piece = '\ufffd';
      i = close === -1 ? body.length : close;
    } else piece = '\\' + e;
    out.push(piece);
    size += piece.length;
  }
  return out.join('');
}

/** Latin-1 bytes of a decoded bytes literal (its characters are all below 256). */
export function bytesOf(decoded: string): Buffer {
  return Buffer.from(decoded, 'latin1');
}

/**
 * The value of one literal token (`'a\x41'`, `rb"…"`), or undefined for f-strings and tokens
 * that are no literal. Strings come back as text, bytes as a Buffer.
 */
export function literalValue(token: string): { kind: 'str'; value: string } | { kind: 'bytes'; value: Buffer } | undefined {
  const parts = splitLiteral(token);
  if (!parts || parts.prefix.includes('f') || parts.prefix.includes('t')) return undefined;
  const raw = parts.prefix.includes('r');
  const isBytes = parts.prefix.includes('b');
  const text = raw ? parts.body.slice(0, MAX_LITERAL_CHARS) : unescape(parts.body, isBytes);
  return isBytes ? { kind: 'bytes', value: bytesOf(text) } : { kind: 'str', value: text };
}
