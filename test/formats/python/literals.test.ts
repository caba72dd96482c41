import { describe, expect, it } from 'vitest';
import { literalValue, splitLiteral, unescape } from '../../../src/formats/python/literals.js';

describe('Python literals', () => {
  it.each([
    [String.raw`'a\x41\n'`, 'aA\n'],
    [String.raw`"\101\u00e9\U0001F600"`, 'A\u00e9\u{1F600}'],
    [String.raw`r'\x41'`, String.raw`\x41`],
    [`'''multi\nline'''`, 'multi\nline'],
    [String.raw`'\q unknown'`, String.raw`\q unknown`],
    [String.raw`'\N{BULLET}'`, '\ufffd'],
    [`'line \\\ncontinued'`, 'line continued'],
  ])('str %s', (token, value) => {
    expect(literalValue(token)).toEqual({ kind: 'str', value });
  });

  it('bytes literals become Buffers, with byte escapes only', () => {
    expect(literalValue(String.raw`b'\x80\x04\u0041'`)).toEqual({
      kind: 'bytes',
      value: Buffer.concat([Buffer.from([0x80, 0x04]), Buffer.from(String.raw`\u0041`)]),
    });
    expect(literalValue(String.raw`rb'\x80'`)).toEqual({ kind: 'bytes', value: Buffer.from(String.raw`\x80`) });
  });

  it('f-strings and non-literals have no static value here', () => {
    expect(literalValue("f'{x}'")).toBeUndefined();
    expect(literalValue('name')).toBeUndefined();
  });

  it('an unterminated literal keeps what it has', () => {
    expect(splitLiteral("'abc")).toEqual({ prefix: '', body: 'abc' });
    expect(unescape('tail\\', false)).toBe('tail\\');
  });
});
