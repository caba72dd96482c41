import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { convertFile, type Converted } from '../../src/app/convert/convert.js';

/*
 * Golden tests: each checkpoint in test/fixtures/convert was saved by real torch, and its
 * .safetensors beside it was written by real torch + safetensors (make.py, versions in
 * VERSIONS.txt). The conversion must match byte for byte; where `__metadata__` holds more than
 * one key (aliases), the crate writes them in HashMap order, so the header is compared as JSON
 * with the metadata as a map, and the data byte for byte.
 */
const FIXTURES = join(import.meta.dirname, '../fixtures/convert');
const out = mkdtempSync(join(tmpdir(), 'mg-convert-'));

function header(file: Buffer): { json: Record<string, unknown>; data: Buffer } {
  const n = Number(file.readBigUInt64LE(0));
  return { json: JSON.parse(file.subarray(8, 8 + n).toString('utf8')) as Record<string, unknown>, data: file.subarray(8 + n) };
}

async function convert(name: string, verify = false): Promise<{ result: Converted; written: Buffer; golden: Buffer }> {
  const output = join(out, `${name}.safetensors`);
  const result = await convertFile(join(FIXTURES, `${name}.pt`), output, { verify, force: true });
  if (result.status !== 'converted') throw new Error(`refused: ${result.reason}`);
  return { result, written: readFileSync(output), golden: readFileSync(join(FIXTURES, `${name}.safetensors`)) };
}

describe('convert: golden files from real torch + safetensors', () => {
  const cases: Array<[string, string]> = [
    ['dtypes', 'every dtype torch stores that safetensors holds (floats, bfloat16, five float8s, signed and unsigned ints, bool, complex64)'],
    ['views', 'transposed, stepped, narrowed, permuted, expanded (stride 0), 0-d, empty and overlapping views'],
    ['nested', 'nested dicts and a real state_dict (OrderedDict with _metadata) flattened to dotted names'],
    ['proto4', 'pickle protocol 4 (FRAME, MEMOIZE)'],
    ['parameters', 'nn.Parameter values (_rebuild_parameter)'],
    ['legacy', 'the legacy format (_use_new_zipfile_serialization=False)'],
    ['tar', "the tar format (torch <= 0.3), built by hand after torch's reader and loaded by real torch for the golden file"],
  ];
  it.each(cases)('%s: %s, byte for byte', async (name) => {
    const { written, golden } = await convert(name);
    expect(written.equals(golden)).toBe(true);
  });

  it('shared storages: identical views written once with aliases in __metadata__, a view inside another written as its own tensor', async () => {
    const { written, golden, result } = await convert('shared');
    expect(written.equals(golden)).toBe(true);
    expect(
      Object.keys(header(written).json)
        .filter((k) => k !== '__metadata__')
        .sort(),
    ).toEqual(['embed.weight', 'x', 'x_row1']);
    expect(header(written).json.__metadata__).toEqual({ format: 'pt', 'lm_head.weight': 'embed.weight' });
    expect(Object.fromEntries(result.aliases)).toEqual({ 'lm_head.weight': 'embed.weight' });
    expect(result.copiedGroups).toEqual([['x', 'x_row1']]);
  });

  it('overlapping views that differ are written as separate copies and reported', async () => {
    const { result } = await convert('views');
    expect(result.copiedGroups).toEqual([['overlap.a', 'overlap.b']]);
  });

  it('--verify re-reads both files and returns a SHA-256 per tensor', async () => {
    const { result, golden } = await convert('views', true);
    expect(result.verified?.tensors).toBe(12);
    const { json, data } = header(golden);
    const entry = json['transposed'] as { data_offsets: [number, number] };
    const { createHash } = await import('node:crypto');
    const expected = createHash('sha256').update(data.subarray(entry.data_offsets[0], entry.data_offsets[1])).digest('hex');
    expect(result.verified?.digests.get('transposed')).toBe(expected);
  });
});
