import type { ByteReader } from '../../core/byte-reader.js';
import { ModelgateError } from '../../core/errors.js';
import type { PickleStream, PValue } from '../../formats/pickle/model.js';

/** torch/serialization.py MAGIC_NUMBER, the first pickle of the legacy format. */
const LEGACY_MAGIC = 0x1950a86a20f9469cfc6cn;

/** True when a stream's result is the legacy torch magic number. */
export function isLegacyMagic(v: PickleStream['result']): boolean {
  return v?.k === 'int' && BigInt(v.v) === LEGACY_MAGIC;
}

/**
 * torch/serialization.py `_legacy_load`'s persistent_load for its module records: a whole
 * `nn.Module` saved in the legacy format names each class as `('module', cls, source_file,
 * source)`, and loading returns `cls` itself (after comparing the source text, which runs
 * nothing). `cls` is a value the pickle built, so it is judged like any other. Storage records
 * stay opaque.
 */
export function legacyPersistentLoad(pid: PValue): PValue | undefined {
  if (pid.k !== 'tuple' || pid.items.length < 2) return undefined;
  const [tag, cls] = pid.items;
  return tag.k === 'str' && tag.v === 'module' ? cls : undefined;
}

/** Bytes per element of torch's legacy storage classes (torch/storage.py). */
export const ELEMENT_SIZE: Readonly<Record<string, number>> = {
  DoubleStorage: 8, FloatStorage: 4, HalfStorage: 2, BFloat16Storage: 2, LongStorage: 8, IntStorage: 4,
  ShortStorage: 2, CharStorage: 1, ByteStorage: 1, BoolStorage: 1, ComplexDoubleStorage: 16,
  ComplexFloatStorage: 8, QUInt8Storage: 1, QInt8Storage: 1, QInt32Storage: 4, QUInt4x2Storage: 1,
  QUInt2x4Storage: 1, UntypedStorage: 1, Float8_e5m2Storage: 1, Float8_e4m3fnStorage: 1,
};

/**
 * Steps over the raw storages that follow the legacy format's pickles: for each key of the
 * storage-key list, an int64 element count then count × element size bytes
 * (torch/serialization.py `_legacy_save`, storage `_write_file`). Element sizes come from
 * the persistent ids `('storage', StorageClass, key, location, numel)` of the main pickle.
 */
export function skipLegacyStorages(reader: ByteReader, main: PickleStream, keys: PickleStream): void {
  const sizes = new Map<string, number>();
  for (const { pid } of main.persistentIds) {
    if (pid.k !== 'tuple' || pid.items.length < 3) continue;
    const [tag, type, key] = pid.items;
    if (tag.k !== 'str' || tag.v !== 'storage' || key.k !== 'str') continue;
    const typeName = type.k === 'global' ? type.ref.resolvedName.split('.').pop() ?? '' : '';
    const size = ELEMENT_SIZE[typeName];
    if (size === undefined) throw new ModelgateError('UNSUPPORTED', `unknown storage type ${typeName || '?'} for key ${key.v}`, { offset: reader.pos });
    sizes.set(key.v, size);
  }
  const list = keys.result;
  if (list?.k !== 'list') throw new ModelgateError('MALFORMED', 'legacy storage-key pickle is not a list', { offset: reader.pos });
  for (const item of list.items) {
    if (item.k !== 'str') throw new ModelgateError('MALFORMED', 'legacy storage key is not a string', { offset: reader.pos });
    const elementSize = sizes.get(item.v);
    if (elementSize === undefined) throw new ModelgateError('MALFORMED', `storage key ${item.v} is not used by the checkpoint`, { offset: reader.pos });
    const at = reader.pos;
    const count = reader.i64le();
    if (count < 0n) throw new ModelgateError('MALFORMED', `storage ${item.v} has a negative size`, { offset: at });
    const bytes = count * BigInt(elementSize);
    if (bytes > BigInt(reader.remaining)) throw new ModelgateError('TRUNCATED', `storage ${item.v} of ${bytes} bytes runs past the end`, { offset: at });
    reader.skip(Number(bytes));
  }
}
