import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../../src/core/errors.js';
import type { Limits } from '../../../src/core/limits.js';
import { buildSevenZip, type BuilderArchive } from '../../../src/formats/sevenzip/builder.js';
import { crc32 } from 'node:zlib';
import type { SevenZipArchive } from '../../../src/formats/sevenzip/model.js';
import { fixture, helloText, nextHeader, read } from './helpers.js';

const HUGE = 2n ** 62n;

/** A copy of `bytes` with `at` replaced by `value` (or inverted). */
function patched(bytes: Buffer, at: number, value?: number): Buffer {
  const out = Buffer.from(bytes);
  out[at] = value ?? out[at]! ^ 0xff;
  return out;
}

const codes = (a: SevenZipArchive): string[] => a.errors.map((e) => e.code);

/** One stored (Copy) file, as the builder's starting point. */
function copyOf(data: Buffer, name = 'a.bin'): BuilderArchive {
  return { folders: [{ coders: [{ methodId: '00' }], unpackSizes: [data.length], packed: data, crc: crc32(data) }], files: [{ name }] };
}

const LZMA2 = { methodId: '21', props: Buffer.from([0x18]) };

/** An LZMA2 folder whose (tiny) data declares `sizes` for its streams. */
function lzma2Declaring(sizes: bigint[]): BuilderArchive {
  const total = sizes.reduce((a, b) => a + b, 0n);
  const streams = sizes.map((size) => ({ size }));
  return {
    folders: [{ coders: [LZMA2], unpackSizes: [total], packed: Buffer.from('01000061', 'hex'), streams }],
    files: sizes.map((_, i) => ({ name: `f${i}` })),
  };
}

const oneByte = (): BuilderArchive => copyOf(Buffer.from('x'));

interface Case {
  what: string;
  bytes: () => Buffer;
  limits?: Partial<Limits>;
  /** Expected archive-level error codes, in order. */
  errors: string[];
  /** Expected entries: name and entry error code (undefined: data present). */
  entries?: [string, string | undefined][];
}

const copy = fixture('copy.7z');
const copyHeader = nextHeader(copy);

const cases: Case[] = [
  { what: 'empty file', bytes: () => Buffer.alloc(0), errors: ['TRUNCATED'], entries: [] },
  { what: 'signature only', bytes: () => copy.subarray(0, 6), errors: ['TRUNCATED'], entries: [] },
  { what: 'not a 7z archive', bytes: () => Buffer.from(`PK\x03\x04${' '.repeat(40)}`), errors: ['MALFORMED'], entries: [] },
  { what: 'format version 1', bytes: () => patched(copy, 6, 1), errors: ['UNSUPPORTED'], entries: [] },
  { what: 'truncated by one byte', bytes: () => copy.subarray(0, copy.length - 1), errors: ['TRUNCATED'], entries: [] },
  { what: 'truncated inside the packed data', bytes: () => copy.subarray(0, 100), errors: ['TRUNCATED'], entries: [] },
  { what: 'truncated encoded header', bytes: () => fixture('multi.7z').subarray(0, 240), errors: ['TRUNCATED'], entries: [] },
  {
    what: 'corrupt header (first property id)',
    bytes: () => patched(copy, copyHeader.start, 0x42),
    errors: ['MALFORMED', 'MALFORMED'], // header CRC, then the unknown property
    entries: [],
  },
  { what: 'start header CRC mismatch', bytes: () => patched(copy, 8), errors: ['MALFORMED'], entries: [['hello.txt', undefined]] },
  // The bytes still arrive (a loader that skips CRCs would read them), and the mismatch is reported.
  { what: 'data CRC mismatch', bytes: () => patched(copy, 32 + 100), errors: ['MALFORMED'], entries: [['hello.txt', undefined]] },
  {
    what: 'huge declared size of a lone member (2^62)',
    bytes: () => buildSevenZip(lzma2Declaring([HUGE])),
    errors: [],
    entries: [['f0', 'LIMIT_MEMBER_BYTES']],
  },
  {
    what: 'huge declared folder behind a small member',
    bytes: () => buildSevenZip(lzma2Declaring([5n, HUGE])),
    errors: [],
    entries: [
      ['f0', 'LIMIT_DECOMPRESSED_BYTES'],
      ['f1', 'LIMIT_MEMBER_BYTES'],
    ],
  },
  {
    what: 'huge declared encoded header',
    bytes: () => buildSevenZip({ ...oneByte(), encodedHeader: { ...LZMA2, packed: Buffer.from('00', 'hex'), unpackSize: HUGE } }),
    errors: ['LIMIT_DECOMPRESSED_BYTES'],
    entries: [],
  },
  { what: 'huge file count', bytes: () => buildSevenZip({ ...oneByte(), numFiles: HUGE }), errors: ['MALFORMED'], entries: [] },
  { what: 'encrypted header (7z -mhe=on)', bytes: () => fixture('aes-header.7z'), errors: ['ENCRYPTED'], entries: [] },
  {
    what: 'encrypted header (builder)',
    bytes: () => buildSevenZip({ ...oneByte(), encodedHeader: { methodId: '06f10701', props: Buffer.alloc(2) } }),
    errors: ['ENCRYPTED'],
    entries: [],
  },
  {
    what: 'packed stream past the end of the file',
    bytes: () => {
      const archive = copyOf(Buffer.from('data'));
      archive.folders[0]!.declaredPackSize = 1000;
      archive.folders[0]!.unpackSizes = [1000];
      return buildSevenZip(archive);
    },
    errors: [],
    entries: [['a.bin', 'TRUNCATED']],
  },
  {
    what: 'unsupported coder (Deflate)',
    bytes: () => buildSevenZip({ ...oneByte(), folders: [{ coders: [{ methodId: '040108' }], unpackSizes: [1], packed: Buffer.from('x') }] }),
    errors: [],
    entries: [['a.bin', 'UNSUPPORTED']],
  },
  { what: 'member limit', bytes: () => copy, limits: { maxMemberBytes: 1000 }, errors: [], entries: [['hello.txt', 'LIMIT_MEMBER_BYTES']] },
  {
    what: 'decompressed-bytes limit',
    bytes: () => fixture('lzma2.7z'),
    limits: { maxDecompressedBytes: 1000 },
    errors: [],
    entries: [['hello.txt', 'LIMIT_DECOMPRESSED_BYTES']],
  },
  // The LZMA-encoded header alone is larger than this budget.
  {
    what: 'decompressed-bytes limit hit by the header',
    bytes: () => fixture('multi.7z'),
    limits: { maxDecompressedBytes: 50 },
    errors: ['LIMIT_DECOMPRESSED_BYTES'],
    entries: [],
  },
  {
    what: 'ratio limit',
    bytes: () => fixture('lzma.7z'),
    limits: { ratioGraceBytes: 1000, maxCompressionRatio: 2 },
    errors: [],
    entries: [['hello.txt', 'LIMIT_RATIO']],
  },
  {
    what: 'entry limit',
    bytes: () => fixture('multi.7z'),
    limits: { maxArchiveEntries: 2 },
    errors: ['LIMIT_ENTRIES'],
    entries: [
      ['tree', undefined],
      ['tree/emptydir', undefined],
    ],
  },
];

describe('readSevenZip on malformed and hostile input', () => {
  it.each(cases)('$what', ({ bytes, limits, errors, entries }) => {
    const started = Date.now();
    const archive = read(bytes(), limits);
    expect(Date.now() - started).toBeLessThan(2000); // declared sizes never drive work
    expect(codes(archive)).toEqual(errors);
    if (entries !== undefined) expect(archive.entries.map((e) => [e.name, e.error?.code])).toEqual(entries);
  });

  it('keeps the bytes of a member whose CRC does not match', () => {
    const archive = read(patched(copy, 32 + 100));
    const expected = helloText();
    expected[100]! ^= 0xff;
    expect(archive.entries[0]!.data?.equals(expected)).toBe(true);
  });

  it('reads an archive the builder wrote, with a Copy-encoded header', () => {
    const archive = read(
      buildSevenZip({
        folders: [
          {
            coders: [{ methodId: '00' }],
            unpackSizes: [6],
            packed: Buffer.from('abcdef'),
            streams: [{ size: 2, crc: crc32(Buffer.from('ab')) }, { size: 4 }],
          },
        ],
        files: [{ name: 'd', kind: 'dir' }, { name: 'd/x' }, { name: 'e', kind: 'empty' }, { name: 'd/y' }],
        encodedHeader: {},
      }),
    );
    expect(archive.errors).toEqual([]);
    expect(archive.entries.map((e) => [e.name, e.isDir, e.data?.toString()])).toEqual([
      ['d', true, undefined],
      ['d/x', false, 'ab'],
      ['e', false, ''],
      ['d/y', false, 'cdef'],
    ]);
  });
});

/** Every error anywhere in the result is typed with a known code; none escaped as a throw. */
function expectTyped(archive: SevenZipArchive): number {
  const all = [...archive.errors, ...archive.entries.flatMap((e) => (e.error ? [e.error] : []))];
  for (const e of all) expect(ERROR_CODES).toContain(e.code);
  return all.length;
}

describe('never throws, always says why', () => {
  it.each(['multi.7z', 'lzma.7z', 'bcj-lzma2.7z', 'encoded-header.7z', 'aes.7z'])('%s cut at every length', (name) => {
    const bytes = fixture(name);
    for (let length = 0; length < bytes.length; length++) {
      expect(expectTyped(read(bytes.subarray(0, length)))).toBeGreaterThan(0);
    }
  });

  it.each(['multi.7z', 'lzma.7z', 'lzma2.7z', 'encoded-header.7z', 'copy.7z'])('%s with each byte inverted', (name) => {
    const bytes = fixture(name);
    for (let at = 0; at < bytes.length; at++) {
      // Every byte but the minor version (7) is checked: signature, major version, a CRC (start
      // header, header, data) or the LZMA range coder's clean end.
      if (at === 7) continue;
      expect(expectTyped(read(patched(bytes, at)))).toBeGreaterThan(0);
    }
  });
});
