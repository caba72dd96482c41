import { ModelgateError } from '../../core/errors.js';

/**
 * JSON as Python's `json.loads` reads it, since that is what Keras calls: the RFC 8259 grammar
 * plus `NaN`, `Infinity` and `-Infinity`; a duplicate key keeps its last value; bytes are
 * decoded as `json.detect_encoding` decides (UTF-8 with or without BOM, UTF-16, UTF-32). The
 * parser is bounded in depth and never builds objects with a prototype, so keys such as
 * `__proto__` stay plain keys.
 */

export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/** True for a JSON object (not an array, not null). */
export function isJsonObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Decodes JSON bytes the way `json.loads(bytes)` picks their encoding (Lib/json/__init__.py). */
export function decodeJsonBytes(bytes: Buffer): string {
  const b = bytes;
  const utf32 = (littleEndian: boolean, from: number): string => {
    const points: number[] = [];
    for (let i = from; i + 4 <= b.length; i += 4) points.push(littleEndian ? b.readUInt32LE(i) : b.readUInt32BE(i));
    if (points.some((p) => p > 0x10ffff)) throw new ModelgateError('MALFORMED', 'JSON text is not valid UTF-32');
    return String.fromCodePoint(...points);
  };
  const utf16be = (from: number): string => Buffer.from(b.subarray(from)).swap16().toString('utf16le');
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xfe && b[2] === 0 && b[3] === 0) return utf32(true, 4);
  if (b.length >= 4 && b[0] === 0 && b[1] === 0 && b[2] === 0xfe && b[3] === 0xff) return utf32(false, 4);
  if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) return b.toString('utf16le', 2);
  if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) return utf16be(2 + (b.length % 2));
  if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return b.toString('utf8', 3);
  // No BOM: the pattern of NUL bytes in the first four says which encoding (RFC 4627 §3).
  if (b.length >= 4 && b[0] === 0 && b[1] === 0 && b[2] === 0) return utf32(false, 0);
  if (b.length >= 2 && b[0] === 0 && b[1] !== 0) return utf16be(b.length % 2);
  if (b.length >= 4 && b[1] === 0 && b[2] === 0 && b[3] === 0) return utf32(true, 0);
  if (b.length >= 2 && b[0] !== 0 && b[1] === 0) return b.toString('utf16le');
  return b.toString('utf8');
}

const WHITESPACE = /[ \t\n\r]*/y;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?/y;
const STRING_BODY = /[^"\\\x00-\x1f]*/y;

class Parser {
  pos = 0;
  constructor(
    private readonly text: string,
    private readonly maxDepth: number,
  ) {}

  fail(message: string): never {
    throw new ModelgateError(this.pos >= this.text.length ? 'TRUNCATED' : 'MALFORMED', `JSON ${message} at character ${this.pos}`);
  }

  skipSpace(): void {
    WHITESPACE.lastIndex = this.pos;
    WHITESPACE.test(this.text);
    this.pos = WHITESPACE.lastIndex;
  }

  value(depth: number): JsonValue {
    this.skipSpace();
    const t = this.text;
    const c = t[this.pos];
    if (c === '{' || c === '[') {
      if (depth >= this.maxDepth) throw new ModelgateError('LIMIT_DEPTH', `JSON nests deeper than ${this.maxDepth} levels`);
      return c === '{' ? this.object(depth + 1) : this.array(depth + 1);
    }
    if (c === '"') return this.string();
    for (const [word, v] of WORDS) {
      if (t.startsWith(word, this.pos)) {
        this.pos += word.length;
        return v;
      }
    }
    NUMBER.lastIndex = this.pos;
    const m = NUMBER.exec(t);
    if (!m) this.fail(c === undefined ? 'ends early' : `has unexpected ${JSON.stringify(c)}`);
    this.pos += m[0].length;
    return Number(m[0]);
  }

  object(depth: number): JsonObject {
    const out: JsonObject = Object.create(null) as JsonObject;
    this.pos++;
    this.skipSpace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] !== '"') this.fail('expects a string key');
      const key = this.string();
      this.skipSpace();
      if (this.text[this.pos] !== ':') this.fail("expects ':'");
      this.pos++;
      out[key] = this.value(depth);
      this.skipSpace();
      const c = this.text[this.pos++];
      if (c === '}') return out;
      if (c !== ',') this.fail("expects ',' or '}'");
    }
  }

  array(depth: number): JsonValue[] {
    const out: JsonValue[] = [];
    this.pos++;
    this.skipSpace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(this.value(depth));
      this.skipSpace();
      const c = this.text[this.pos++];
      if (c === ']') return out;
      if (c !== ',') this.fail("expects ',' or ']'");
    }
  }

  string(): string {
    const start = this.pos;
    this.pos++;
    let escaped = false;
    for (;;) {
      STRING_BODY.lastIndex = this.pos;
      STRING_BODY.test(this.text);
      this.pos = STRING_BODY.lastIndex;
      const c = this.text[this.pos];
      if (c === '"') break;
      if (c !== '\\') this.fail(c === undefined ? 'string has no end' : 'string holds a control character');
      escaped = true;
      const e = this.text[this.pos + 1];
      if (e === 'u') {
        if (!/^[0-9a-fA-F]{4}$/.test(this.text.slice(this.pos + 2, this.pos + 6))) this.fail('has a bad \\u escape');
        this.pos += 6;
      } else if (e !== undefined && '"\\/bfnrt'.includes(e)) this.pos += 2;
      else this.fail('has a bad escape');
    }
    this.pos++;
    const raw = this.text.slice(start, this.pos);
    // Escapes checked above; JSON.parse of one string literal decodes them (lone surrogates too).
    return escaped ? (JSON.parse(raw) as string) : raw.slice(1, -1);
  }
}

const WORDS: ReadonlyArray<[string, JsonValue]> = [
  ['null', null],
  ['true', true],
  ['false', false],
  ['NaN', NaN],
  ['Infinity', Infinity],
  ['-Infinity', -Infinity],
];

/**
 * Parses JSON text as `json.loads` does. Throws a ModelgateError: MALFORMED or TRUNCATED for
 * bad text, LIMIT_DEPTH past `maxDepth` nested objects and arrays.
 */
export function parsePythonJson(text: string, maxDepth: number): JsonValue {
  const parser = new Parser(text, maxDepth);
  const value = parser.value(0);
  parser.skipSpace();
  if (parser.pos < text.length) parser.fail('has extra data');
  return value;
}
