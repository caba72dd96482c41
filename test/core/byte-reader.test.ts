import { describe, expect, it } from 'vitest';
import { ByteReader } from '../../src/core/byte-reader.js';
import { BufferSource, type ByteSource } from '../../src/core/byte-source.js';
import { isModelgateError } from '../../src/core/errors.js';

/** A source that records the length of every read it serves. */
function recording(bytes: Buffer, readSize?: number): { source: ByteSource; reads: number[] } {
  const inner = new BufferSource(bytes);
  const reads: number[] = [];
  const source: ByteSource = {
    size: inner.size,
    readSize,
    read(offset, length) {
      const out = inner.read(offset, length);
      reads.push(out.length);
      return out;
    },
  };
  return { source, reads };
}

const KiB = 1024;
const MiB = 1024 * KiB;

describe('ByteReader windows', () => {
  it('reads a small window after a jump, so a header at a far offset does not cost 4 MiB', () => {
    const bytes = Buffer.alloc(64 * MiB);
    bytes.writeUInt32LE(0x04034b50, 40 * MiB);
    const { source, reads } = recording(bytes);
    const r = new ByteReader(source);
    r.pos = 40 * MiB;
    expect(r.u32le()).toBe(0x04034b50);
    r.pos = 10 * MiB;
    expect(r.u32le()).toBe(0);
    expect(reads).toEqual([64 * KiB, 64 * KiB]);
  });

  it('doubles the window while reading on, up to 4 MiB, also when a value straddles the edge', () => {
    const bytes = Buffer.alloc(32 * MiB);
    for (let i = 0; i < bytes.length; i += 4) bytes.writeUInt32LE(i, i);
    const { source, reads } = recording(bytes);
    // Start 2 bytes off alignment, so every refill happens in the middle of a value.
    const r = new ByteReader(source, 2);
    let wrong = 0;
    while (r.remaining >= 4) {
      const at = r.pos;
      if (r.u32le() !== bytes.readUInt32LE(at)) wrong++;
    }
    expect(wrong).toBe(0);
    // 64 KiB, 128 KiB, … 4 MiB, then 4 MiB reads: a straddling value does not reset the growth.
    expect(reads.slice(0, 8)).toEqual([64, 128, 256, 512, 1024, 2048, 4096, 4096].map((k) => k * KiB));
    expect(Math.max(...reads)).toBe(4 * MiB);
    expect(reads.length).toBeLessThan(40);
  });

  it('never reads more than the source asks for at a time', () => {
    const { source, reads } = recording(Buffer.alloc(4 * MiB), 16 * KiB);
    const r = new ByteReader(source);
    while (!r.atEnd()) r.u8();
    expect(Math.max(...reads)).toBe(16 * KiB);
  });

  it('still reads a value larger than the window in one piece', () => {
    const bytes = Buffer.alloc(8 * MiB, 7);
    const { source } = recording(bytes);
    const r = new ByteReader(source, 100);
    expect(r.bytes(6 * MiB).length).toBe(6 * MiB);
    expect(() => r.bytes(4 * MiB)).toThrow(/needed/);
  });

  it('fails closed with TRUNCATED when the source serves fewer bytes than it claims to hold', () => {
    // A file that shrank after it was opened: size says 16 bytes, reads return nothing.
    const shrunk: ByteSource = { size: 16, read: () => Buffer.alloc(0) };
    const reads = [(r: ByteReader) => r.u8(), (r: ByteReader) => r.peek(), (r: ByteReader) => r.u16le(), (r: ByteReader) => r.u32le()];
    for (const read of reads) {
      let caught: unknown;
      try {
        read(new ByteReader(shrunk));
      } catch (e) {
        caught = e;
      }
      expect(isModelgateError(caught, 'TRUNCATED')).toBe(true);
    }
  });

  it('lineSpan gives each line as a span of the window, or of a line read across the window edge', () => {
    // 16 KiB reads: some lines straddle a window's end and are read the long way.
    const lines = Array.from({ length: 5000 }, (_, i) => `line ${i} ${'x'.repeat(i % 37)}`);
    const { source } = recording(Buffer.from(lines.join('\n') + '\n'), 16 * KiB);
    const r = new ByteReader(source);
    const seen: string[] = [];
    while (!r.atEnd()) {
      const buffer = r.lineSpan(1024);
      seen.push(buffer.toString('latin1', r.lineStart, r.lineEnd));
    }
    expect(seen).toEqual(lines);
  });
});
