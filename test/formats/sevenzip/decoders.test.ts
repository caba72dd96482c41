import { lzma } from '@napi-rs/lzma';
import { describe, expect, it } from 'vitest';
import { isModelgateError } from '../../../src/core/errors.js';
import { decodeBcjX86 } from '../../../src/formats/sevenzip/bcj.js';
import { decodeLzmaCoder } from '../../../src/formats/sevenzip/lzma.js';
import { decodeLzma2Coder } from '../../../src/formats/sevenzip/lzma2.js';
import { codeBin, helloText } from './helpers.js';

function errorCode(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (e) {
    return isModelgateError(e) ? e.code : `untyped: ${String(e)}`;
  }
}

const hex = (s: string): Buffer => Buffer.from(s.replace(/ /g, ''), 'hex');

describe('BCJ x86 decoding', () => {
  it.each([
    // E8 with absolute target 0x105 at position 0: relative = 0x105 - (0 + 5).
    { what: 'CALL at 0', input: 'e8 05 01 00 00', want: 'e8 00 01 00 00' },
    { what: 'JMP at 0', input: 'e9 05 01 00 00', want: 'e9 00 01 00 00' },
    // Absolute 3 at position 10: 3 - 15 = -12, top byte rebuilt as the sign extension.
    { what: 'backward CALL', input: '90'.repeat(10) + 'e8 03 00 00 00', want: '90'.repeat(10) + 'e8 f4 ff ff ff' },
    { what: 'far operand left alone', input: 'e8 12 34 56 78', want: 'e8 12 34 56 78' },
    { what: 'last four bytes never converted', input: '00 e8 05 01 00', want: '00 e8 05 01 00' },
    { what: 'too short', input: 'e8 05 01 00', want: 'e8 05 01 00' },
  ])('$what', ({ input, want }) => {
    const buf = hex(input);
    decodeBcjX86(buf);
    expect(buf.toString('hex')).toBe(hex(want).toString('hex'));
  });

  it('has work to do on the fixture input (so bcj-lzma2.7z tests the filter)', () => {
    const buf = codeBin();
    decodeBcjX86(buf);
    expect(buf.equals(codeBin())).toBe(false);
  });
});

describe('LZMA coder', () => {
  // An independent encoder (lzma-rs through @napi-rs/lzma) writes .lzma files: 5 property
  // bytes, an 8-byte size (unknown here, so the stream ends with the end marker), then data.
  const text = helloText().subarray(0, 500);
  const alone = lzma.compressSync(text);
  const props = alone.subarray(0, 5);
  const data = alone.subarray(13);

  it('decodes a stream from another encoder', () => {
    expect(decodeLzmaCoder(props, data, text.length).equals(text)).toBe(true);
  });

  it.each([
    { what: 'end marker before the declared size', run: () => decodeLzmaCoder(props, data, text.length + 10), code: 'MALFORMED' },
    { what: 'cut input', run: () => decodeLzmaCoder(props, data.subarray(0, 40), text.length), code: 'TRUNCATED' },
    { what: 'properties byte out of range', run: () => decodeLzmaCoder(hex('e1 00 00 01 00'), data, 10), code: 'MALFORMED' },
    { what: 'short properties', run: () => decodeLzmaCoder(hex('5d'), data, 10), code: 'MALFORMED' },
    { what: 'range coder first byte not zero', run: () => decodeLzmaCoder(props, hex('01 00 00 00 00 00'), 10), code: 'MALFORMED' },
    { what: 'empty input', run: () => decodeLzmaCoder(props, Buffer.alloc(0), 10), code: 'TRUNCATED' },
  ])('$what -> $code', ({ run, code }) => expect(errorCode(run)).toBe(code));

  it('needs no input for an empty output', () => {
    expect(decodeLzmaCoder(props, Buffer.alloc(0), 0).length).toBe(0);
  });
});

describe('LZMA2 coder', () => {
  const dict = hex('18');
  it.each([
    { what: 'stored chunk with dictionary reset', input: '01 0002 616263 00', size: 3, want: 'abc' },
    { what: 'two stored chunks', input: '01 0000 61 02 0001 6263 00', size: 3, want: 'abc' },
    { what: 'missing end byte once the output is complete', input: '01 0002 616263', size: 3, want: 'abc' },
    { what: 'empty stream', input: '00', size: 0, want: '' },
  ])('$what', ({ input, size, want }) => {
    expect(decodeLzma2Coder(dict, hex(input), size).toString('latin1')).toBe(want);
  });

  it.each([
    { what: 'stored chunk before any dictionary reset', input: '02 0002 616263 00', size: 3, code: 'MALFORMED' },
    { what: 'reserved control byte', input: '03 00', size: 3, code: 'MALFORMED' },
    { what: 'first LZMA chunk without properties', input: '80 0000 0004 0000000000', size: 1, code: 'MALFORMED' },
    { what: 'LZMA chunk with lc + lp > 4', input: 'e0 0000 0004 15 0000000000', size: 1, code: 'MALFORMED' },
    { what: 'output past the declared size', input: '01 0002 616263 00', size: 2, code: 'MALFORMED' },
    { what: 'output short of the declared size', input: '01 0002 616263 00', size: 4, code: 'MALFORMED' },
    { what: 'stored chunk cut short', input: '01 0009 6162', size: 10, code: 'TRUNCATED' },
    { what: 'chunk header cut short', input: 'e0 00', size: 10, code: 'TRUNCATED' },
    { what: 'no end and too little output', input: '01 0002 616263', size: 10, code: 'TRUNCATED' },
  ])('$what -> $code', ({ input, size, code }) => {
    expect(errorCode(() => decodeLzma2Coder(dict, hex(input), size))).toBe(code);
  });

  it('rejects a dictionary-size property above 40', () => {
    expect(errorCode(() => decodeLzma2Coder(hex('29'), hex('00'), 0))).toBe('MALFORMED');
  });
});
