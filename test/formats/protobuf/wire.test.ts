import { describe, expect, it } from 'vitest';
import { BufferSource } from '../../../src/core/byte-source.js';
import { isModelgateError, type ErrorCode } from '../../../src/core/errors.js';
import { shapeOf, sniffMessage } from '../../../src/formats/protobuf/sniff.js';
import { MAX_MESSAGE_DEPTH, ProtoReader, WireType } from '../../../src/formats/protobuf/wire.js';
import { ProtoWriter, proto } from '../../../src/formats/protobuf/writer.js';

const reader = (bytes: Buffer | number[]): ProtoReader => ProtoReader.over(new BufferSource(Buffer.from(bytes)));

function codeOf(fn: () => unknown): ErrorCode | undefined {
  try {
    fn();
  } catch (e) {
    if (isModelgateError(e)) return e.code;
    throw e;
  }
  return undefined;
}

/** Reads every field, descending into LEN fields as messages where they parse. */
function drain(r: ProtoReader): void {
  while (r.next()) r.skip();
}

describe('ProtoReader', () => {
  it('reads varints, signed int64, strings and nested messages', () => {
    const bytes = proto()
      .uint(1, 300)
      .uint(2, -5)
      .string(3, 'héllo')
      .message(4, proto().uint(1, 2 ** 40))
      .finish();
    const r = reader(bytes);
    const seen: unknown[] = [];
    while (r.next()) {
      if (r.field === 1) seen.push(r.varint());
      else if (r.field === 2) seen.push(r.int64());
      else if (r.field === 3) seen.push(r.string());
      else if (r.field === 4) {
        const inner = r.message();
        expect(inner.next()).toBe(true);
        seen.push(inner.varint());
        expect(inner.next()).toBe(false);
      }
    }
    expect(seen).toEqual([300, -5, 'héllo', 2 ** 40]);
  });

  it('reads uint64 exactly and packed or unpacked repeated varints', () => {
    const r = reader(proto().uint(1, 0xfedcba9876543210n).packed(2, [1, 150, 3]).uint(2, 7).finish());
    r.next();
    expect(r.uint64()).toBe(0xfedcba9876543210n);
    const values: number[] = [];
    while (r.next()) r.varints((v) => values.push(v));
    expect(values).toEqual([1, 150, 3, 7]);
  });

  it('cuts long strings at the limit it is given', () => {
    const r = reader(proto().string(1, 'x'.repeat(100)).finish());
    r.next();
    expect(r.string(10)).toBe(`${'x'.repeat(10)}…`);
  });

  it.each([
    ['a length of 2^62', [0x0a, ...ProtoWriter.varint(2n ** 62n)], 'TRUNCATED'],
    ['a length past the end', [0x0a, 0x05, 0x01], 'TRUNCATED'],
    ['a varint cut off', [0x08, 0x80, 0x80], 'TRUNCATED'],
    ['a varint of 11 bytes', [0x08, ...Array(10).fill(0xff), 0x01], 'MALFORMED'],
    ['a start-group wire type', [0x0b], 'MALFORMED'],
    ['an end-group wire type', [0x0c], 'MALFORMED'],
    ['wire type 6', [0x0e], 'MALFORMED'],
    ['wire type 7', [0x0f], 'MALFORMED'],
    ['field number 0', [0x00, 0x00], 'MALFORMED'],
    ['a fixed64 cut off', [0x09, 1, 2, 3], 'TRUNCATED'],
    ['a fixed32 cut off', [0x0d, 1, 2], 'TRUNCATED'],
  ] as const)('gives a typed error for %s, allocating nothing', (_name, bytes, code) => {
    expect(codeOf(() => drain(reader([...bytes])))).toBe(code);
  });

  it('rejects a known field read with the wrong wire type', () => {
    const r = reader(proto().uint(1, 1).finish());
    r.next();
    expect(codeOf(() => r.string())).toBe('MALFORMED');
  });

  it('keeps a nested message inside its parent', () => {
    // The inner message claims 3 bytes but its field claims 10 more.
    const r = reader([0x0a, 0x03, 0x0a, 0x0a, 0x00, 0x08, 0x01]);
    r.next();
    expect(codeOf(() => drain(r.message()))).toBe('TRUNCATED');
  });

  it(`stops at ${MAX_MESSAGE_DEPTH} nested messages`, () => {
    let inner = proto().uint(1, 1);
    for (let i = 0; i < MAX_MESSAGE_DEPTH + 5; i++) inner = proto().message(1, inner);
    const descend = (r: ProtoReader): void => {
      while (r.next()) {
        if (r.wireType === WireType.LEN) descend(r.message());
        else r.skip();
      }
    };
    expect(codeOf(() => descend(reader(inner.finish())))).toBe('LIMIT_DEPTH');
  });
});

describe('sniffMessage', () => {
  const shape = shapeOf([
    [1, WireType.VARINT],
    [2, WireType.LEN],
  ]);

  it('hops over payloads and lists the top-level fields', () => {
    const bytes = proto().uint(1, 3).bytes(2, Buffer.alloc(5000)).finish();
    const seen = sniffMessage(new BufferSource(bytes), shape);
    expect(seen?.complete).toBe(true);
    expect(seen?.fields.map((f) => [f.field, f.value ?? f.end])).toEqual([
      [1, 3],
      [2, bytes.length],
    ]);
  });

  it.each([
    ['an unknown field', proto().uint(3, 1).finish()],
    ['a wrong wire type', proto().string(1, 'x').finish()],
    ['a length past the end', Buffer.from([0x12, 0x7f, 0x00])],
    ['text', Buffer.from('hello world, this is text\n')],
    ['a group', Buffer.from([0x0b, 0x0c])],
  ])('refuses %s', (_name, bytes) => {
    expect(sniffMessage(new BufferSource(bytes), shape)).toBeUndefined();
  });
});
