import { describe, expect, it } from 'vitest';
import { decodeLz4Frames } from '../../../src/formats/lz4/frame.js';
import { decodeBlock, Lz4Output } from '../../../src/formats/lz4/block.js';
import { ModelgateError } from '../../../src/core/errors.js';

/** One frame (lz4_Frame_format.md) around `blocks`: FLG version 01, independent or linked blocks, 64 KiB maximum. */
function frame(blocks: Array<{ data: Buffer; stored?: boolean }>, o: { independent?: boolean; contentSize?: number } = {}): Buffer {
  const flg = 0x40 | (o.independent === false ? 0 : 0x20) | (o.contentSize === undefined ? 0 : 0x08);
  const parts: Buffer[] = [Buffer.from([0x04, 0x22, 0x4d, 0x18, flg, 0x40])];
  if (o.contentSize !== undefined) {
    const size = Buffer.alloc(8);
    size.writeBigUInt64LE(BigInt(o.contentSize));
    parts.push(size);
  }
  parts.push(Buffer.from([0x00])); // header checksum, not checked
  for (const b of blocks) {
    const word = Buffer.alloc(4);
    word.writeUInt32LE((b.data.length | (b.stored ? 0x80000000 : 0)) >>> 0);
    parts.push(word, b.data);
  }
  parts.push(Buffer.alloc(4));
  return Buffer.concat(parts);
}

/** A block of literals `lit`, then a match of `length` bytes `offset` back, then literals `tail`. */
function block(lit: string, offset: number, length: number, tail: string): Buffer {
  const token = (Math.min(lit.length, 15) << 4) | Math.min(length - 4, 15);
  const parts: Buffer[] = [Buffer.from([token])];
  if (lit.length >= 15) parts.push(Buffer.from([lit.length - 15]));
  parts.push(Buffer.from(lit, 'latin1'), Buffer.from([offset & 0xff, offset >> 8]));
  if (length - 4 >= 15) parts.push(Buffer.from([length - 4 - 15]));
  parts.push(Buffer.from([tail.length << 4]), Buffer.from(tail, 'latin1'));
  return Buffer.concat(parts);
}

const LIMIT = 1 << 20;
const decode = (bytes: Buffer, limit = LIMIT) => decodeLz4Frames(bytes, { bytes: limit, code: 'LIMIT_MEMBER_BYTES' });
const codeOf = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    return e instanceof ModelgateError ? e.code : 'not a ModelgateError';
  }
  return undefined;
};

describe('LZ4 frames', () => {
  const valid: Array<{ name: string; bytes: Buffer; text: string }> = [
    { name: 'a stored block', bytes: frame([{ data: Buffer.from('hello'), stored: true }]), text: 'hello' },
    { name: 'an overlapping match (run length)', bytes: frame([{ data: block('ab', 2, 10, 'c') }]), text: 'ababababababc' },
    { name: 'a long match with an extra length byte', bytes: frame([{ data: block('x', 1, 40, '!') }]), text: `${'x'.repeat(41)}!` },
    {
      name: 'a linked block matching into the one before',
      bytes: frame([{ data: Buffer.from('hello'), stored: true }, { data: block('', 5, 5, '') }], { independent: false }),
      text: 'hellohello',
    },
    { name: 'a declared content size that matches', bytes: frame([{ data: Buffer.from('abc'), stored: true }], { contentSize: 3 }), text: 'abc' },
    {
      name: 'two frames',
      bytes: Buffer.concat([frame([{ data: Buffer.from('a'), stored: true }]), frame([{ data: Buffer.from('b'), stored: true }])]),
      text: 'ab',
    },
  ];
  for (const c of valid) {
    it(`decodes ${c.name}`, () => {
      const r = decode(c.bytes);
      expect(r.error).toBeUndefined();
      expect(r.data.toString('latin1')).toBe(c.text);
    });
  }

  const invalid: Array<{ name: string; bytes: Buffer; code: string }> = [
    { name: 'no magic', bytes: Buffer.from('not lz4 at all'), code: 'MALFORMED' },
    { name: 'version 0', bytes: Buffer.from([0x04, 0x22, 0x4d, 0x18, 0x00, 0x40, 0, 0, 0, 0, 0]), code: 'MALFORMED' },
    { name: 'block size id 3', bytes: Buffer.from([0x04, 0x22, 0x4d, 0x18, 0x60, 0x30, 0, 0, 0, 0, 0]), code: 'MALFORMED' },
    { name: 'a match before the output', bytes: frame([{ data: block('ab', 3, 4, 'c') }]), code: 'MALFORMED' },
    {
      name: 'an independent block matching into the one before',
      bytes: frame([{ data: Buffer.from('hello'), stored: true }, { data: block('', 5, 5, '') }]),
      code: 'MALFORMED',
    },
    { name: 'offset 0', bytes: frame([{ data: block('ab', 0, 4, 'c') }]), code: 'MALFORMED' },
    { name: 'a block ending in a match', bytes: frame([{ data: block('ab', 2, 4, '').subarray(0, -1) }]), code: 'MALFORMED' },
    {
      name: 'a content size over the limit',
      bytes: frame([{ data: Buffer.from('abc'), stored: true }], { contentSize: LIMIT + 1 }),
      code: 'LIMIT_MEMBER_BYTES',
    },
    { name: 'a run past the limit', bytes: frame([{ data: block('x', 1, 200, '!') }]), code: 'LIMIT_MEMBER_BYTES' },
  ];
  for (const c of invalid) {
    it(`refuses ${c.name} (${c.code})`, () => {
      const limit = c.name === 'a run past the limit' ? 100 : LIMIT;
      let code: string | undefined;
      try {
        code = decode(c.bytes, limit).error?.code;
      } catch (e) {
        code = (e as ModelgateError).code;
      }
      expect(code).toBe(c.code);
    });
  }

  it('hands on the frames before a broken one, with the error', () => {
    const r = decode(Buffer.concat([frame([{ data: Buffer.from('kept'), stored: true }]), frame([{ data: block('ab', 9, 4, 'c') }])]));
    expect(r.data.toString()).toBe('kept');
    expect(r.error?.code).toBe('MALFORMED');
  });

  it('checks every length against the block', () => {
    const out = new Lz4Output(LIMIT, () => new ModelgateError('LIMIT_MEMBER_BYTES', 'over'), 'LIMIT_MEMBER_BYTES');
    expect(codeOf(() => decodeBlock(Buffer.from([0xf0]), out, 0))).toBe('MALFORMED');
    expect(codeOf(() => decodeBlock(Buffer.from([0x50, 0x61]), out, 0))).toBe('MALFORMED');
  });
});
