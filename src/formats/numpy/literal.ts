import { ModelgateError } from '../../core/errors.js';

/** A Python literal as the npy header writes it (numpy's `ast.literal_eval` subset). */
export type PyLiteral = string | number | boolean | null | PyLiteral[] | { [key: string]: PyLiteral };

/**
 * Parses the Python literal of an npy header (strings, numbers, True/False/None, tuples,
 * lists, dicts with string keys) without evaluating anything.
 */
export function parsePyLiteral(text: string): PyLiteral {
  let i = 0;
  const fail = (why: string): never => {
    throw new ModelgateError('MALFORMED', `npy header: ${why} at character ${i}`);
  };
  const ws = (): void => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  const value = (depth: number): PyLiteral => {
    if (depth > 32) fail('nesting too deep');
    ws();
    const c = text[i];
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, i + 1);
      if (end < 0) fail('unterminated string');
      const s = text.slice(i + 1, end);
      i = end + 1;
      return s;
    }
    if (c === '(' || c === '[') {
      const close = c === '(' ? ')' : ']';
      i++;
      const items: PyLiteral[] = [];
      for (;;) {
        ws();
        if (text[i] === close) {
          i++;
          return items;
        }
        items.push(value(depth + 1));
        ws();
        if (text[i] === ',') i++;
        else if (text[i] !== close) fail(`expected , or ${close}`);
      }
    }
    if (c === '{') {
      i++;
      const obj: { [key: string]: PyLiteral } = {};
      for (;;) {
        ws();
        if (text[i] === '}') {
          i++;
          return obj;
        }
        const key = value(depth + 1);
        if (typeof key !== 'string') fail('dict key is not a string');
        ws();
        if (text[i] !== ':') fail('expected :');
        i++;
        obj[key as string] = value(depth + 1);
        ws();
        if (text[i] === ',') i++;
        else if (text[i] !== '}') fail('expected , or }');
      }
    }
    const m = /^(True|False|None|-?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?L?)/.exec(text.slice(i, i + 64));
    if (!m) return fail('unexpected token');
    i += m[0].length;
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
