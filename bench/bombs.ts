import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { deflateSync } from 'node:zlib';
import { buildZip } from '../src/formats/zip/builder.js';
import { scanInChild } from './scan-child.js';

/**
 * The "bombs" section (issue 15): each class of input that once cost gigabytes, scanned by
 * the built CLI in a child process whose peak RSS (VmHWM, the whole process: every thread) and
 * wall time (process start-up included) are measured. Targets: under 5 s, under 200 MB,
 * and a limit finding. The codec bombs are test/fixtures/bombs (64 MiB of zeros each) put
 * back to back, as loaders read streams and members, into multi-GB outputs.
 */

const MiB = 1024 * 1024;
const fixtures = resolve('test/fixtures/bombs');
const repeat = (name: string, times: number): Buffer => Buffer.concat(Array.from({ length: times }, () => readFileSync(join(fixtures, name))));

/**
 * Ten million nested lists, ten million lists under one MARK, memoised lists read back later,
 * memo keys one per page read back later. (Memoised values never read back are not kept, issue
 * 16: those two shapes without their reads are read whole in a few MB.)
 */
function pickleBombs(): Array<[string, Buffer]> {
  const n = 10_000_000;
  const m = 3_000_000;
  const memoised = Buffer.alloc(m * 3);
  for (let i = 0; i < m; i++) memoised.set([0x5d, 0x94, 0x30], i * 3);
  const reads = Buffer.alloc(m * 6);
  for (let i = 0; i < m; i++) {
    reads[i * 6] = 0x6a; // LONG_BINGET i, POP
    reads.writeUInt32LE(i, i * 6 + 1);
    reads[i * 6 + 5] = 0x30;
  }
  const pages = Buffer.alloc(1024 * 5);
  const pageReads = Buffer.alloc(1024 * 6);
  for (let k = 0; k < 1024; k++) {
    pages[k * 5] = 0x72; // LONG_BINPUT 65536·k of the same value: a new 576 KiB memo page each
    pages.writeUInt32LE(k * 65536, k * 5 + 1);
    pageReads[k * 6] = 0x6a;
    pageReads.writeUInt32LE(k * 65536, k * 6 + 1);
    pageReads[k * 6 + 5] = 0x30;
  }
  return [
    ['pickle: 10 M nested lists (20 MB)', Buffer.concat([Buffer.from([0x80, 2]), Buffer.alloc(n, 0x5d), Buffer.alloc(n - 1, 0x61), Buffer.from('.')])],
    ['pickle: 10 M lists under one MARK (10 MB)', Buffer.concat([Buffer.from([0x80, 2, 0x28]), Buffer.alloc(n, 0x5d), Buffer.from('t.')])],
    ['pickle: 3 M memoised lists, each read back (27 MB)', Buffer.concat([Buffer.from([0x80, 4, 0x7d]), memoised, reads, Buffer.from('.')])],
    ['pickle: 1,024 memo keys one per page, each read back (11 KB)', Buffer.concat([Buffer.from([0x80, 2, 0x4e]), pages, pageReads, Buffer.from('.')])],
  ];
}

function codecBombs(): Array<[string, Buffer]> {
  const zeros = Buffer.alloc(1024 * MiB);
  return [
    ['gzip: 32 members of 64 MiB of zeros (2 GiB out)', repeat('zeros.gz', 32)],
    ['zlib (joblib): 1 GiB of zeros in one stream', deflateSync(zeros, { level: 9 })],
    ['bzip2: 32 streams (2 GiB out)', repeat('zeros.bz2', 32)],
    ['xz: 64 streams (4 GiB out)', repeat('zeros.xz', 64)],
    ['lzma-alone: 32 streams of unknown size (2 GiB out)', repeat('zeros.lzma', 32)],
    ['zstd: 32 frames without a content size (2 GiB out)', repeat('zeros.zst', 32)],
    ['lz4: 8 frames (512 MiB out)', repeat('zeros.lz4', 8)],
    ['zip: a 1 GiB deflate member (torch layout)', buildZip([{ name: 'archive/data.pkl', data: zeros, deflate: true }])],
    ['zip: a bzip2 member of 64 MiB', readFileSync(join(fixtures, 'zeros-bzip2.zip'))],
    ['zip: an LZMA member of 64 MiB', readFileSync(join(fixtures, 'zeros-lzma.zip'))],
  ];
}

export function benchBombs(dir: string, rows: Array<[string, string, string]>): void {
  const baseline = join(dir, 'tiny.pkl');
  writeFileSync(baseline, Buffer.from([0x80, 2, 0x7d, 0x2e]));
  const base = scanInChild(dir, baseline);
  rows.push([
    'bombs: baseline, the CLI on a 4-byte pickle',
    `${base.ms.toFixed(0)} ms`,
    `peak RSS ${base.rssMb.toFixed(0)} MB (the process with its worker threads)`,
  ]);
  for (const [label, bytes] of [...pickleBombs(), ...codecBombs()]) {
    const path = join(dir, 'bomb.bin');
    writeFileSync(path, bytes);
    const r = scanInChild(dir, path);
    rmSync(path);
    const within = r.ms < 5000 && r.rssMb < 200 ? 'within 5 s / 200 MB' : 'OVER 5 s / 200 MB';
    rows.push([
      `bombs: ${label}, ${(bytes.length / MiB).toFixed(1)} MB file`,
      `${r.ms.toFixed(0)} ms`,
      `peak RSS ${r.rssMb.toFixed(0)} MB; ${r.verdict} ${r.codes.join(',')}; ${within}`,
    ]);
  }
}
