import { describe, expect, it } from 'vitest';
import { isModelgateError } from '../../../src/core/errors.js';
import { parsePyLiteral, PyTuple } from '../../../src/formats/numpy/literal.js';

describe('parsePyLiteral', () => {
  it('keeps tuples apart from lists', () => {
    const v = parsePyLiteral("('O', (1,))");
    expect(v).toBeInstanceOf(PyTuple);
    expect((v as PyTuple).items[1]).toEqual(new PyTuple([1]));
    expect(parsePyLiteral("['a', 1]")).toEqual(['a', 1]);
  });

  it('reads (x) as x and (x,) and () as tuples', () => {
    expect(parsePyLiteral("('O')")).toBe('O');
    expect(parsePyLiteral('(3,)')).toEqual(new PyTuple([3]));
    expect(parsePyLiteral('()')).toEqual(new PyTuple([]));
  });

  it.each([
    ["'\\x4f'", 'O'],
    ["'\\117'", 'O'],
    ["'\\u004f8'", 'O8'],
    ["'O' '8'", 'O8'],
    ["u'O'", 'O'],
    ["r'\\x4f'", '\\x4f'],
    ["'a\\'b'", "a'b"],
    ["'\\q'", '\\q'],
  ])('decodes the string %s as Python does', (text, expected) => {
    expect(parsePyLiteral(text)).toBe(expected);
  });

  it('reads dicts into Maps, so no key reaches a prototype', () => {
    const v = parsePyLiteral("{'__proto__': 1, 'descr': '<f8'}");
    expect(v).toBeInstanceOf(Map);
    expect([...(v as Map<string, unknown>).keys()]).toEqual(['__proto__', 'descr']);
  });

  it.each(["b'O'", "'''O'''", "'\\N{LATIN CAPITAL LETTER O}'", "'O", '1x', "{1: 'a'}"])('refuses %s', (text) => {
    expect(() => parsePyLiteral(text)).toThrow();
    try {
      parsePyLiteral(text);
    } catch (e) {
      expect(isModelgateError(e, 'MALFORMED')).toBe(true);
    }
  });
});
