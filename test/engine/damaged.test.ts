import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { FileResult } from '../../src/core/report-types.js';
import { scanBytes } from '../helpers/scan-bytes.js';

/*
 * Damaged is never clean (issue 15, point 5). Every file under test/fixtures/malformed/<format>/
 * is a real file (written by its library, see make.py there) damaged in one precise way: each
 * must come out `error` with a fatal finding of the typed code below, or with a real finding
 * of its own; the undamaged files beside them must stay clean.
 */
const fixtures = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/malformed');

const scanFixture = (path: string): Promise<FileResult> => scanBytes(readFileSync(join(fixtures, path)), { name: basename(path) });
const fatalCodes = (f: FileResult): string[] => f.findings.filter((x) => x.fatal).map((x) => x.code ?? '?');

/** [fixture, the typed code of a fatal finding it must have]. */
const invalid: Array<[string, string]> = [
  // tar: tarfile (so torch's legacy loader) fails on a member cut short; a header cut short or a
  // missing end-of-archive block means the file was cut.
  ['tar/bad-checksum.tar', 'MALFORMED'],
  ['tar/cut-in-header.tar', 'TRUNCATED'],
  ['tar/no-end-blocks.tar', 'TRUNCATED'],
  ['tar/size-past-end.tar', 'TRUNCATED'],
  ['tar/torch-cut-in-member.tar', 'TRUNCATED'],
  ['tar/torch-members-missing.tar', 'TRUNCATED'],
  ['tar/torch-no-end-blocks.tar', 'TRUNCATED'],
  ['tar/torch-pickle-member-not-pickle.tar', 'MALFORMED'],
  // zip: directories no reader opens, flags and methods no reader supports, sizes past the limits.
  ['zip/central-bad-signature.npz', 'MALFORMED'],
  ['zip/crc-mismatch.zip', 'MALFORMED'],
  ['zip/declared-100gb-npy.npz', 'LIMIT_MEMBER_BYTES'],
  ['zip/declared-100gb.zip', 'LIMIT_MEMBER_BYTES'],
  ['zip/encrypted-flag.zip', 'ENCRYPTED'],
  ['zip/eocd-count-too-big.npz', 'MALFORMED'],
  ['zip/eocd-count-too-small.zip', 'MALFORMED'],
  ['zip/eocd-offset-nowhere.npz', 'MALFORMED'],
  ['zip/local-name-differs.zip', 'MALFORMED'],
  ['zip/local-offset-wrong.npz', 'MALFORMED'],
  ['zip/method-aes.npz', 'UNSUPPORTED'],
  ['zip/method-implode.npz', 'UNSUPPORTED'],
  ['zip/method-zstd.npz', 'UNSUPPORTED'],
  ['zip/no-end-record.npz', 'MALFORMED'],
  ['zip/overlapping-entries.zip', 'MALFORMED'],
  ['zip/patched-data-flag.zip', 'UNSUPPORTED'],
  ['zip/pkl-member-not-pickle.zip', 'BAD_OPCODE'],
  ['zip/spanned-disk.zip', 'MALFORMED'],
  ['zip/stored-sizes-differ.zip', 'MALFORMED'],
  ['zip/strong-encryption-flag.zip', 'ENCRYPTED'],
  ['zip/version-needed-too-high.zip', 'UNSUPPORTED'],
  ['zip/torch-storage-missing.pt', 'TRUNCATED'],
  // npy and npz: headers and data cut short; object arrays whose pickle is missing or broken.
  ['numpy/data-cut.npy', 'TRUNCATED'],
  ['numpy/header-cut.npy', 'TRUNCATED'],
  ['numpy/header-not-dict.npy', 'MALFORMED'],
  ['numpy/npz-cut.npz', 'TRUNCATED'],
  ['numpy/npz-data-cut.npz', 'TRUNCATED'],
  ['numpy/npz-object-pickle-cut.npz', 'TRUNCATED'],
  ['numpy/object-no-pickle.npy', 'TRUNCATED'],
  ['numpy/object-pickle-cut.npy', 'NO_STOP'],
  ['numpy/object-pickle-garbage.npy', 'BAD_OPCODE'],
  ['numpy/object-pickle-no-stop.npy', 'NO_STOP'],
  ['numpy/version-1-1.npy', 'UNSUPPORTED'],
  // safetensors: header lengths past the limit or the file, headers that are not JSON.
  ['safetensors/header-bad-utf8.safetensors', 'MALFORMED'],
  ['safetensors/header-cut.safetensors', 'TRUNCATED'],
  ['safetensors/header-length-2pow63.safetensors', 'LIMIT_STRING'],
  ['safetensors/header-length-max.safetensors', 'LIMIT_STRING'],
  ['safetensors/header-length-past-end.safetensors', 'TRUNCATED'],
  ['safetensors/header-not-json.safetensors', 'MALFORMED'],
  ['safetensors/header-not-object.safetensors', 'UNSUPPORTED_FORMAT'],
  ['safetensors/length-only.safetensors', 'UNSUPPORTED_FORMAT'],
  // joblib: cut in the pickle, in the array data after it, in the compressed stream.
  ['joblib/array-cut.joblib', 'TRUNCATED'],
  ['joblib/cut-after-array.joblib', 'NO_STOP'],
  ['joblib/cut-before-array.joblib', 'TRUNCATED'],
  ['joblib/cut-in-pickle-after-array.joblib', 'TRUNCATED'],
  ['joblib/no-stop.joblib', 'NO_STOP'],
  ['joblib/zlib-cut.joblib', 'TRUNCATED'],
  // HDF5 (.h5, and inside .keras): cut, bad superblock, zeroed object headers. Not listed:
  // hdf5/data-cut-eof-patched.h5, still clean at the time of writing (see the README there).
  ['hdf5/cut-eof-patched.h5', 'MALFORMED'],
  ['hdf5/cut-half.h5', 'TRUNCATED'],
  ['hdf5/keras-weights-cut.keras', 'TRUNCATED'],
  ['hdf5/object-headers-zeroed.h5', 'MALFORMED'],
  ['hdf5/superblock-bad-version.h5', 'MALFORMED'],
  ['hdf5/superblock-only.h5', 'TRUNCATED'],
];

/** [fixture, the rule of the real (non-fatal) finding it must have]: damage that is also a finding. */
const flagged: Array<[string, string]> = [
  // Tensor data cut: a tensor's range runs past the end of the file (a high finding of its own).
  ['safetensors/data-cut.safetensors', 'safetensors/tensor-offsets'],
];

const valid = [
  'valid/arrays.npz',
  'valid/floats.npy',
  'valid/model.safetensors',
  'valid/model.tar',
  'valid/object-array.npy',
  'valid/pytorch-like.zip',
  'valid/ridge-zlib.joblib',
  'valid/ridge.joblib',
  'valid/torch-legacy.tar',
  'valid/torch-save.pt',
  'valid/weights-with-data.h5',
  'valid/weights.h5',
];

describe('damaged model files are never clean', () => {
  it.each(invalid)('%s is an error with a fatal %s finding', async (path, code) => {
    const f = await scanFixture(path);
    expect(f.verdict).toBe('error');
    expect(fatalCodes(f)).toContain(code);
  });

  it.each(flagged)('%s has a %s finding', async (path, ruleId) => {
    const f = await scanFixture(path);
    expect(f.verdict).not.toBe('clean');
    expect(f.findings.map((x) => x.ruleId)).toContain(ruleId);
  });

  it.each(valid)('%s, undamaged, stays clean', async (path) => {
    const f = await scanFixture(path);
    expect(f.verdict).toBe('clean');
    expect(fatalCodes(f)).toEqual([]);
  });
});

/** The offset of the first all-zero tar block, the end-of-archive marker. */
function tarEnd(bytes: Buffer): number {
  for (let at = 0; at + 512 <= bytes.length; at += 512) if (bytes.subarray(at, at + 512).every((b) => b === 0)) return at;
  return bytes.length;
}

describe('cutting an undamaged file anywhere makes it an error', () => {
  // Every loader reads these files to their last structure: no proper prefix loads (tar: up to its
  // end-of-archive block; the record padding after it is not read). Prefixes of 16 bytes or more
  // (shorter ones say too little to name a format), sampled so the test stays quick.
  it.each([
    ['valid/torch-legacy.tar', tarEnd],
    ['valid/pytorch-like.zip', (b: Buffer) => b.length],
    ['valid/torch-save.pt', (b: Buffer) => b.length],
    ['valid/arrays.npz', (b: Buffer) => b.length],
    ['valid/object-array.npy', (b: Buffer) => b.length],
    ['valid/floats.npy', (b: Buffer) => b.length],
    ['valid/model.safetensors', (b: Buffer) => b.length],
    ['valid/ridge.joblib', (b: Buffer) => b.length],
  ] as const)('%s', async (path, end) => {
    const bytes = readFileSync(join(fixtures, path));
    const stop = end(bytes);
    const cuts = new Set<number>();
    for (let i = 0; i < 24; i++) cuts.add(16 + Math.floor(((stop - 17) * i) / 23));
    const clean: number[] = [];
    for (const cut of cuts) {
      const f = await scanBytes(bytes.subarray(0, cut), { name: basename(path) });
      if (f.verdict === 'clean') clean.push(cut);
    }
    expect(clean).toEqual([]);
  });
});
