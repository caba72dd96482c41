import { ModelgateError } from '../../core/errors.js';

/**
 * A Python tuple. Kept apart from lists because numpy gives them different meanings: in a
 * dtype description `('O', (1,))` is a subarray while `[('a', 'O')]` is a list of fields.
 */
export class PyTuple {
  constructor(readonly items: PyLiteral[]) {}
}

/** A Python literal as the npy header writes it (numpy's `ast.literal_eval` subset). */
export type PyLiteral = string | number | boolean | null | PyLiteral[] | PyTuple | Map<string, PyLiteral>;

/** Nesting deeper than this is refused: numpy's own headers nest three or four levels. */
const MAX_LITERAL_DEPTH = 32;

/** Python's single-character escapes (Lexical analysis, "Escape sequences"). */
const SIMPLE_ESCAPES: Record<string, string> = {
  '\n': '',
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

/**
 * Parses the Python literal of an npy header (strings, numbers, True/False/None, tuples,
 * lists, dicts with string keys) without evaluating anything. Strings are decoded as
 * `ast.literal_eval` decodes them (escapes, `r`/`u` prefixes, adjacent literals joined), so
 * `'\x4f'` is the `'O'` numpy sees; what this subset does not cover fails, never guesses.
 */
export function parsePyLiteral(text: string): PyLiteral {
  let i = 0;
  const fail = (why: string): never => {
    throw new ModelgateError('MALFORMED', `npy header: ${why} at character ${i}`);
  };
  const ws = (): void => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  /** One string literal, with its prefix; undefined when none starts here. */
  const stringLiteral = (): string | undefined => {
    const m = /^([rRuU]?)(['"])/.exec(text.slice(i, i + 2));
    if (!m) return undefined;
    const raw = m[1] === 'r' || m[1] === 'R';
    const quote = m[2]!;
    i += m[0].length;
    if (text.startsWith(quote.repeat(2), i)) fail('triple-quoted strings are not supported');
    let out = '';
    for (;;) {
      if (i >= text.length || text[i] === '\n') fail('unterminated string');
      const c = text[i++];
      if (c === quote) return out;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = text[i++] ?? fail('unterminated string');
      if (raw) {
        // A raw string keeps the backslash; it still cannot end on an escaped quote.
        out += '\\' + e;
        continue;
      }
      if (e in SIMPLE_ESCAPES) out += SIMPLE_ESCAPES[e];
      else if (/[0-7]/.test(e)) {
        const digits = /^[0-7]{1,3}/.exec(text.slice(i - 1, i + 2))![0];
        i += digits.length - 1;
        out += String.fromCodePoint(parseInt(digits, 8));
      } else if (e === 'x' || e === 'u' || e === 'U') {
        const width = e === 'x' ? 2 : e === 'u' ? 4 : 8;
        const hex = text.slice(i, i + width);
        if (!new RegExp(`^[0-9a-fA-F]{${width}}$`).test(hex)) fail(`bad \\${e} escape`);
        const code = parseInt(hex, 16);
        if (code > 0x10ffff) fail(`bad \\${e} escape`);
        out += String.fromCodePoint(code);
        i += width;
      } else if (e === 'N') fail('\\N{...} escapes are not supported');
      else out += '\\' + e; // Python keeps unknown escapes as written
    }
  };
  const value = (depth: number): PyLiteral => {
    if (depth > MAX_LITERAL_DEPTH) fail('nesting too deep');
    ws();
    let s = stringLiteral();
    if (s !== undefined) {
      // Adjacent string literals are one string ('O' '' is 'O').
      for (;;) {
        ws();
        const next = stringLiteral();
        if (next === undefined) return s;
        s += next;
      }
    }
    const c = text[i];
    if (c === '(' || c === '[') {
      const close = c === '(' ? ')' : ']';
      i++;
      const items: PyLiteral[] = [];
      let comma = false;
      for (;;) {
        ws();
        if (text[i] === close) {
          i++;
          // `(x)` is x itself; `(x,)` and `()` are tuples.
          if (close === ']') return items;
          return items.length === 1 && !comma ? items[0]! : new PyTuple(items);
        }
        items.push(value(depth + 1));
        ws();
        comma = text[i] === ',';
        if (comma) i++;
        else if (text[i] !== close) fail(`expected , or ${close}`);
      }
    }
    if (c === '{') {
      i++;
      const dict = new Map<string, PyLiteral>();
      for (;;) {
        ws();
        if (text[i] === '}') {
          i++;
          return dict;
        }
        const key = value(depth + 1);
        if (typeof key !== 'string') fail('dict key is not a string');
        ws();
        if (text[i] !== ':') fail('expected :');
        i++;
        dict.set(key as string, value(depth + 1));
        ws();
        if (text[i] === ',') i++;
        else if (text[i] !== '}') fail('expected , or }');
      }
    }
    const m = /^(True|False|None|-?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?L?)/.exec(text.slice(i, i + 64));
    if (!m) return fail('unexpected token');
    i += m[0].length;
    if (/^[\w.]/.test(text[i] ?? '')) fail('unexpected token');
    if (m[0] === 'True') return true;
    if (m[0] === 'False') return false;
    if (m[0] === 'None') return null;
    return Number(m[0].replace(/L$/, ''));
  };
  const result = value(0);
  ws();
  if (i !== text.length) fail('text after the literal');
  return result;
}
