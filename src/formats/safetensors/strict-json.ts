import { ModelgateError } from '../../core/errors.js';

/**
 * A strict JSON reader (RFC 8259) for safetensors headers. `JSON.parse` keeps the last of two
 * equal keys without a word, and loaders disagree on which one wins; this reader reports every
 * duplicate, rejects what serde_json rejects (trailing commas, raw control characters, lone
 * surrogates, leading zeros), keeps numbers as their text so that 64-bit offsets stay exact,
 * and bounds nesting.
 */

/** A JSON number, kept as written. */
export class JsonNumber {
  constructor(readonly text: string) {}
  /** The value as an unsigned integer, or undefined when it has a sign, fraction or exponent. */
  asUint(): bigint | undefined {
    return /^(0|[1-9]\d*)$/.test(this.text) ? BigInt(this.text) : undefined;
  }
}

export type JsonValue = null | boolean | string | JsonNumber | JsonValue[] | JsonObject;
/** Objects keep key order; a duplicated key keeps its last value (as serde_json and Python do). */
export type JsonObject = Map<string, JsonValue>;

export interface StrictJsonOptions {
  /** Deepest nesting of arrays and objects accepted. */
  maxDepth: number;
  /** Called for each key seen twice in one object, with the path of that object. */
  onDuplicate?: (key: string, path: string, index: number) => void;
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

class Reader {
  i = 0;
  /** Next backslash at or after `i`, cached so that strings without escapes cost one scan in all. */
  private slashAt = -2;
  constructor(
    readonly s: string,
    readonly options: StrictJsonOptions,
  ) {}

  fail(message: string, code: 'MALFORMED' | 'LIMIT_DEPTH' = 'MALFORMED'): never {
    throw new ModelgateError(code, `${message} at character ${this.i}`, { offset: this.i });
  }

  ws(): void {
    for (;;) {
      const c = this.s.charCodeAt(this.i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) this.i++;
      else return;
    }
  }

  value(depth: number, path: string): JsonValue {
    this.ws();
    const c = this.s[this.i];
    if (c === '{') return this.object(depth + 1, path);
    if (c === '[') return this.array(depth + 1, path);
    if (c === '"') return this.string();
    for (const [word, v] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (this.s.startsWith(word, this.i)) {
        this.i += word.length;
        return v;
      }
    }
    NUMBER.lastIndex = this.i;
    const m = NUMBER.exec(this.s);
    if (!m) this.fail(c === undefined ? 'JSON ends early' : `unexpected ${JSON.stringify(c)}`);
    this.i += m[0].length;
    return new JsonNumber(m[0]);
  }

  object(depth: number, path: string): JsonObject {
    if (depth > this.options.maxDepth) this.fail(`nested deeper than ${this.options.maxDepth}`, 'LIMIT_DEPTH');
    this.i++;
    const out: JsonObject = new Map();
    this.ws();
    if (this.s[this.i] === '}') {
      this.i++;
      return out;
    }
    for (;;) {
      this.ws();
      if (this.s[this.i] !== '"') this.fail('expected a key');
      const at = this.i;
      const key = this.string();
      this.ws();
      if (this.s[this.i] !== ':') this.fail('expected ":"');
      this.i++;
      const v = this.value(depth, path === '' ? key : `${path}.${key}`);
      if (out.has(key)) this.options.onDuplicate?.(key, path, at);
      out.set(key, v);
      this.ws();
      const c = this.s[this.i++];
      if (c === '}') return out;
      if (c !== ',') this.fail('expected "," or "}"');
    }
  }

  array(depth: number, path: string): JsonValue[] {
    if (depth > this.options.maxDepth) this.fail(`nested deeper than ${this.options.maxDepth}`, 'LIMIT_DEPTH');
    this.i++;
    const out: JsonValue[] = [];
    this.ws();
    if (this.s[this.i] === ']') {
      this.i++;
      return out;
    }
    for (;;) {
      out.push(this.value(depth, `${path}[${out.length}]`));
      this.ws();
      const c = this.s[this.i++];
      if (c === ']') return out;
      if (c !== ',') this.fail('expected "," or "]"');
    }
  }

  string(): string {
    this.i++; // opening quote
    let out = '';
    for (;;) {
      const quote = this.s.indexOf('"', this.i);
      if (this.slashAt !== -1 && this.slashAt < this.i) this.slashAt = this.s.indexOf('\\', this.i);
      const slash = this.slashAt;
      const stop = slash !== -1 && slash < quote ? slash : quote;
      if (quote === -1) this.fail('unterminated string');
      const piece = this.s.slice(this.i, stop);
      // RFC 8259 section 7: control characters must be escaped.
      if (/[\u0000-\u001f]/.test(piece)) this.fail('raw control character in a string');
      out += piece;
      this.i = stop + 1;
      if (stop === quote) return out;
      out += this.escape();
    }
  }

  escape(): string {
    const e = this.s[this.i++];
    if (e !== 'u') {
      const v = e === undefined ? undefined : ESCAPES[e];
      if (v === undefined) this.fail(`bad escape \\${e ?? ''}`);
      return v;
    }
    const unit = (): number => {
      const hex = this.s.slice(this.i, this.i + 4);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('bad \\u escape');
      this.i += 4;
      return parseInt(hex, 16);
    };
    const first = unit();
    if (first >= 0xdc00 && first <= 0xdfff) this.fail('lone low surrogate');
    if (first < 0xd800 || first > 0xdbff) return String.fromCharCode(first);
    if (this.s.slice(this.i, this.i + 2) !== '\\u') this.fail('lone high surrogate');
    this.i += 2;
    const second = unit();
    if (second < 0xdc00 || second > 0xdfff) this.fail('lone high surrogate');
    return String.fromCharCode(first, second);
  }
}

/**
 * Parses one JSON document strictly: only whitespace may follow the value. Throws a
 * MALFORMED (or LIMIT_DEPTH) ModelgateError whose offset counts characters of `text`.
 */
export function parseStrictJson(text: string, options: StrictJsonOptions): JsonValue {
  const r = new Reader(text, options);
  const v = r.value(0, '');
  r.ws();
  if (r.i !== text.length) r.fail('data after the JSON value');
  return v;
}
