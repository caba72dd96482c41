import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BufferSource } from '../../src/core/byte-source.js';
import { convertFile, type Converted } from '../../src/app/convert/convert.js';
import { parseSafetensors } from '../../src/formats/safetensors/parse.js';
import type { SafetensorsFile } from '../../src/formats/safetensors/model.js';

/*
 * Issue 14, point 9: views of one storage that differ in offset, shape or stride are separate
 * tensors, each materialised from the storage; only identical views alias. storage-views.pt was
 * saved by real torch and storage-views.safetensors written by real safetensors from each view's
 * `.contiguous().clone()`, identical views recorded as aliases (make.py, `make_storage_views`).
 * Both files are read with modelgate's own safetensors parser and compared tensor by tensor.
 */
const FIXTURES = join(import.meta.dirname, '../fixtures/convert');
const out = mkdtempSync(join(tmpdir(), 'mg-convert-views-'));

function tensorsOf(file: Buffer): Map<string, { dtype: string; shape: string; bytes: Buffer }> {
  const parsed: SafetensorsFile = parseSafetensors(new BufferSource(file));
  expect(parsed.issues).toEqual([]);
  expect(parsed.offsetProblems).toEqual([]);
  const data = file.subarray(parsed.dataStart);
  return new Map(parsed.tensors.map((t) => [t.name, { dtype: t.dtype, shape: t.shape.join(','), bytes: data.subarray(Number(t.begin), Number(t.end)) }]));
}

async function convert(verify: boolean): Promise<{ result: Converted; written: Buffer; golden: Buffer }> {
  const output = join(out, `storage-views-${verify}.safetensors`);
  const result = await convertFile(join(FIXTURES, 'storage-views.pt'), output, { verify, force: true });
  if (result.status !== 'converted') throw new Error(`refused: ${result.reason}`);
  return { result, written: readFileSync(output), golden: readFileSync(join(FIXTURES, 'storage-views.safetensors')) };
}

describe('convert: several views of one storage (issue 14, point 9)', () => {
  it('writes every differing view with its own dtype, shape and bytes, as real safetensors does', async () => {
    const { written, golden } = await convert(false);
    const mine = tensorsOf(written);
    const theirs = tensorsOf(golden);
    expect([...mine.keys()].sort()).toEqual([...theirs.keys()].sort());
    for (const [name, expected] of theirs) {
      const got = mine.get(name);
      expect({ name, dtype: got?.dtype, shape: got?.shape }).toEqual({ name, dtype: expected.dtype, shape: expected.shape });
      expect(got?.bytes.equals(expected.bytes), `${name}: bytes`).toBe(true);
    }
  });

  it('aliases only views identical in storage, offset, shape and stride', async () => {
    const { written, golden, result } = await convert(false);
    const metadata = (file: Buffer) => Object.fromEntries(parseSafetensors(new BufferSource(file)).metadata ?? []);
    expect(metadata(written)).toEqual(metadata(golden));
    expect(Object.fromEntries(result.aliases)).toEqual({ 'f32.all_again': 'f32.all', 'f32.sliced_all': 'f32.all', 'i64.shape_again': 'i64.shape' });
    // Every differing view of a storage overlaps the whole: one group per storage, reported.
    expect(result.copiedGroups).toEqual([
      ['bf16.all', 'bf16.offset', 'bf16.transposed'],
      ['f32.all', 'f32.block', 'f32.offset', 'f32.shape', 'f32.stepped', 'f32.transposed'],
      ['i64.shape', 'i64.stepped'],
    ]);
    // One byte layout from one rule: the whole file matches once the metadata order is set aside.
    expect(written.length).toBe(golden.length);
  });

  it('--verify checks each view against its own elements in the storage', async () => {
    const { result, golden } = await convert(true);
    expect(result.verified?.tensors).toBe(11);
    const theirs = tensorsOf(golden);
    const { createHash } = await import('node:crypto');
    for (const [name, t] of theirs) expect(result.verified?.digests.get(name), name).toBe(createHash('sha256').update(t.bytes).digest('hex'));
  });
});
