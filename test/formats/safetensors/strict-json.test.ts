import { describe, expect, it } from 'vitest';
import { isModelgateError } from '../../../src/core/errors.js';
import { JsonNumber, parseStrictJson } from '../../../src/formats/safetensors/strict-json.js';

const parse = (s: string) => parseStrictJson(s, { maxDepth: 8 });

describe('parseStrictJson', () => {
  it('reads every JSON type and keeps numbers exact', () => {
    const v = parse(' {"a": [1, -2.5e3, true, false, null, "x\\u00e9\\ud83d\\ude00\\n"], "b": {}} ');
    expect(v).toBeInstanceOf(Map);
    const a = (v as Map<string, unknown>).get('a') as unknown[];
    expect((a[0] as JsonNumber).asUint()).toBe(1n);
    expect((a[1] as JsonNumber).asUint()).toBeUndefined();
    expect(a.slice(2)).toEqual([true, false, null, 'xé😀\n']);
    expect((parse('18446744073709551615') as JsonNumber).asUint()).toBe(2n ** 64n - 1n);
  });

  it('reports duplicates with their path', () => {
    const seen: string[] = [];
    parseStrictJson('{"a":{"x":1,"x":2},"a":3}', { maxDepth: 8, onDuplicate: (k, p) => seen.push(`${p}|${k}`) });
    expect(seen).toEqual(['a|x', '|a']);
  });

  it.each([
    ['trailing comma', '{"a":1,}'],
    ['leading zero', '[01]'],
    ['raw control character', '["a\u0001"]'],
    ['single quotes', "{'a':1}"],
    ['lone high surrogate', '["\\ud800"]'],
    ['lone low surrogate', '["\\udc00"]'],
    ['bad escape', '["\\x41"]'],
    ['unterminated', '{"a":'],
    ['two values', '{} {}'],
    ['NaN', '[NaN]'],
    ['empty', ''],
  ])('rejects %s', (_name, text) => {
    expect(() => parse(text)).toThrow();
    try {
      parse(text);
    } catch (e) {
      expect(isModelgateError(e, 'MALFORMED')).toBe(true);
    }
  });

  it('bounds nesting', () => {
    try {
      parse('['.repeat(100_000) + ']'.repeat(100_000));
      expect.unreachable();
    } catch (e) {
      expect(isModelgateError(e, 'LIMIT_DEPTH')).toBe(true);
    }
  });
});
