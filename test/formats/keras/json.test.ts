import { describe, expect, it } from 'vitest';
import { isModelgateError } from '../../../src/core/errors.js';
import { decodeJsonBytes, parsePythonJson } from '../../../src/formats/keras/json.js';

const parse = (text: string, depth = 64) => parsePythonJson(text, depth);

describe('parsePythonJson (json.loads)', () => {
  it('reads ordinary JSON like JSON.parse', () => {
    const text = '{"a": [1, -2.5e3, "x\\u00e9\\n", true, false, null], "b": {}}';
    expect(JSON.stringify(parse(text))).toBe(JSON.stringify(JSON.parse(text)));
  });

  it('accepts NaN, Infinity and -Infinity as Python does', () => {
    expect(parse('[NaN, Infinity, -Infinity]')).toEqual([NaN, Infinity, -Infinity]);
  });

  it('keeps the last of duplicate keys', () => {
    expect(parse('{"class_name": "Dense", "class_name": "Lambda"}')).toEqual({ class_name: 'Lambda' });
  });

  it('keeps __proto__ as a plain key', () => {
    const doc = parse('{"__proto__": {"polluted": 1}}') as Record<string, unknown>;
    expect(Object.keys(doc)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    ['{"a": 1', 'TRUNCATED'],
    ['{"a": 1,}', 'MALFORMED'],
    ["{'a': 1}", 'MALFORMED'],
    ['[1] 2', 'MALFORMED'],
    ['"tab\there"', 'MALFORMED'],
    ['"bad \\x escape"', 'MALFORMED'],
    ['01', 'MALFORMED'],
    ['', 'TRUNCATED'],
  ])('rejects %j with %s', (text, code) => {
    try {
      parse(text);
      expect.unreachable();
    } catch (e) {
      expect(isModelgateError(e, code as 'MALFORMED')).toBe(true);
    }
  });

  it('stops at the depth limit without overflowing the stack', () => {
    expect(() => parse('['.repeat(100_000))).toThrow(/deeper than 64/);
    expect(parse('['.repeat(64) + ']'.repeat(64))).toBeInstanceOf(Array);
  });
});

describe('decodeJsonBytes (json.detect_encoding)', () => {
  const text = '{"k": "v\u00e9"}';
  it.each([
    ['UTF-8', Buffer.from(text, 'utf8')],
    ['UTF-8 with BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')])],
    ['UTF-16LE', Buffer.from(text, 'utf16le')],
    ['UTF-16LE with BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])],
    ['UTF-16BE', Buffer.from(text, 'utf16le').swap16()],
    ['UTF-32LE', Buffer.from(new Uint32Array([...text].map((c) => c.codePointAt(0)!)).buffer)],
  ])('decodes %s', (_name, bytes) => {
    expect(decodeJsonBytes(bytes)).toBe(text);
  });
});
