import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lzma } from '@napi-rs/lzma';
import { describe, expect, it } from 'vitest';
import type { Limits } from '../../../src/core/limits.js';
import { buildZip, centralRecord, endRecord, localRecord } from '../../../src/formats/zip/builder.js';
import { osSystemPickle, plainPickle } from '../../helpers/pickles.js';
import { scanBytes } from '../../helpers/scan-bytes.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/zip-methods');
const scanFixture = (name: string, limits: Partial<Limits> = {}) => scanBytes(readFileSync(join(fixtures, name)), { limits });
const codes = (f: { findings: Array<{ code?: string }> }) => f.findings.map((x) => x.code).filter(Boolean);
const ruleIds = (f: { findings: Array<{ ruleId: string }> }) => f.findings.map((x) => x.ruleId);

/** A zip method-14 body (APPNOTE 5.8.8): version, properties size, properties, raw stream. */
function zipLzma(data: Buffer): Buffer {
  const alone = lzma.compressSync(data); // properties (5), uncompressed size (8), stream
  return Buffer.concat([Buffer.from([0x10, 0x02, 0x05, 0x00]), alone.subarray(0, 5), alone.subarray(13)]);
}

describe('zip compression methods zipfile reads', () => {
  it.each(['payload-bzip2.zip', 'payload-lzma.zip'])('finds the payload in %s (made by CPython zipfile)', async (name) => {
    const f = await scanFixture(name);
    expect(f.verdict).toBe('malicious');
  });
  it.each(['numeric-bzip2.npz', 'numeric-lzma.npz'])('keeps %s of numeric arrays clean', async (name) => {
    const f = await scanFixture(name);
    expect(f).toMatchObject({ format: 'npz', verdict: 'clean' });
  });
  it('finds the payload in an LZMA member without an end marker', async () => {
    const f = await scanBytes(buildZip([{ name: 'archive/data.pkl', data: osSystemPickle(), compressed: { method: 14, body: zipLzma(osSystemPickle()) } }]));
    expect(f.verdict).toBe('malicious');
  });
  it('stops a bzip2 bomb at the decompression limit', async () => {
    const f = await scanFixture('bomb-bzip2.zip', { maxDecompressedBytes: 8 * 1024 * 1024 });
    expect(f.verdict).toBe('error');
    expect(codes(f)).toContain('LIMIT_DECOMPRESSED_BYTES');
  });
  it('stops a bzip2 bomb at the ratio limit', async () => {
    const f = await scanFixture('bomb-bzip2.zip');
    expect(f.verdict).toBe('error');
    expect(codes(f)).toContain('LIMIT_RATIO');
  });
  it('stops an LZMA bomb before decoding it', async () => {
    const zeros = Buffer.alloc(32 * 1024 * 1024);
    const f = await scanBytes(buildZip([{ name: 'archive/data.pkl', data: zeros, compressed: { method: 14, body: zipLzma(zeros) } }]), {
      limits: { maxMemberBytes: 4 * 1024 * 1024 },
    });
    expect(f.verdict).toBe('error');
    expect(codes(f)).toContain('LIMIT_MEMBER_BYTES');
  });
  it('reads an LZMA member no further than its declared size, as zipfile does, and fails closed', async () => {
    const pkl = osSystemPickle();
    const f = await scanBytes(buildZip([{ name: 'archive/data.pkl', data: pkl, declaredSize: 8, compressed: { method: 14, body: zipLzma(pkl) } }]));
    expect(f.verdict).toBe('error');
    expect(codes(f)).toContain('TRUNCATED');
  });
  it.each([
    ['broken bzip2', 12, Buffer.from('BZh9 not really')],
    ['broken LZMA', 14, Buffer.from([0x10, 0x02, 0x05, 0x00, 0x5d, 0, 0, 1, 0, 0xff, 0xff])],
    ['PPMd, which zipfile cannot read either', 98, Buffer.from('ppmd')],
  ])('gives %s verdict error', async (_what, method, body) => {
    const f = await scanBytes(buildZip([{ name: 'archive/data.pkl', data: plainPickle(), compressed: { method, body } }]));
    expect(f.verdict).toBe('error');
  });
});

describe('zip end-record differentials', () => {
  /** The red team's layout (m36, m56): CPython and miniz take end record A, careful readers B. */
  function differential(benignName: string, benign: Buffer, evilName: string, evil: Buffer): Buffer {
    const b = { name: benignName, data: benign };
    const e = { name: evilName, data: evil };
    const junk = Buffer.alloc(32);
    const evilAt = localRecord(b).length + junk.length;
    const centralB = centralRecord(b, 0);
    const centralA = centralRecord(e, evilAt);
    const bAt = evilAt + localRecord(e).length;
    return Buffer.concat([
      localRecord(b),
      junk,
      localRecord(e),
      centralB,
      endRecord(1, centralB.length, bAt, { commentLength: centralA.length + 22 }),
      centralA,
      endRecord(1, centralA.length, bAt + centralB.length + 22, { commentLength: 0xffff }),
    ]);
  }
  it('scans the member only the last, overflowing end record lists', async () => {
    const f = await scanBytes(differential('archive/data.pkl', plainPickle(), 'archive/data.pkl', osSystemPickle()));
    expect(f.verdict).toBe('malicious');
    expect(ruleIds(f)).toContain('container/zip-differential');
  });
  it('scans the member only the careful reading lists', async () => {
    // Swapped: the member CPython would read is benign, the one a careful reader lists is not.
    const f = await scanBytes(differential('archive/data.pkl', osSystemPickle(), 'archive/data.pkl', plainPickle()));
    expect(f.verdict).toBe('malicious');
  });
  it('keeps a zip with a real comment clean', async () => {
    const f = await scanBytes(buildZip([{ name: 'archive/data.pkl', data: plainPickle() }], { comment: Buffer.from('made by a test, PK\x05 and all') }));
    expect(f.verdict).toBe('clean');
    expect(f.findings).toEqual([]);
  });
});
