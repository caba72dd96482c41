import { lzma } from '@napi-rs/lzma';
import { describe, expect, it } from 'vitest';
import { ModelgateError } from '../../../src/core/errors.js';
import { decodeLzmaAlone } from '../../../src/formats/compressed/lzma1.js';
import { GrowingOutput } from '../../../src/formats/compressed/output.js';

const TEXT = Buffer.from(Array.from({ length: 2000 }, (_, i) => `line ${i % 37} of a text\n`).join(''));

function decode(bytes: Buffer, limit = 1 << 20): { data: Buffer; end: number; code?: string } {
  const out = new GrowingOutput(limit, () => new ModelgateError('LIMIT_MEMBER_BYTES', 'over'));
  try {
    const r = decodeLzmaAlone(bytes, 0, out);
    return { data: Buffer.from(out.buf.subarray(0, out.size)), end: r.end, code: r.error?.code };
  } catch (e) {
    return { data: Buffer.alloc(0), end: -1, code: (e as ModelgateError).code };
  }
}

describe('the LZMA1 decoder', () => {
  it('decodes an lzma-alone stream and finds its exact end', () => {
    const c = lzma.compressSync(TEXT);
    const r = decode(Buffer.concat([c, Buffer.from('next')]));
    expect(r.data.equals(TEXT)).toBe(true);
    expect(r.end).toBe(c.length);
    expect(r.code).toBeUndefined();
  });

  it('keeps what it decoded before a cut', () => {
    const c = lzma.compressSync(TEXT);
    const r = decode(c.subarray(0, c.length >> 1));
    expect(r.code).toBe('TRUNCATED');
    expect(r.data.length).toBeGreaterThan(0);
    expect(TEXT.subarray(0, r.data.length).equals(r.data)).toBe(true);
  });

  const invalid: Array<{ name: string; bytes: () => Buffer; code: string; limit?: number }> = [
    { name: 'a properties byte of 225', bytes: () => Buffer.from([225, 0, 0, 1, 0, ...Array(8).fill(0xff), 0, 0, 0, 0, 0]), code: 'MALFORMED' },
    { name: 'a header cut short', bytes: () => Buffer.from([0x5d, 0, 0]), code: 'TRUNCATED' },
    {
      name: 'a range coder that does not start with 0',
      bytes: () => {
        const c = Buffer.from(lzma.compressSync(TEXT));
        c[13] = 1;
        return c;
      },
      code: 'MALFORMED',
    },
    { name: 'output past the limit', bytes: () => lzma.compressSync(TEXT), code: 'LIMIT_MEMBER_BYTES', limit: 1000 },
  ];
  for (const c of invalid) {
    it(`refuses ${c.name} (${c.code})`, () => expect(decode(c.bytes(), c.limit).code).toBe(c.code));
  }
});
