import { describe, expect, it } from 'vitest';
import { ByteReader } from '../../../src/core/byte-reader.js';
import { BufferSource } from '../../../src/core/byte-source.js';
import { isModelgateError, type ErrorCode } from '../../../src/core/errors.js';
import { DEFAULT_LIMITS } from '../../../src/core/limits.js';
import { pickle } from '../../../src/formats/pickle/builder.js';
import type { PickleStream } from '../../../src/formats/pickle/model.js';
import { parsePickleStream } from '../../../src/formats/pickle/parse.js';
import { legacyCheckpoint, type LegacySpec } from '../../../src/formats/torch/builder.js';
import { isLegacyMagic, legacyPersistentLoad, readLegacyStorages, skipLegacyStorages } from '../../../src/formats/torch/legacy.js';
import { storageId } from '../../../src/formats/torch/persistent-id.js';

/** The five pickles of a legacy checkpoint, and the reader left at the first raw storage. */
function pickles(bytes: Buffer): { reader: ByteReader; streams: PickleStream[] } {
  const reader = new ByteReader(new BufferSource(bytes));
  const streams = Array.from({ length: 5 }, () => parsePickleStream(reader, { limits: DEFAULT_LIMITS }));
  for (const s of streams) if (s.error) throw s.error;
  return { reader, streams };
}

function skip(spec: LegacySpec): ByteReader {
  const { reader, streams } = pickles(legacyCheckpoint(spec));
  skipLegacyStorages(reader, streams[3] as PickleStream, streams[4] as PickleStream);
  return reader;
}

function code(f: () => unknown): ErrorCode | 'no error' {
  try {
    f();
  } catch (e) {
    if (isModelgateError(e)) return e.code;
    throw e;
  }
  return 'no error';
}

describe('legacy checkpoint records', () => {
  it('knows the magic number torch writes first', () => {
    const { streams } = pickles(legacyCheckpoint({ storages: [] }));
    expect(isLegacyMagic(streams[0]?.result)).toBe(true);
    expect(isLegacyMagic(streams[1]?.result)).toBe(false);
    expect(isLegacyMagic(undefined)).toBe(false);
  });

  it('resolves a module record to its class and leaves storage records opaque', () => {
    const cls = { k: 'str', v: 'cls' } as const;
    expect(legacyPersistentLoad({ k: 'tuple', items: [{ k: 'str', v: 'module' }, cls, { k: 'str', v: 'f.py' }] })).toBe(cls);
    expect(legacyPersistentLoad({ k: 'tuple', items: [{ k: 'str', v: 'storage' }, cls] })).toBeUndefined();
    expect(legacyPersistentLoad({ k: 'tuple', items: [{ k: 'str', v: 'module' }] })).toBeUndefined();
    expect(legacyPersistentLoad({ k: 'str', v: 'module' })).toBeUndefined();
  });

  it('reads a storage persistent id by its tag and key only', () => {
    const cls = { k: 'none' } as const;
    expect(storageId({ k: 'tuple', items: [{ k: 'str', v: 'storage' }, cls, { k: 'str', v: '0' }] })).toMatchObject({ key: '0', storageClass: cls });
    expect(storageId({ k: 'tuple', items: [{ k: 'str', v: 'storage' }, cls, { k: 'int', v: 0 }] })).toBeUndefined();
    expect(storageId({ k: 'tuple', items: [{ k: 'str', v: 'module' }, cls, { k: 'str', v: '0' }] })).toBeUndefined();
    expect(storageId({ k: 'tuple', items: [{ k: 'str', v: 'storage' }, cls] })).toBeUndefined();
  });
});

describe('legacy raw storages', () => {
  it('steps over each storage by its class element size, to the end', () => {
    const spec: LegacySpec = {
      storages: [
        { key: '0', elements: 3, cls: 'DoubleStorage', elementSize: 8 },
        { key: '1', elements: 5, cls: 'HalfStorage', elementSize: 2 },
      ],
    };
    expect(skip(spec).pos).toBe(legacyCheckpoint(spec).length);
  });

  it('gives each storage its place and size', () => {
    const bytes = legacyCheckpoint({
      storages: [
        { key: 'a', elements: 2 },
        { key: 'b', elements: 1, cls: 'ByteStorage', elementSize: 1 },
      ],
    });
    const { reader, streams } = pickles(bytes);
    const start = reader.pos;
    const sizes = new Map([
      ['a', 4],
      ['b', 1],
    ]);
    expect(readLegacyStorages(reader, streams[4] as PickleStream, (k) => sizes.get(k))).toEqual([
      { key: 'a', elements: 2n, countOffset: start, dataOffset: start + 8, bytes: 8 },
      { key: 'b', elements: 1n, countOffset: start + 16, dataOffset: start + 24, bytes: 1 },
    ]);
  });

  it.each<{ what: string; spec: LegacySpec; code: ErrorCode }>([
    { what: 'a storage class of unknown size', spec: { storages: [{ key: '0', elements: 1, cls: 'MysteryStorage' }] }, code: 'UNSUPPORTED' },
    { what: 'a key no persistent id names', spec: { storages: [{ key: '0', elements: 1 }], keys: ['0', 'x'] }, code: 'MALFORMED' },
    { what: 'a negative element count', spec: { storages: [{ key: '0', elements: -1, data: Buffer.alloc(0) }] }, code: 'MALFORMED' },
    { what: 'a storage that runs past the end', spec: { storages: [{ key: '0', elements: 100, data: Buffer.alloc(8) }] }, code: 'TRUNCATED' },
    { what: 'a key list longer than the storages written', spec: { storages: [{ key: '0', elements: 1 }], keys: ['0', '0'] }, code: 'TRUNCATED' },
  ])('fails closed on $what', ({ spec, code: expected }) => {
    expect(code(() => skip(spec))).toBe(expected);
  });

  it.each([
    { what: 'a key list that is not a list', keys: pickle().proto(2).emptyDict().stop().bytes() },
    { what: 'a key that is not a string', keys: pickle().proto(2).emptyList().binint(0).append().stop().bytes() },
  ])('refuses $what as MALFORMED', ({ keys }) => {
    const reader = new ByteReader(new BufferSource(keys));
    const stream = parsePickleStream(reader, { limits: DEFAULT_LIMITS });
    expect(code(() => readLegacyStorages(reader, stream, () => 1))).toBe('MALFORMED');
  });
});
