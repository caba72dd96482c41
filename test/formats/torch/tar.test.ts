import { describe, expect, it } from 'vitest';
import { BufferSource } from '../../../src/core/byte-source.js';
import { isModelgateError, type ErrorCode } from '../../../src/core/errors.js';
import { DEFAULT_LIMITS, withLimits, type Limits } from '../../../src/core/limits.js';
import { pickle } from '../../../src/formats/pickle/builder.js';
import type { PValue } from '../../../src/formats/pickle/model.js';
import { countPickle, tarStoragesMember, tarTensorsMember } from '../../../src/formats/torch/builder.js';
import { MAX_TENSOR_DIMS, tarPersistentLoad, TorchTarMemberReader } from '../../../src/formats/torch/tar.js';

const record = (key: string, cls: string): Buffer => pickle().proto(2).str(key).str('cpu').global('torch', cls).tuple3().stop().bytes();
const text = (v: PValue): string | undefined => (v.k === 'str' ? v.v : undefined);
const i64 = (n: number): Buffer => Buffer.from(new BigInt64Array([BigInt(n)]).buffer);

function walk(member: string, bytes: Buffer, limits: Limits = DEFAULT_LIMITS): { reader: TorchTarMemberReader; code: ErrorCode | undefined } {
  const reader = new TorchTarMemberReader(member, new BufferSource(bytes), limits);
  try {
    reader.read();
  } catch (e) {
    if (!isModelgateError(e)) throw e;
    return { reader, code: e.code };
  }
  return { reader, code: undefined };
}

describe('torch tar storages member', () => {
  it('keeps each storage record with the place and size of its raw bytes', () => {
    const bytes = tarStoragesMember([
      { key: '0', elements: 6 },
      { key: '1', cls: 'DoubleStorage', elements: 2, elementSize: 8 },
    ]);
    const { reader, code } = walk('storages', bytes);
    expect(code).toBeUndefined();
    expect(reader.streams).toHaveLength(4);
    expect(reader.storages.map((s) => ({ key: text(s.key), elements: s.elements, bytes: s.bytes }))).toEqual([
      { key: '0', elements: 6n, bytes: 24 },
      { key: '1', elements: 2n, bytes: 16 },
    ]);
    const [first] = reader.storages;
    expect(bytes.subarray(first?.dataOffset, (first?.dataOffset ?? 0) + 24).every((b) => b === 0x2e)).toBe(true);
    expect(reader.trailing).toBeUndefined();
  });

  it.each<{ what: string; bytes: () => Buffer; code: ErrorCode }>([
    { what: 'a count that is not a count', bytes: () => Buffer.concat([pickle().proto(2).str('x').stop().bytes()]), code: 'MALFORMED' },
    { what: 'a negative count', bytes: () => countPickle(-1), code: 'MALFORMED' },
    {
      what: 'a record that is not a 3-tuple',
      bytes: () => Buffer.concat([countPickle(1), pickle().proto(2).str('0').tuple1().stop().bytes()]),
      code: 'MALFORMED',
    },
    { what: 'a storage class of unknown size', bytes: () => tarStoragesMember([{ key: '0', cls: 'MysteryStorage', elements: 1 }]), code: 'UNSUPPORTED' },
    {
      what: 'a storage without its element count',
      bytes: () => Buffer.concat([countPickle(1), record('0', 'FloatStorage'), Buffer.alloc(4)]),
      code: 'TRUNCATED',
    },
    { what: 'a negative element count', bytes: () => Buffer.concat([countPickle(1), record('0', 'FloatStorage'), i64(-2)]), code: 'MALFORMED' },
    { what: 'storage bytes past the member end', bytes: () => tarStoragesMember([{ key: '0', elements: 1000, data: Buffer.alloc(16) }]), code: 'TRUNCATED' },
  ])('fails closed on $what', ({ bytes, code }) => {
    expect(walk('storages', bytes()).code).toBe(code);
  });

  it('ends without an error at a pickle that breaks; the broken stream is kept', () => {
    const { reader, code } = walk('storages', Buffer.concat([countPickle(2), record('0', 'FloatStorage'), i64(0), Buffer.from('\x80\x02(', 'latin1')]));
    expect(code).toBeUndefined();
    expect(reader.streams.at(-1)?.error).toBeDefined();
    expect(reader.storages).toHaveLength(1);
  });

  it('stops at the stream limit with LIMIT_ENTRIES', () => {
    const bytes = tarStoragesMember([
      { key: '0', elements: 0 },
      { key: '1', elements: 0 },
      { key: '2', elements: 0 },
    ]);
    expect(walk('storages', bytes, withLimits({ maxStreamsPerMember: 3 })).code).toBe('LIMIT_ENTRIES');
  });

  it('reads on after the views while the bytes are pickles, and keeps what is not one as trailing', () => {
    const views = tarStoragesMember([]);
    const tail = Buffer.from('not a pickle at all');
    const { reader, code } = walk('storages', Buffer.concat([views, pickle().proto(2).none().stop().bytes(), tail]));
    expect(code).toBeUndefined();
    expect(reader.streams).toHaveLength(3);
    expect(reader.trailing).toEqual({ offset: views.length + 4, bytes: tail.length });
  });
});

describe('torch tar tensors member', () => {
  it('keeps each tensor record with its sizes, strides and offset', () => {
    const { reader, code } = walk('tensors', tarTensorsMember([{ key: '1', storage: '0', shape: [2, 3], stride: [3, 1], offset: 5 }]));
    expect(code).toBeUndefined();
    expect(reader.tensors.map((t) => ({ key: text(t.key), storage: text(t.storageKey), shape: t.shape, stride: t.stride, offset: t.storageOffset }))).toEqual([
      { key: '1', storage: '0', shape: [2n, 3n], stride: [3n, 1n], offset: 5n },
    ]);
  });

  it.each<{ what: string; bytes: () => Buffer; code: ErrorCode }>([
    {
      what: `more than ${MAX_TENSOR_DIMS} dimensions`,
      bytes: () => tarTensorsMember([{ key: '1', storage: '0', shape: [], ndim: MAX_TENSOR_DIMS + 1 }]),
      code: 'MALFORMED',
    },
    { what: 'a negative ndim', bytes: () => tarTensorsMember([{ key: '1', storage: '0', shape: [], ndim: -1 }]), code: 'MALFORMED' },
    { what: 'sizes and strides past the member end', bytes: () => tarTensorsMember([{ key: '1', storage: '0', shape: [2], ndim: 3 }]), code: 'TRUNCATED' },
    { what: 'a record without its dimensions', bytes: () => tarTensorsMember([{ key: '1', storage: '0', shape: [2] }]).subarray(0, -28), code: 'TRUNCATED' },
  ])('fails closed on $what', ({ bytes, code }) => {
    expect(walk('tensors', bytes()).code).toBe(code);
  });
});

describe('torch tar pickle member', () => {
  it('resolves a module persistent id to its class; string ids stay opaque', () => {
    const cls = { k: 'str', v: 'cls' } as const;
    expect(tarPersistentLoad({ k: 'tuple', items: [cls, { k: 'str', v: 'f.py' }, { k: 'str', v: 'src' }] })).toBe(cls);
    expect(tarPersistentLoad({ k: 'str', v: '1' })).toBeUndefined();
  });

  it('tells a member that does not begin with a pickle from one that does', () => {
    expect(walk('pickle', Buffer.from('plain text, not a pickle')).reader.beginsWithPickle).toBe(false);
    expect(walk('pickle', Buffer.from('\x80\x02junk', 'latin1')).reader.beginsWithPickle).toBe(true);
    expect(walk('pickle', pickle().proto(2).none().stop().bytes()).reader.beginsWithPickle).toBe(true);
  });
});
