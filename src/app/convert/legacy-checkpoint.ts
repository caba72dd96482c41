import { ByteReader } from '../../core/byte-reader.js';
import { ModelgateError } from '../../core/errors.js';
import type { PickleStream, PValue } from '../../formats/pickle/model.js';
import { isLegacyMagic, readLegacyStorages } from '../../formats/torch/legacy.js';
import { storageId } from '../../formats/torch/persistent-id.js';
import { checkConvertible } from './allowed.js';
import type { InputFile } from './input-file.js';
import type { NamedTensor, Storage } from './model.js';
import { flattenCheckpoint, storageType, type PersidTarget } from './rebuild.js';
import type { ElementType } from './dtypes.js';

function unsupported(message: string): never {
  throw new ModelgateError('UNSUPPORTED', message);
}

const elementSize = (type: ElementType | 'untyped' | undefined): number | undefined => (type === 'untyped' ? 1 : type?.size);

/** `sys_info` must record a little-endian writer (torch/serialization.py `_legacy_save`). */
export function checkSysInfo(stream: PickleStream): void {
  const info = stream.result;
  if (info?.k !== 'dict') unsupported('the legacy sys_info record is not a dict');
  const little = info.entries.find(([k]) => k.k === 'str' && k.v === 'little_endian')?.[1];
  if (little?.k !== 'bool') unsupported('the legacy sys_info record does not say the byte order');
  if (!little.v) unsupported('the checkpoint was written on a big-endian machine: only little-endian checkpoints are converted');
}

/**
 * The tensors of a legacy (pre-1.6, `_use_new_zipfile_serialization=False`) checkpoint:
 * five pickles back to back (magic number, protocol version, sys_info, the object, the sorted
 * list of storage keys), then for each key an int64 element count and the storage's raw
 * little-endian bytes (`_legacy_save`; `storage._write_file`). Persistent ids are
 * `('storage', StorageClass, key, location, numel, view_metadata)`; storage views
 * (view_metadata not None), which torch stopped writing long ago, are refused.
 */
export function readLegacyCheckpoint(input: InputFile, streams: PickleStream[] | undefined): NamedTensor[] {
  if (!streams || streams.length !== 5 || !isLegacyMagic(streams[0]!.result)) {
    throw new ModelgateError('MALFORMED', `a legacy checkpoint is five pickles; ${streams?.length ?? 0} were read`);
  }
  const [, protocol, sysInfo, main, keys] = streams as [PickleStream, PickleStream, PickleStream, PickleStream, PickleStream];
  streams.forEach((s, i) => checkConvertible(s, `legacy pickle ${i + 1}`));
  if (protocol.result?.k !== 'int' || protocol.result.v !== 1001) unsupported('legacy protocol version is not 1001');
  checkSysInfo(sysInfo);

  // The storages follow the key list, in its order.
  const types = new Map<string, ElementType | 'untyped'>();
  const declared = new Map<string, number>();
  for (const { pid } of main.persistentIds) {
    const id = storageId(pid);
    if (!id || id.items.length !== 6) unsupported('a persistent id that is not a legacy storage record');
    const [, , , , numel, view] = id.items as PValue[];
    if (view?.k !== 'none') unsupported(`storage ${id.key} is a storage view, which is not converted`);
    if (numel?.k !== 'int' || typeof numel.v !== 'number' || numel.v < 0) unsupported(`storage ${id.key}: element count is not a small integer`);
    types.set(id.key, storageType(id.storageClass));
    declared.set(id.key, numel.v);
  }
  const list = keys.result;
  if (list?.k !== 'list' || list.dropped) throw new ModelgateError('MALFORMED', 'the legacy storage-key record is not a list');
  // The scan stepped over these same bytes (formats/torch/legacy.ts); here they are kept.
  const reader = new ByteReader(input.source, keys.end);
  const storages = new Map<string, Storage>();
  for (const run of readLegacyStorages(reader, keys, (key) => elementSize(types.get(key)))) {
    if (BigInt(declared.get(run.key) ?? -1) !== run.elements)
      throw new ModelgateError('MALFORMED', `storage ${run.key} holds ${run.elements} elements, not the ${declared.get(run.key)} declared`, {
        offset: run.countOffset,
      });
    storages.set(run.key, { key: run.key, start: run.dataOffset, size: run.bytes });
  }
  if (reader.pos !== input.size) throw new ModelgateError('MALFORMED', `${input.size - reader.pos} bytes follow the last storage`, { offset: reader.pos });

  const resolve = (pid: PValue): PersidTarget => {
    const key = pid.k === 'tuple' ? pid.items[2] : undefined;
    const storage = key?.k === 'str' ? storages.get(key.v) : undefined;
    if (!storage || key?.k !== 'str') throw new ModelgateError('MALFORMED', 'a tensor refers to a storage that is not in the file');
    return { kind: 'storage', storage, type: types.get(key.v) as ElementType | 'untyped' };
  };
  return flattenCheckpoint(main.result as PValue, resolve);
}
