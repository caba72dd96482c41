import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync, gzipSync } from 'node:zlib';
import { lzma, xz } from '@napi-rs/lzma';
import { describe, expect, it } from 'vitest';
import type { FileResult } from '../../src/core/report-types.js';
import { osSystemPickle, plainPickle } from '../helpers/pickles.js';
import { scanBytes } from '../helpers/scan-bytes.js';

// Issue 14, point 2: the decoders read every compressed file as the most permissive loader
// does (gzip.py, _compression.DecompressReader for bz2/lzma/lz4, joblib's BinaryZlibFile and
// Z-files): every stream or member it goes on to, appended, and what decoded before a break
// (the loader streams it into pickle.load, which has run it by the time the break raises),
// then the break as a fatal finding.

const FIXTURES = join(import.meta.dirname, '../fixtures/decoders');
const fixture = (name: string): Buffer => readFileSync(join(FIXTURES, name));

const PAYLOAD = osSystemPickle();
const PLAIN = plainPickle();

const codes = (f: FileResult): string[] => f.findings.flatMap((x) => (x.code ? [x.code] : []));
const rules = (f: FileResult): string[] => f.findings.map((x) => x.ruleId);

/** A gzip member whose CRC-32 is wrong: Python's gzip raises only after handing on its data. */
const badCrc = (data: Buffer): Buffer => {
  const g = Buffer.from(gzipSync(data));
  g[g.length - 8]! ^= 0xff;
  return g;
};

/** lzma-alone as Python's lzma writes it, with the header's dictionary size set to `dict`. */
const lzmaWithDict = (data: Buffer, dict: number): Buffer => {
  const l = Buffer.from(lzma.compressSync(data));
  l.writeUInt32LE(dict, 1);
  return l;
};

/** joblib < 0.10's Z-file (numpy_pickle_compat.write_zfile): `ZF`, hex length padded to 19, zlib. */
const zfile = (data: Buffer, o: { length?: string; extraSpace?: boolean } = {}): Buffer =>
  Buffer.concat([Buffer.from(`ZF${(o.length ?? `0x${data.length.toString(16)}`).padEnd(19)}${o.extraSpace ? ' ' : ''}`, 'latin1'), deflateSync(data)]);

/** An LZ4 skippable frame (magic 0x184D2A5?, then its size and bytes). */
const skippable = (bytes: Buffer): Buffer => {
  const head = Buffer.alloc(8);
  head.writeUInt32LE(0x184d2a53, 0);
  head.writeUInt32LE(bytes.length, 4);
  return Buffer.concat([head, bytes]);
};

interface Case {
  name: string;
  bytes: () => Buffer;
  format?: string;
  /** Fatal codes expected (none for a file read to its end). */
  fatal?: string[];
}

/** Read whole, nothing wrong with them: clean. */
const VALID: Case[] = [
  { name: 'gzip, two members', bytes: () => Buffer.concat([gzipSync(PLAIN), gzipSync(PLAIN)]), format: 'pickle-gzip' },
  { name: 'gzip, zero padding after the member', bytes: () => Buffer.concat([gzipSync(PLAIN), Buffer.alloc(16)]), format: 'pickle-gzip' },
  { name: 'zlib (joblib compress=zlib)', bytes: () => deflateSync(PLAIN), format: 'pickle-zlib' },
  { name: 'xz, two streams', bytes: () => Buffer.concat([xz.compressSync(PLAIN), xz.compressSync(PLAIN)]), format: 'pickle-xz' },
  { name: 'xz, trailing bytes the reader ignores', bytes: () => Buffer.concat([xz.compressSync(PLAIN), Buffer.from('trailing!!!!')]), format: 'pickle-xz' },
  { name: 'lzma-alone, dictionary 2^16 + 2^15', bytes: () => lzmaWithDict(PLAIN, 0x18000), format: 'pickle-lzma' },
  { name: 'lzma-alone, two streams', bytes: () => Buffer.concat([lzma.compressSync(PLAIN), lzma.compressSync(PLAIN)]), format: 'pickle-lzma' },
  { name: 'bzip2, trailing bytes the reader ignores', bytes: () => fixture('plain-trailing.bz2'), format: 'pickle-bz2' },
  { name: 'LZ4 frame (lz4.frame)', bytes: () => fixture('plain.lz4'), format: 'pickle-lz4' },
  { name: 'joblib.dump(compress="lz4")', bytes: () => fixture('benign.joblib.lz4'), format: 'pickle-lz4' },
  {
    name: 'LZ4, a skippable frame between two frames',
    bytes: () => Buffer.concat([fixture('plain.lz4'), skippable(PAYLOAD), fixture('plain.lz4')]),
    format: 'pickle-lz4',
  },
  { name: 'zstd, trailing bytes the reader ignores', bytes: () => Buffer.concat([fixture('plain.zst'), Buffer.from('trailing')]), format: 'pickle-zstd' },
  { name: 'joblib Z-file', bytes: () => zfile(PLAIN), format: 'pickle-zf' },
  { name: 'joblib Z-file with the Python 2 extra space', bytes: () => zfile(PLAIN, { extraSpace: true }), format: 'pickle-zf' },
];

/** The payload is read (malicious), and a break is reported beside it where there is one. */
const MALICIOUS: Case[] = [
  { name: 'gzip, payload in the second member', bytes: () => Buffer.concat([gzipSync(PLAIN), gzipSync(PAYLOAD)]) },
  { name: 'gzip, payload in a member after zero padding', bytes: () => Buffer.concat([gzipSync(PLAIN), Buffer.alloc(5), gzipSync(PAYLOAD)]) },
  { name: 'gzip, trailing garbage', bytes: () => Buffer.concat([gzipSync(PAYLOAD), Buffer.from('garbage')]), fatal: ['MALFORMED'] },
  { name: 'gzip, bad CRC', bytes: () => badCrc(PAYLOAD), fatal: ['MALFORMED'] },
  { name: 'gzip, cut in its trailer', bytes: () => gzipSync(PAYLOAD).subarray(0, -3), fatal: ['TRUNCATED'] },
  { name: 'zlib, truncated', bytes: () => deflateSync(PAYLOAD).subarray(0, -5), fatal: ['TRUNCATED'] },
  { name: 'zlib, bytes after the stream', bytes: () => Buffer.concat([deflateSync(PAYLOAD), Buffer.from('xx')]), fatal: ['MALFORMED'] },
  { name: 'xz, payload in the second stream', bytes: () => Buffer.concat([xz.compressSync(PLAIN), xz.compressSync(PAYLOAD)]) },
  { name: 'xz, trailing garbage', bytes: () => Buffer.concat([xz.compressSync(PAYLOAD), Buffer.from('garbage!')]) },
  { name: 'xz with a SHA-256 check', bytes: () => fixture('payload-sha256.xz') },
  { name: 'xz, second stream cut', bytes: () => Buffer.concat([xz.compressSync(PLAIN), xz.compressSync(PAYLOAD).subarray(0, -20)]), fatal: ['TRUNCATED'] },
  { name: 'lzma-alone, dictionary 2^16 + 2^15', bytes: () => lzmaWithDict(PAYLOAD, 0x18000) },
  { name: 'lzma-alone, dictionary 2^9', bytes: () => lzmaWithDict(PAYLOAD, 0x200) },
  { name: 'lzma-alone, payload in the second stream', bytes: () => Buffer.concat([lzma.compressSync(PLAIN), lzma.compressSync(PAYLOAD)]) },
  { name: 'lzma-alone, cut short', bytes: () => lzma.compressSync(PAYLOAD).subarray(0, -4), fatal: ['TRUNCATED'] },
  { name: 'bzip2, payload in the second stream', bytes: () => fixture('payload-second-stream.bz2') },
  { name: 'bzip2, cut before its end-of-stream marker', bytes: () => fixture('payload-cut.bz2'), fatal: ['TRUNCATED'] },
  { name: 'LZ4 frame', bytes: () => fixture('payload.lz4') },
  { name: 'LZ4, payload in a frame after a skippable frame', bytes: () => Buffer.concat([fixture('plain.lz4'), skippable(PLAIN), fixture('payload.lz4')]) },
  // lz4.frame stored this short payload as an uncompressed block, which liblz4 hands on as it comes.
  { name: 'LZ4, cut inside an uncompressed block', bytes: () => fixture('payload.lz4').subarray(0, -6), fatal: ['NO_STOP', 'TRUNCATED'] },
  { name: 'zstd, payload in a frame after a skippable frame', bytes: () => fixture('payload-second-frame.zst') },
  { name: 'joblib Z-file', bytes: () => zfile(PAYLOAD) },
  // read_zfile asserts the length, which `python -O` drops: read, and reported as broken.
  { name: 'joblib Z-file with a wrong length', bytes: () => zfile(PAYLOAD, { length: '0x1' }), fatal: ['MALFORMED'] },
  { name: 'joblib Z-file with a length int() still parses', bytes: () => zfile(PAYLOAD, { length: ` 0X${PAYLOAD.length.toString(16)}` }) },
];

/** Benign content in a broken wrapper: never clean. */
const BROKEN: Case[] = [
  { name: 'gzip, bad CRC', bytes: () => badCrc(PLAIN), fatal: ['MALFORMED'] },
  { name: 'gzip, trailing garbage', bytes: () => Buffer.concat([gzipSync(PLAIN), Buffer.from('garbage')]), fatal: ['MALFORMED'] },
  { name: 'zlib, bytes after the stream', bytes: () => Buffer.concat([deflateSync(PLAIN), Buffer.from('xx')]), fatal: ['MALFORMED'] },
  {
    name: 'lzma-alone, second stream cut',
    bytes: () => Buffer.concat([lzma.compressSync(PLAIN), lzma.compressSync(PLAIN).subarray(0, -4)]),
    fatal: ['TRUNCATED'],
  },
  { name: 'xz, second stream cut', bytes: () => Buffer.concat([xz.compressSync(PLAIN), xz.compressSync(PLAIN).subarray(0, 30)]), fatal: ['TRUNCATED'] },
  { name: 'zstd, second frame cut', bytes: () => Buffer.concat([fixture('plain.zst'), fixture('plain.zst').subarray(0, -3)]), fatal: ['TRUNCATED'] },
  // The decoder would allocate the 2 GiB window before reading a block; zstd refuses it by default.
  { name: 'zstd, a 2 GiB window', bytes: () => fixture('huge-window.zst'), fatal: ['MALFORMED'] },
  { name: 'LZ4, cut', bytes: () => fixture('plain.lz4').subarray(0, -6), fatal: ['TRUNCATED'] },
];

describe('decoders read as the loaders do', () => {
  it('has fixtures holding the pickles the builder writes', () => {
    // make.py spells the payload and the plain pickle out by hand; they must be these bytes.
    const py = readFileSync(join(FIXTURES, 'make.py'), 'latin1');
    const literal = (name: string): Buffer =>
      Buffer.from(
        new RegExp(`^${name} = b'(.*)'$`, 'm')
          .exec(py)![1]!
          .replace(/\\x([0-9a-f]{2})|\\n/g, (m, hex: string | undefined) => (hex ? String.fromCharCode(parseInt(hex, 16)) : '\n')),
        'latin1',
      );
    expect(literal('PAYLOAD')).toEqual(PAYLOAD);
    expect(literal('PLAIN')).toEqual(PLAIN);
  });

  describe('valid', () => {
    for (const c of VALID) {
      it(`${c.name}: clean`, async () => {
        const f = await scanBytes(c.bytes());
        expect(f.findings).toEqual([]);
        expect(f).toMatchObject({ verdict: 'clean', format: c.format });
      });
    }
  });

  describe('invalid: payload read', () => {
    for (const c of MALICIOUS) {
      it(`${c.name}: malicious${c.fatal ? ` and ${c.fatal.join(', ')}` : ''}`, async () => {
        const f = await scanBytes(c.bytes());
        expect(f.verdict).toBe('malicious');
        expect(rules(f)).toContain('pickle/dangerous-callable');
        expect(codes(f)).toEqual(c.fatal ?? []);
      });
    }
  });

  describe('invalid: broken wrapper', () => {
    for (const c of BROKEN) {
      it(`${c.name}: error ${c.fatal!.join(', ')}`, async () => {
        const f = await scanBytes(c.bytes());
        expect(f.verdict).toBe('error');
        expect(codes(f)).toEqual(c.fatal);
      });
    }
  });

  it('reads real LZ4 matches across linked blocks', async () => {
    const f = await scanBytes(fixture('text.lz4'));
    expect(f).toMatchObject({ verdict: 'clean', format: 'text-lz4' });
  });
});

describe('decoders stay under the limits', () => {
  const big = Buffer.alloc(64 * 1024, 0x41);
  it.each([
    ['gzip members together', () => Buffer.concat([gzipSync(big), gzipSync(big)])],
    ['xz streams together', () => Buffer.concat([xz.compressSync(big), xz.compressSync(big)])],
    // An unknown-size stream: the decoder stops at the room, not after inflating.
    ['lzma-alone of unknown size', () => lzma.compressSync(Buffer.alloc(8 << 20))],
    ['xz of 8 MiB', () => xz.compressSync(Buffer.alloc(8 << 20))],
    ['lzma-alone streams together', () => Buffer.concat([lzma.compressSync(big), lzma.compressSync(big)])],
    ['LZ4 frames together', () => Buffer.concat([fixture('text.lz4'), fixture('text.lz4')])],
  ])('stops %s past the member limit', async (_name, bytes) => {
    const f = await scanBytes(bytes(), { limits: { maxMemberBytes: 100 * 1024 } });
    expect(f.verdict).toBe('error');
    expect(codes(f)).toEqual(['LIMIT_MEMBER_BYTES']);
  });
});
