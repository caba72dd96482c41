import { pickle } from '../../../src/formats/pickle/builder.js';
import { buildTar, type TarMemberSpec } from '../../../src/formats/tar/builder.js';
import { countPickle, tarStoragesMember, tarTensorsMember, type StorageSpec, type TarTensorSpec } from '../../../src/formats/torch/builder.js';

/** Protocol 2: `os.system(cmd)`. */
export const payload = (cmd = 'echo pwned'): Buffer => pickle().proto(2).global('os', 'system').str(cmd).tuple1().reduce().stop().bytes();
export const count = countPickle;
/** A pickled (key, location, storage class), as `_legacy_save` writes per storage. */
export const storageRecord = (key: string, cls = 'FloatStorage'): Buffer => pickle().proto(2).str(key).str('cpu').global('torch', cls).tuple3().stop().bytes();
export const emptyList = (): Buffer => pickle().proto(2).emptyList().stop().bytes();

/** `storages`: count, per storage its record, int64 element count and raw bytes, then the views. */
export const storagesMember = (storages: StorageSpec[], views = emptyList()): Buffer => tarStoragesMember(storages, views);

/** `tensors`: count, per tensor a pickled (key, storage key, class), int32 ndim, padding, sizes, strides, offset. */
export const tensorsMember = (tensors: TarTensorSpec[]): Buffer => tarTensorsMember(tensors);

/** `pickle`: `{'weight': <tensor '1'>}` with the tensor as a persistent id. */
export const stateDictPickle = (): Buffer => pickle().proto(2).emptyDict().str('weight').str('1').binpersid().setitem().stop().bytes();

export const sysInfo = (): Buffer => pickle().proto(2).emptyDict().str('protocol_version').binint(1001).setitem().stop().bytes();

/** A torch tar checkpoint of a one-tensor state dict, with members replaced as given. */
export function torchTar(
  replace: Partial<Record<'sys_info' | 'storages' | 'tensors' | 'pickle', Buffer>> = {},
  format: 'ustar' | 'v7' = 'ustar',
  extra: TarMemberSpec[] = [],
): Buffer {
  const members: Record<string, Buffer> = {
    sys_info: sysInfo(),
    storages: storagesMember([{ key: '0', elements: 6 }]),
    tensors: tensorsMember([{ key: '1', storage: '0', shape: [2, 3] }]),
    pickle: stateDictPickle(),
    ...replace,
  };
  return buildTar([...Object.entries(members).map(([name, data]) => ({ name, data, format })), ...extra]);
}
