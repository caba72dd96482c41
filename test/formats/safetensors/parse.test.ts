import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BufferSource } from '../../../src/core/byte-source.js';
import { buildSafetensors } from '../../../src/formats/safetensors/builder.js';
import { isSafetensors, parseSafetensors } from '../../../src/formats/safetensors/parse.js';

const parse = (b: Buffer) => parseSafetensors(new BufferSource(b));

describe('parseSafetensors', () => {
  it('reads a file written by the reference writer (test/fixtures/safetensors/make.py)', () => {
    const bytes = readFileSync('test/fixtures/safetensors/tiny.safetensors');
    expect(isSafetensors(bytes.subarray(0, 512), bytes.length)).toBe(true);
    const f = parse(bytes);
    expect(f.issues).toEqual([]);
    expect(f.duplicates).toEqual([]);
    expect(f.offsetProblems).toEqual([]);
    expect(f.unclaimed).toEqual([]);
    expect(f.tensors.map((t) => `${t.name}:${t.dtype}:${t.shape.join('x')}`).sort()).toEqual([
      'embed.weight:F32:4x3',
      'mask:BOOL:3',
      'norm.bias:F16:3',
      'positions:I64:5',
      'scalar:U8:',
    ]);
    expect(Object.fromEntries(f.metadata ?? [])).toEqual({ format: 'np', note: 'modelgate fixture' });
    expect(f.dataStart + f.dataSize).toBe(bytes.length);
  });

  it('counts sub-byte dtypes in bits', () => {
    const ok = parse(buildSafetensors({ tensors: [{ name: 'q', dtype: 'F4', shape: [2, 3] }] }));
    expect(ok.issues).toEqual([]);
    expect(ok.tensors[0]!.end).toBe(3n);
    const odd = parse(buildSafetensors({ tensors: [{ name: 'q', dtype: 'F6_E2M3', shape: [3] }] }));
    expect(odd.issues[0]).toMatch(/whole bytes/);
  });

  it('keeps offsets past 2^53 exact', () => {
    const f = parse(buildSafetensors({ tensors: [{ name: 'big', dtype: 'U8', shape: [1], offsets: [2n ** 60n, 2n ** 60n + 1n] }] }));
    expect(f.tensors[0]!.begin).toBe(2n ** 60n);
    expect(f.offsetProblems[0]!.kind).toBe('out-of-range');
  });

  it('sorts by offsets before checking that ranges tile the data (header order is free)', () => {
    const f = parse(
      buildSafetensors({
        tensors: [
          { name: 'b', dtype: 'U8', shape: [2], offsets: [2, 4] },
          { name: 'a', dtype: 'U8', shape: [2], offsets: [0, 2] },
        ],
      }),
    );
    expect(f.offsetProblems).toEqual([]);
    expect(f.unclaimed).toEqual([]);
  });

  it('finds gaps, overlaps, reversed ranges and trailing bytes', () => {
    const f = parse(
      buildSafetensors({
        tensors: [
          { name: 'a', dtype: 'U8', shape: [4], offsets: [0, 4] },
          { name: 'b', dtype: 'U8', shape: [4], offsets: [2, 6] },
          { name: 'c', dtype: 'U8', shape: [2], offsets: [8, 10] },
          { name: 'r', dtype: 'U8', shape: [0], offsets: [5, 3] },
        ],
        dataBytes: 10,
        trailing: Buffer.from('tail'),
      }),
    );
    expect(f.offsetProblems.map((p) => `${p.kind}:${p.tensor}`).sort()).toEqual(['overlap:b', 'reversed:r']);
    expect(f.unclaimed.map((u) => [u.start - f.dataStart, u.length, u.trailing])).toEqual([
      [10, 4, true],
      [6, 2, false],
    ]);
  });

  it('reports every duplicate key and keeps the last value', () => {
    const header = '{"t":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"t":{"dtype":"U8","shape":[2],"data_offsets":[0,2]}}';
    const f = parse(buildSafetensors({ rawHeader: header, dataBytes: 2 }));
    expect(f.duplicates).toEqual(['t']);
    expect(f.tensors).toHaveLength(1);
    expect(f.tensors[0]!.end).toBe(2n);
    const nested = parse(buildSafetensors({ rawHeader: '{"t":{"dtype":"U8","dtype":"U8","shape":[1],"data_offsets":[0,1]}}', dataBytes: 1 }));
    expect(nested.duplicates).toEqual(['t.dtype']);
  });

  it('checks __metadata__ maps strings to strings', () => {
    expect(parse(buildSafetensors({ metadata: { a: 1 } })).issues).toEqual(['__metadata__ is not a map of strings to strings']);
    expect(parse(buildSafetensors({ metadata: { a: 'b' } })).issues).toEqual([]);
  });

  it.each([
    ['unknown dtype', { name: 't', dtype: 'Q4', shape: [1] }, /unknown dtype/],
    ['shape and range disagree', { name: 't', dtype: 'F32', shape: [2], offsets: [0, 4] as [number, number] }, /needs 8 bytes but data_offsets span 4/],
  ])('finds entry problems: %s', (_name, tensor, pattern) => {
    expect(parse(buildSafetensors({ tensors: [tensor], dataBytes: 8 })).issues[0]).toMatch(pattern);
  });

  it.each([
    ['shape of floats', '{"t":{"dtype":"U8","shape":[1.0],"data_offsets":[0,1]}}'],
    ['negative offset', '{"t":{"dtype":"U8","shape":[1],"data_offsets":[-1,0]}}'],
    ['three offsets', '{"t":{"dtype":"U8","shape":[1],"data_offsets":[0,1,2]}}'],
    ['missing dtype', '{"t":{"shape":[1],"data_offsets":[0,1]}}'],
    ['entry not an object', '{"t":[1,2]}'],
  ])('finds bad field types: %s', (_name, header) => {
    expect(parse(buildSafetensors({ rawHeader: header, dataBytes: 1 })).issues).toHaveLength(1);
  });

  it('accepts the space padding of the README and nothing else after the JSON', () => {
    expect(parse(buildSafetensors({ rawHeader: '{}      ' })).issues).toEqual([]);
    expect(() => parse(buildSafetensors({ rawHeader: '{} \u0000' }))).toThrow(/after the JSON/);
  });
});

describe('isSafetensors', () => {
  const head = (n: bigint, rest: string) => {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(n);
    return Buffer.concat([b, Buffer.from(rest)]);
  };
  it('wants a plausible length, "{" and then a key or "}"', () => {
    expect(isSafetensors(head(40n, '{"a":1}'), 1000)).toBe(true);
    expect(isSafetensors(head(40n, '{ }'), 1000)).toBe(true);
    expect(isSafetensors(head(10_000n, '{"a"'), 100)).toBe(true); // truncated, still safetensors
    expect(isSafetensors(head(40n, '[1]'), 1000)).toBe(false);
    expect(isSafetensors(head(40n, '{x'), 1000)).toBe(false);
    expect(isSafetensors(head(2n ** 40n, '{"a"'), 1000)).toBe(false);
    expect(isSafetensors(Buffer.from('{"a": 1}'), 8)).toBe(false);
  });
});
