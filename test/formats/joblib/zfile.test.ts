import { describe, expect, it } from 'vitest';
import { isZfileHead, parseHexLength, parseZfileHeader } from '../../../src/formats/joblib/zfile.js';

describe("joblib's Z-file header", () => {
  // int(field, 16) as Python reads it.
  it.each([
    ['0x1f               ', 31n],
    ['1f', 31n],
    [' +0X1F\t', 31n],
    ['0x_1_f', 31n],
    ['-0x2', -2n],
  ])('reads %j as %s', (field, value) => expect(parseHexLength(field)).toBe(value));
  it.each(['', '0x', '1__f', 'g', '0x1f 2', '\xa01f'])('refuses %j as Python does', (field) => expect(parseHexLength(field)).toBeUndefined());

  it('skips the extra space of Python 2 era joblib', () => {
    expect(parseZfileHeader(Buffer.from(`ZF${'0x3'.padEnd(19)} x`)).dataStart).toBe(22);
    expect(parseZfileHeader(Buffer.from(`ZF${'0x3'.padEnd(19)}x`)).dataStart).toBe(21);
  });
  it('recognises only heads whose length Python parses', () => {
    expect(isZfileHead(Buffer.from(`ZF${'0x3'.padEnd(19)}x`))).toBe(true);
    expect(isZfileHead(Buffer.from('ZFrom here on, plain text'))).toBe(false);
  });
});
