import { describe, expect, it } from 'vitest';
import { isSevenZip, SEVENZIP_MAGIC } from '../../../src/formats/sevenzip/parse.js';
import { codeBin, fixture, helloText, read } from './helpers.js';

interface Expected {
  name: string;
  isDir?: boolean;
  data?: Buffer;
  /** Error code on the entry, when its bytes cannot be read. */
  code?: string;
  size?: number;
}

// Archives made by the real 7-Zip (test/fixtures/sevenzip/make.sh); the method each uses was
// checked with `7zz l -slt`.
const valid: { fixture: string; what: string; entries: Expected[] }[] = [
  { fixture: 'copy.7z', what: 'Copy, plain header', entries: [{ name: 'hello.txt', data: helloText() }] },
  { fixture: 'lzma.7z', what: 'LZMA', entries: [{ name: 'hello.txt', data: helloText() }] },
  { fixture: 'lzma2.7z', what: 'LZMA2', entries: [{ name: 'hello.txt', data: helloText() }] },
  { fixture: 'bcj-lzma2.7z', what: 'BCJ x86 + LZMA2', entries: [{ name: 'code.bin', data: codeBin() }] },
  { fixture: 'encoded-header.7z', what: 'LZMA2 data, LZMA-encoded header', entries: [{ name: 'hello.txt', data: helloText() }] },
  {
    fixture: 'multi.7z',
    what: 'solid LZMA2 folder of two files, an empty file and directories',
    entries: [
      { name: 'tree', isDir: true },
      { name: 'tree/emptydir', isDir: true },
      { name: 'tree/sub', isDir: true },
      { name: 'tree/empty.txt', data: Buffer.alloc(0) },
      { name: 'tree/a.txt', data: Buffer.from('first file\n') },
      { name: 'tree/sub/b.txt', data: Buffer.from('second file, a little longer than the first one\n') },
    ],
  },
  {
    fixture: 'nonsolid.7z',
    what: 'one LZMA2 folder per file',
    entries: [
      { name: 'tree', isDir: true },
      { name: 'tree/emptydir', isDir: true },
      { name: 'tree/sub', isDir: true },
      { name: 'tree/empty.txt', data: Buffer.alloc(0) },
      { name: 'hello.txt', data: helloText() },
      { name: 'tree/a.txt', data: Buffer.from('first file\n') },
      { name: 'tree/sub/b.txt', data: Buffer.from('second file, a little longer than the first one\n') },
    ],
  },
  { fixture: 'aes.7z', what: '7zAES (names visible with -mhe=off)', entries: [{ name: 'hello.txt', code: 'ENCRYPTED', size: 3005 }] },
  { fixture: 'ppmd.7z', what: 'PPMd', entries: [{ name: 'hello.txt', code: 'UNSUPPORTED', size: 3005 }] },
  // BCJ2 is a four-input coder fed by three LZMA streams: the folder parses, the coder is refused.
  { fixture: 'bcj2.7z', what: 'BCJ2 + LZMA + LZMA2', entries: [{ name: 'code.bin', code: 'UNSUPPORTED', size: 6000 }] },
];

describe('readSevenZip on archives made by 7-Zip', () => {
  it.each(valid)('$fixture ($what)', ({ fixture: name, entries }) => {
    const archive = read(fixture(name));
    expect(archive.errors).toEqual([]);
    expect(archive.entries.map((e) => e.name)).toEqual(entries.map((e) => e.name));
    entries.forEach((want, i) => {
      const got = archive.entries[i]!;
      expect(got.isDir).toBe(want.isDir ?? false);
      expect(got.error?.code).toBe(want.code);
      if (want.data !== undefined) {
        expect(got.size).toBe(want.data.length);
        expect(got.data?.equals(want.data)).toBe(true);
      } else {
        expect(got.data).toBeUndefined();
        expect(got.size).toBe(want.size ?? 0);
      }
    });
  });
});

describe('isSevenZip', () => {
  it.each([
    { head: SEVENZIP_MAGIC, want: true },
    { head: fixture('copy.7z').subarray(0, 32), want: true },
    { head: Buffer.from('PK\x03\x04'), want: false },
    { head: SEVENZIP_MAGIC.subarray(0, 5), want: false },
    { head: Buffer.alloc(0), want: false },
  ])('%#', ({ head, want }) => expect(isSevenZip(head)).toBe(want));
});
