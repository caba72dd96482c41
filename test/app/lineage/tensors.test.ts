import { describe, expect, it } from 'vitest';
import { tensorDigests } from '../../../src/app/lineage/index.js';
import { BufferSource, type ByteSource } from '../../../src/core/byte-source.js';
import { isModelgateError } from '../../../src/core/errors.js';
import { buildSafetensors } from '../../../src/formats/safetensors/builder.js';
import { parseSafetensors } from '../../../src/formats/safetensors/parse.js';
import { filled, seededBytes, sha256, trained } from './models.js';

/** A source that records the length of every read. */
function recording(file: Buffer): { source: ByteSource; reads: number[] } {
  const inner = new BufferSource(file);
  const reads: number[] = [];
  return { reads, source: { size: inner.size, read: (offset, length) => (reads.push(length), inner.read(offset, length)) } };
}

describe('tensorDigests', () => {
  it('hashes each tensor’s bytes, with its dtype and shape', () => {
    const tensors = [trained('a.weight', [4, 3], 's'), trained('b.bias', [5], 's', 'BF16'), filled('c.weight', [2, 2], 0)];
    const file = buildSafetensors({ tensors, metadata: { format: 'pt' } });
    const digests = tensorDigests(new BufferSource(file));
    const { dataStart, tensors: entries } = parseSafetensors(new BufferSource(file));
    expect([...digests.keys()]).toEqual(['a.weight', 'b.bias', 'c.weight']);
    for (const entry of entries) {
      const bytes = file.subarray(dataStart + Number(entry.begin), dataStart + Number(entry.end));
      expect(digests.get(entry.name)?.sha256).toBe(sha256(bytes));
    }
    expect(digests.get('a.weight')).toMatchObject({ dtype: 'F32', shape: [4, 3], constant: false });
    expect(digests.get('b.bias')).toMatchObject({ dtype: 'BF16', shape: [5], constant: false });
    expect(digests.get('c.weight')).toMatchObject({ dtype: 'F32', shape: [2, 2], constant: true });
  });

  it('marks constant tensors: one value repeated, a single element, nothing at all', () => {
    const half = Buffer.alloc(16 * 2, Buffer.from([0x00, 0x3c])); // F16 1.0
    const f6 = Buffer.alloc(12, Buffer.from([0x12, 0x34, 0x56])); // 6-bit floats: 4 in 3 bytes
    const almost = filled('almost', [64]);
    almost.data.writeUInt8(almost.data.readUInt8(255) ^ 1, 255);
    const file = buildSafetensors({
      tensors: [
        filled('ones', [8]),
        { name: 'half', dtype: 'F16', shape: [16], data: half },
        { name: 'f6', dtype: 'F6_E2M3', shape: [16], data: f6 },
        trained('scalar', [], 's'),
        { name: 'empty', dtype: 'F32', shape: [0, 4] },
        almost,
        trained('random', [8], 's'),
      ],
    });
    const constant = [...tensorDigests(new BufferSource(file))].map(([name, t]) => [name, t.constant]);
    expect(Object.fromEntries(constant)).toEqual({ ones: true, half: true, f6: true, scalar: true, empty: true, almost: false, random: false });
  });

  it('streams a large tensor in bounded reads, its constancy checked across them', () => {
    // 7 MiB of F32 1.0, and a copy whose only other value is in the third read.
    const big = filled('big', [7 * 256 * 1024]);
    const odd = filled('odd', [7 * 256 * 1024]);
    odd.data.writeFloatLE(2, 6 * 1024 * 1024 + 4);
    const random = trained('random', [64 * 1024], 's');
    const tensors = [big, odd, random];
    const file = buildSafetensors({ tensors, dataBytes: tensors.reduce((n, t) => n + t.data.length, 0) });
    const { source, reads } = recording(file);
    const digests = tensorDigests(source);
    expect(digests.get('big')).toMatchObject({ sha256: sha256(big.data), constant: true });
    expect(digests.get('odd')).toMatchObject({ sha256: sha256(odd.data), constant: false });
    expect(digests.get('random')?.sha256).toBe(sha256(random.data));
    // The header is read through the parser's window (64 KiB first); the data in 3 MiB reads.
    expect(Math.max(...reads)).toBeLessThanOrEqual(3 * 1024 * 1024);
    expect(reads.reduce((a, b) => a + b, 0)).toBeLessThan(file.length + 64 * 1024);
  });

  it('leaves out tensors whose range the parser finds broken', () => {
    const data = seededBytes('x', 16);
    const file = buildSafetensors({
      tensors: [
        { name: 'ok', dtype: 'F32', shape: [4], data },
        { name: 'overlap', dtype: 'F32', shape: [4], offsets: [8, 24] },
        { name: 'past-end', dtype: 'F32', shape: [4], offsets: [1000, 1016] },
        { name: 'bad-dtype', dtype: 'Q4', shape: [4], offsets: [24, 28] },
      ],
      dataBytes: 32,
    });
    expect([...tensorDigests(new BufferSource(file)).keys()]).toEqual(['ok']);
  });

  it('throws the parser’s typed error when there is no header to read', () => {
    const cases = [Buffer.alloc(4), buildSafetensors({ rawHeader: '{"a": ', declaredLength: 6n }), buildSafetensors({ declaredLength: 1n << 40n })];
    for (const file of cases) {
      let error: unknown;
      try {
        tensorDigests(new BufferSource(file));
      } catch (e) {
        error = e;
      }
      expect(isModelgateError(error), String(error)).toBe(true);
    }
  });
});
