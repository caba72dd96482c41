import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lambdaBytes, pythonBase64, rawUnicodeEscape } from '../../../src/formats/keras/lambda-code.js';
import { fixture } from './helpers.js';

// [input, hex output or null when binascii raises], computed by CPython in make.py.
const vectors = JSON.parse(readFileSync(fixture('base64.json'), 'utf8')) as Array<[string, string | null]>;

describe('pythonBase64 (binascii.a2b_base64, non-strict)', () => {
  it.each(vectors)('decodes %j as CPython does', (input, expected) => {
    const out = pythonBase64(input);
    expect(out === undefined ? null : out.toString('hex')).toBe(expected);
  });

  it('skips line breaks the way func_dump writes them', () => {
    expect(pythonBase64('QUJD\nREVG\n')?.toString()).toBe('ABCDEF');
  });
});

describe('lambdaBytes (func_load)', () => {
  it('decodes ASCII base64', () => {
    expect(lambdaBytes('aGk=')).toEqual({ bytes: Buffer.from('hi'), encoding: 'base64' });
  });

  it('falls back to raw_unicode_escape when the text is not ASCII', () => {
    expect(lambdaBytes('\u00e3\u0001')).toEqual({ bytes: Buffer.from([0xe3, 0x01]), encoding: 'raw' });
  });

  it('falls back to raw_unicode_escape when binascii rejects the base64', () => {
    expect(lambdaBytes('Q')).toEqual({ bytes: Buffer.from('Q'), encoding: 'raw' });
  });

  it('escapes code points past U+00FF as CPython does', () => {
    expect(rawUnicodeEscape('é\u20ac\u{1f600}').toString('latin1')).toBe('\u00e9\\u20ac\\U0001f600');
  });
});
