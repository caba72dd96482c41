import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BufferSource } from '../../../src/core/byte-source.js';
import { DEFAULT_LIMITS } from '../../../src/core/limits.js';
import { sniff } from '../../../src/engine/sniff.js';
import { buildTar, paxMember, tarHeader } from '../../../src/formats/tar/builder.js';
import { isTarHeader, parseTarHeaders } from '../../../src/formats/tar/parse.js';

const parse = (bytes: Buffer) => parseTarHeaders(new BufferSource(bytes), DEFAULT_LIMITS);
const data = Buffer.from('hello');

describe('tar detection', () => {
  it.each([
    { what: 'ustar', block: tarHeader({ name: 'a', data }) },
    // V7: no magic at 257 (Lib/tarfile.py reads it by its checksum alone).
    { what: 'V7', block: tarHeader({ name: 'a', data, format: 'v7' }) },
    { what: 'signed-char checksum', block: tarHeader({ name: '\u00e9t\u00e9', data, format: 'v7', signedChecksum: true }) },
    { what: 'size as Python int text', block: tarHeader({ name: 'a', sizeField: ' 0o5\0', format: 'v7' }) },
  ])('recognises a $what header', ({ block }) => {
    expect(isTarHeader(block)).toBe(true);
    expect(sniff(block, 1024)).toBe('tar');
  });

  it.each([
    { what: 'a wrong checksum', block: tarHeader({ name: 'a', data, format: 'v7', checksum: 1234 }) },
    { what: 'a size that is not octal', block: tarHeader({ name: 'a', sizeField: '9\0', format: 'v7' }) },
    { what: 'a negative size', block: tarHeader({ name: 'a', sizeField: '-5\0', format: 'v7' }) },
    { what: 'zeros', block: Buffer.alloc(512) },
    { what: 'text', block: Buffer.from('the quick brown fox jumps over the lazy dog\n'.repeat(12).slice(0, 512)) },
    { what: 'a short head', block: tarHeader({ name: 'a', format: 'v7' }).subarray(0, 511) },
  ])('rejects $what', ({ block }) => {
    expect(isTarHeader(block)).toBe(false);
  });

  it('does not take random bytes for a tar', () => {
    for (let i = 0; i < 2000; i++) expect(isTarHeader(randomBytes(512))).toBe(false);
  });
});

describe('tar headers', () => {
  it('reads V7 members, and a V7 directory by its trailing slash', () => {
    const { entries, error } = parse(
      buildTar([
        { name: 'dir/', type: '\0', format: 'v7' },
        { name: 'dir/x', data, format: 'v7' },
      ]),
    );
    expect(error).toBeUndefined();
    expect(entries.map((e) => [e.name, e.type, e.size])).toEqual([
      ['dir', 'dir', 0],
      ['dir/x', 'file', 5],
    ]);
  });

  it('reads a member of unknown type as a file, as tarfile extracts it', () => {
    const { entries } = parse(buildTar([{ name: 'pickle', type: 'Z', data }]));
    expect(entries[0]).toMatchObject({ name: 'pickle', type: 'file', size: 5 });
  });

  it('does not step over data for a link whatever its size field says (tarfile _proc_builtin)', () => {
    const tar = Buffer.concat([tarHeader({ name: 'l', type: '2', linkName: 'x', size: 1024 }), tarHeader({ name: 'x', data }), data, Buffer.alloc(507 + 1024)]);
    const { entries, error } = parse(tar);
    expect(error).toBeUndefined();
    expect(entries.map((e) => e.name)).toEqual(['l', 'x']);
    expect(entries[0]!.link).toEqual({ name: 'x', kind: 'symbolic' });
  });

  it('takes name and size from a pax header', () => {
    const big = Buffer.alloc(700, 0x41);
    const { entries, error } = parse(buildTar([paxMember({ path: 'storages', size: '700' }), { name: 'other', data: big, size: 3 }]));
    expect(error).toBeUndefined();
    expect(entries).toMatchObject([{ name: 'storages', size: 700 }]);
  });

  it('reads a GNU long name', () => {
    const long = 'd/'.repeat(80) + 'pickle';
    const { entries } = parse(
      buildTar([
        { name: '././@LongLink', type: 'L', data: Buffer.from(long + '\0') },
        { name: 'short', data },
      ]),
    );
    expect(entries[0]!.name).toBe(long);
  });

  it.each([
    {
      what: 'a bad checksum after the first member',
      tar: () =>
        buildTar([
          { name: 'a', data, format: 'v7' },
          { name: 'b', data, format: 'v7', checksum: 7 },
        ]),
      code: 'MALFORMED',
    },
    { what: 'a member past the end', tar: () => buildTar([{ name: 'a', data, format: 'v7', size: 4096 }]), code: 'TRUNCATED' },
    { what: 'a GNU sparse member', tar: () => buildTar([{ name: 'a', type: 'S', data }]), code: 'UNSUPPORTED' },
    { what: 'a pax header with no member', tar: () => Buffer.concat([buildTar([paxMember({ path: 'x' })])]), code: 'TRUNCATED' },
  ])('fails closed on $what', ({ tar, code }) => {
    expect(parse(tar()).error?.code).toBe(code);
  });
});
