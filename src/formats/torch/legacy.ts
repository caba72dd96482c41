import type { ByteReader } from '../../core/byte-reader.js';
import { ModelgateError } from '../../core/errors.js';
import type { PickleStream, PValue } from '../pickle/model.js';
import { storageClassName, storageElementSize } from './dtypes.js';
import type { LegacyStorage } from './model.js';
import { storageId } from './persistent-id.js';

/**
 * torch's legacy format (torch/serialization.py `_legacy_save`, written when
 * `_use_new_zipfile_serialization=False` and by torch < 1.6): five pickles back to back (the
 * magic number, the protocol version, sys_info, the object, the sorted list of storage keys),
 * then for each key an int64 element count and the storage's raw bytes.
 */

/** torch/serialization.py MAGIC_NUMBER, the first pickle of the legacy format. */
export const LEGACY_MAGIC = 0x1950a86a20f9469cfc6cn;

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
  return tag?.k === 'str' && tag.v === 'module' ? cls : undefined;
}

/**
 * Element size of each storage key, from the persistent ids `('storage', StorageClass, key,
 * ...)` of the main pickle. Throws UNSUPPORTED for a class whose size is unknown: its raw
 * bytes could not be stepped over.
 */
export function legacyElementSizes(main: PickleStream, offset: number): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const { pid } of main.persistentIds) {
    const id = storageId(pid);
    if (!id) continue;
    const typeName = storageClassName(id.storageClass);
    const size = storageElementSize(typeName);
    if (size === undefined) throw new ModelgateError('UNSUPPORTED', `unknown storage type ${typeName || '?'} for key ${id.key}`, { offset });
    sizes.set(id.key, size);
  }
  return sizes;
}

/**
 * Reads the raw storages that follow the legacy format's pickles, from the reader's position:
 * for each key of the storage-key list, an int64 element count then count × element size
 * bytes (storage `_write_file`), stepped over. Throws MALFORMED for a key list that is not a
 * list of strings, a key no storage id names or a negative count, and TRUNCATED for bytes
 * that run past the end.
 */
export function readLegacyStorages(reader: ByteReader, keys: PickleStream, elementSize: (key: string) => number | undefined): LegacyStorage[] {
  const list = keys.result;
  if (list?.k !== 'list') throw new ModelgateError('MALFORMED', 'legacy storage-key pickle is not a list', { offset: reader.pos });
  const storages: LegacyStorage[] = [];
  for (const item of list.items) {
    if (item.k !== 'str') throw new ModelgateError('MALFORMED', 'legacy storage key is not a string', { offset: reader.pos });
    const size = elementSize(item.v);
    if (size === undefined) throw new ModelgateError('MALFORMED', `storage key ${item.v} is not used by the checkpoint`, { offset: reader.pos });
    const countOffset = reader.pos;
    const elements = reader.i64le();
    if (elements < 0n) throw new ModelgateError('MALFORMED', `storage ${item.v} has a negative size`, { offset: countOffset });
    const bytes = elements * BigInt(size);
    if (bytes > BigInt(reader.remaining))
      throw new ModelgateError('TRUNCATED', `storage ${item.v} of ${bytes} bytes runs past the end`, { offset: countOffset });
    const dataOffset = reader.pos;
    reader.skip(Number(bytes));
    storages.push({ key: item.v, elements, countOffset, dataOffset, bytes: Number(bytes) });
  }
  return storages;
}

/**
 * Steps over the raw storages that follow the legacy format's pickles (`main` is the object's
 * pickle, `keys` the storage-key list), sizing each by the class its persistent id names.
 */
export function skipLegacyStorages(reader: ByteReader, main: PickleStream, keys: PickleStream): void {
  const sizes = legacyElementSizes(main, reader.pos);
  readLegacyStorages(reader, keys, (key) => sizes.get(key));
}
