import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pickle } from '../../src/formats/pickle/builder.js';
import { scanBytes } from '../helpers/scan-bytes.js';

/*
 * Decompression bombs stop at the ratio limit while they decode, not once the output is in
 * memory (issue 15, point 1): 64 MiB of zeros, a few KB in each codec (test/fixtures/bombs,
 * made by make.py), passes the 200:1 ratio as soon as 16 MiB are out. `npm run bench` runs
 * the multi-GB versions and measures time and memory; this test asserts the finding.
 */

const dir = join(import.meta.dirname, '../fixtures/bombs');
const BOMBS = [
  'zeros.gz',
  'zeros.zlib',
  'zeros.bz2',
  'zeros.xz',
  'zeros.lzma',
  'zeros.zst',
  'zeros.lz4',
  'zeros-deflate.zip',
  'zeros-bzip2.zip',
  'zeros-lzma.zip',
];

describe('decompression bombs', () => {
  it.each(BOMBS)('%s stops at LIMIT_RATIO', async (name) => {
    const r = await scanBytes(readFileSync(join(dir, name)));
    expect(r.verdict).toBe('error');
    expect(r.findings.filter((f) => f.fatal).map((f) => f.code)).toContain('LIMIT_RATIO');
  });

  it('a bomb repeated as back-to-back gzip members stops at the first', async () => {
    const one = readFileSync(join(dir, 'zeros.gz'));
    const r = await scanBytes(Buffer.concat(Array.from({ length: 32 }, () => one)));
    expect(r.findings.filter((f) => f.fatal).map((f) => f.code)).toContain('LIMIT_RATIO');
  });
});

describe('pickle memory bombs', () => {
  it('ten million nested lists in 20 MB: LIMIT_MEMORY, not clean', async () => {
    const n = 10_000_000;
    const bytes = Buffer.concat([Buffer.from([0x80, 2]), Buffer.alloc(n, 0x5d), Buffer.alloc(n - 1, 0x61), Buffer.from('.')]);
    const r = await scanBytes(bytes);
    expect(r.verdict).toBe('error');
    expect(r.findings.filter((f) => f.fatal).map((f) => f.code)).toContain('LIMIT_MEMORY');
  });
});

describe('one memory budget per pickle file', () => {
  it('is shared by its streams: the rules keep every stream alive', async () => {
    // Four streams, each a call (so a loader reads on to it) and a 100,000-item list as its
    // result (1.6 MB of slots), under a 6 MiB budget.
    const call = pickle().proto(2).global('collections', 'OrderedDict').emptyTuple().reduce().pop().mark().bytes();
    const items = Buffer.alloc(100_000 * 2);
    for (let i = 0; i < 100_000; i++) items.set([0x4b, i & 0xff], i * 2);
    const stream = Buffer.concat([call, items, Buffer.from('l.')]);
    const limits = { maxSymbolicBytes: 6 * 1024 * 1024 };
    const r = await scanBytes(Buffer.concat([stream, stream, stream, stream]), { limits });
    expect(r.findings.map((f) => f.code)).toContain('LIMIT_MEMORY');
    expect((await scanBytes(stream, { limits })).verdict).toBe('clean');
  });
});
