import { describe, expect, it } from 'vitest';
import { BufferSource } from '../../../src/core/byte-source.js';
import { withLimits } from '../../../src/core/limits.js';
import { buildZip, centralRecord, endRecord, localRecord, type ZipEntrySpec } from '../../../src/formats/zip/builder.js';
import { findEndRecords } from '../../../src/formats/zip/eocd.js';
import { readZip } from '../../../src/formats/zip/parse.js';

const read = (bytes: Buffer) => readZip(new BufferSource(bytes), withLimits());
const names = (bytes: Buffer) => read(bytes).entries.map((e) => `${e.name}@${e.localOffset}`);

/**
 * The red team's end-record differential (m36/m56): [benign local][junk][evil local][central B]
 * [end record B, whose comment swallows what follows][central A][end record A, whose comment
 * length runs past the end]. CPython zipfile and miniz take A, careful readers take B.
 */
function endRecordDifferential(benign: ZipEntrySpec, evil: ZipEntrySpec, junk = Buffer.alloc(32)): Buffer {
  const parts: Buffer[] = [];
  const benignLocal = localRecord(benign);
  const evilAt = benignLocal.length + junk.length;
  parts.push(benignLocal, junk, localRecord(evil));
  const centralB = centralRecord(benign, 0);
  const centralA = centralRecord(evil, evilAt);
  const bAt = evilAt + localRecord(evil).length;
  parts.push(centralB, endRecord(1, centralB.length, bAt, { commentLength: centralA.length + 22 }));
  const aAt = bAt + centralB.length + 22;
  parts.push(centralA, endRecord(1, centralA.length, aAt, { commentLength: 0xffff }));
  return Buffer.concat(parts);
}

describe('zip end records', () => {
  const benign = { name: 'arr_0.npy', data: Buffer.from('benign') };
  const evil = { name: 'arr_0.npy', data: Buffer.from('evil bytes') };

  it('finds one record in a normal zip, also with a real comment', () => {
    for (const comment of [undefined, Buffer.from('written by a test; PK but no signature')]) {
      const bytes = buildZip([benign], { comment });
      const records = findEndRecords(new BufferSource(bytes));
      expect(records).toHaveLength(1);
      expect(records[0]?.strict).toBe(true);
      const archive = read(bytes);
      expect(archive.problems).toEqual([]);
      expect(archive.centralBreak).toBeUndefined();
      expect(archive.entries.map((e) => e.name)).toEqual(['arr_0.npy']);
    }
  });

  it('reads both the record CPython and miniz take and the one careful readers take', () => {
    const bytes = endRecordDifferential(benign, evil);
    const records = findEndRecords(new BufferSource(bytes));
    expect(records.map((r) => r.strict)).toEqual([false, true]);
    const archive = read(bytes);
    expect(archive.centralBreak).toBeUndefined();
    expect(archive.entries.filter((e) => e.origin === 'central')).toHaveLength(2);
    expect(archive.entries.map((e) => e.dataOffset === undefined)).toEqual([false, false]);
    expect(archive.problems.join('\n')).toMatch(/2 different central directories/);
    expect(archive.problems.join('\n')).toMatch(/32 bytes at \d+ are no local header/);
  });

  it('reads the directory where CPython places it when the declared offset disagrees', () => {
    // The declared offset names a directory listing the benign entry; CPython's `concat`
    // reading (end record position minus directory size) finds another listing the evil one.
    const long = { name: 'arr_0.npy', data: Buffer.alloc(200, 0x61) };
    const benignLocal = localRecord(long);
    const evilLocal = localRecord(evil);
    const decoy = centralRecord(long, 0);
    const realAt = benignLocal.length + evilLocal.length + decoy.length;
    const decoyAt = benignLocal.length + evilLocal.length;
    // CPython adds concat = realAt - decoyAt to every local offset, so list the evil one that much lower.
    const real = centralRecord(evil, benignLocal.length - (realAt - decoyAt));
    const bytes = Buffer.concat([benignLocal, evilLocal, decoy, real, endRecord(1, real.length, decoyAt)]);
    expect(names(bytes)).toEqual([`arr_0.npy@0`, `arr_0.npy@${benignLocal.length}`]);
    expect(read(bytes).problems.join('\n')).toMatch(/where CPython zipfile places it/);
  });

  it('lists entries past the record count, as CPython reads them', () => {
    const first = localRecord(benign);
    const second = { name: 'second.npy', data: Buffer.from('second') };
    const cd = Buffer.concat([centralRecord(benign, 0), centralRecord(second, first.length)]);
    const bytes = Buffer.concat([first, localRecord(second), cd, endRecord(1, cd.length, first.length + localRecord(second).length)]);
    const archive = read(bytes);
    expect(archive.entries.map((e) => [e.name, e.origin])).toEqual([
      ['arr_0.npy', 'central'],
      ['second.npy', 'central'],
    ]);
    // miniz and CPython list different entries: a defect of the file, reported fatal by the scan.
    expect(archive.defects.join('\n')).toMatch(/past the end record's count/);
  });
});

describe('zip64 end records', () => {
  /** As torch.save writes them: a ZIP64 end record and locator before the plain end record. */
  function withZip64(entries: ZipEntrySpec[]): Buffer {
    const locals = entries.map((e) => localRecord(e));
    let at = 0;
    const cd = Buffer.concat(entries.map((e, i) => centralRecord(e, (at += i === 0 ? 0 : locals[i - 1]!.length))));
    const cdAt = locals.reduce((n, l) => n + l.length, 0);
    const z = Buffer.alloc(56);
    z.writeUInt32LE(0x06064b50, 0);
    z.writeBigUInt64LE(44n, 4);
    z.writeBigUInt64LE(BigInt(entries.length), 24);
    z.writeBigUInt64LE(BigInt(entries.length), 32);
    z.writeBigUInt64LE(BigInt(cd.length), 40);
    z.writeBigUInt64LE(BigInt(cdAt), 48);
    const loc = Buffer.alloc(20);
    loc.writeUInt32LE(0x07064b50, 0);
    loc.writeBigUInt64LE(BigInt(cdAt + cd.length), 8);
    loc.writeUInt32LE(1, 16);
    return Buffer.concat([...locals, cd, z, loc, endRecord(entries.length, cd.length, cdAt)]);
  }
  it('reads one directory when every reader agrees where it is', () => {
    const archive = read(
      withZip64([
        { name: 'archive/data.pkl', data: Buffer.from('x') },
        { name: 'archive/version', data: Buffer.from('3\n') },
      ]),
    );
    expect(archive.problems).toEqual([]);
    expect(archive.entries.map((e) => e.name)).toEqual(['archive/data.pkl', 'archive/version']);
  });
});

describe('zip local-header walk', () => {
  it('goes on after junk between local headers and reports the junk', () => {
    const hidden = { name: 'x.pkl', data: Buffer.from('hidden'), hidden: true };
    const shown = { name: 'a.npy', data: Buffer.from('shown') };
    const first = localRecord(shown);
    const junk = Buffer.alloc(100, 0x41);
    const cd = centralRecord(shown, 0);
    const at = first.length + junk.length + localRecord(hidden).length;
    const bytes = Buffer.concat([first, junk, localRecord(hidden), cd, endRecord(1, cd.length, at)]);
    const archive = read(bytes);
    expect(archive.entries.map((e) => [e.name, e.origin])).toEqual([
      ['a.npy', 'central'],
      ['x.pkl', 'local-only'],
    ]);
    expect(archive.problems).toContain(`100 bytes at ${first.length} are no local header; the walk goes on at the next local header, at ${first.length + 100}`);
  });

  it('keeps a normal zip free of problems', () => {
    const bytes = buildZip([
      { name: 'archive/data.pkl', data: Buffer.from('x'), deflate: true },
      { name: 'archive/data/0', data: Buffer.alloc(256) },
    ]);
    expect(read(bytes).problems).toEqual([]);
  });
});

describe('malformed zips', () => {
  it.each([
    ['no end record', Buffer.concat([localRecord({ name: 'a', data: Buffer.from('a') })])],
    ['an end record pointing past the end', Buffer.concat([localRecord({ name: 'a', data: Buffer.from('a') }), endRecord(1, 46, 10_000)])],
    ['an end record cut short', endRecord(1, 46, 0).subarray(0, 21)],
  ])('reports a central break for %s, never a crash', (_what, bytes) => {
    expect(read(bytes).centralBreak).toBeDefined();
  });
  it('still lists the entries of a directory cut short', () => {
    const whole = buildZip([
      { name: 'a.npy', data: Buffer.from('a') },
      { name: 'b.npy', data: Buffer.from('b') },
    ]);
    const archive = read(Buffer.concat([whole.subarray(0, whole.length - 22 - 40), whole.subarray(whole.length - 22)]));
    expect(archive.centralBreak).toBeDefined();
    expect(archive.entries.map((e) => e.name)).toContain('a.npy');
  });
});
