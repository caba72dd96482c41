import { describe, expect, it } from 'vitest';
import { BufferSource } from '../../../src/core/byte-source.js';
import { fb, flatbuffer } from '../../../src/formats/flatbuffer/builder.js';
import { flexRootStrings } from '../../../src/formats/flatbuffer/flexbuffer.js';
import { FlatBuffer } from '../../../src/formats/flatbuffer/reader.js';
import { flexStrings } from '../../../src/formats/tflite/builder.js';

const read = (bytes: Buffer) => new FlatBuffer(new BufferSource(bytes));
const sample = () =>
  flatbuffer(fb.table(fb.u32(7), fb.str('héllo'), fb.tables(fb.table(fb.i32(-3)), fb.table()), fb.strings('a', 'b'), undefined, fb.i8(-2)), 'ABCD');

describe('FlatBuffer reader', () => {
  it('reads scalars, strings, vectors and absent fields with their defaults', () => {
    const buf = read(sample());
    expect(buf.identifier()).toBe('ABCD');
    const root = buf.root();
    expect(root.u32(0)).toBe(7);
    expect(root.string(1)).toBe('héllo');
    expect(root.tables(2).map((t) => t.i32(0, 99))).toEqual([-3, 99]);
    expect(root.strings(3)).toEqual(['a', 'b']);
    expect(root.field(4)).toBeUndefined();
    expect(root.i8(5)).toBe(-2);
    expect(root.u32(40, 5)).toBe(5);
  });

  it('cuts long strings', () => {
    expect(read(sample()).root().string(1, 1)).toBe('h…');
  });

  it('fails on a root offset outside the buffer', () => {
    const bytes = Buffer.from(sample());
    bytes.writeUInt32LE(bytes.length, 0);
    expect(() => read(bytes).root()).toThrow(expect.objectContaining({ code: 'MALFORMED' }));
  });

  it('fails on a vtable outside the buffer or of an odd size', () => {
    const bytes = Buffer.from(sample());
    const root = bytes.readUInt32LE(0);
    bytes.writeInt32LE(1000, root);
    expect(() => read(bytes).root()).toThrow(expect.objectContaining({ code: 'MALFORMED' }));
    const odd = Buffer.from(sample());
    const vtable = root - odd.readInt32LE(root);
    odd.writeUInt16LE(5, vtable);
    expect(() => read(odd).root()).toThrow(expect.objectContaining({ code: 'MALFORMED' }));
  });

  it('fails on a field offset past its table, and a string past the end', () => {
    const bytes = Buffer.from(sample());
    const root = bytes.readUInt32LE(0);
    const vtable = root - bytes.readInt32LE(root);
    bytes.writeUInt16LE(500, vtable + 4);
    expect(() => read(bytes).root().u32(0)).toThrow(expect.objectContaining({ code: 'MALFORMED' }));
    const long = Buffer.from(sample());
    long.writeUInt32LE(1e6, long.indexOf('héllo') - 4);
    expect(() => read(long).root().string(1)).toThrow(expect.objectContaining({ code: 'MALFORMED' }));
  });
});

describe('FlexBuffer root strings', () => {
  it('reads a vector of strings', () => {
    expect(flexRootStrings(flexStrings([Buffer.from('Add'), Buffer.from('node')])).map(String)).toEqual(['Add', 'node']);
  });

  it.each([
    ['too short', Buffer.from([1])],
    ['a root that is not a vector', Buffer.from([5, 4 << 2, 1])],
    ['an offset before the buffer', Buffer.from([0, 0, 200, 10 << 2, 1])],
  ])('fails on %s', (_name, bytes) => {
    expect(() => flexRootStrings(bytes)).toThrow(expect.objectContaining({ code: 'MALFORMED' }));
  });
});
