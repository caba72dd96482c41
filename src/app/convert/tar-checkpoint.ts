import { ByteReader } from '../../core/byte-reader.js';
import { SliceSource } from '../../core/byte-source.js';
import { ModelgateError } from '../../core/errors.js';
import type { Limits } from '../../core/limits.js';
import type { PickleStream, PValue } from '../../formats/pickle/model.js';
import { parsePickleStream } from '../../formats/pickle/parse.js';
import { parseTarHeaders, type TarEntry } from '../../formats/tar/parse.js';
import { TORCH_TAR_MEMBERS, TORCH_TAR_SYS_INFO, TorchTarMemberReader } from '../../formats/torch/tar.js';
import { checkConvertible } from './allowed.js';
import { STORAGE_CLASSES, type ElementType } from './dtypes.js';
import type { InputFile } from './input-file.js';
import { checkSysInfo } from './legacy-checkpoint.js';
import type { NamedTensor, Storage, TensorView } from './model.js';
import { checkView, flattenCheckpoint, storageType, type PersidTarget } from './rebuild.js';

/** The tensor type records of the tensors member (`torch.FloatTensor`...): values, never called. */
const TENSOR_TYPES = { values: new Set([...STORAGE_CLASSES.keys()].map((s) => `torch.${s.replace(/Storage$/, 'Tensor')}`)) };

function unsupported(message: string): never {
  throw new ModelgateError('UNSUPPORTED', message);
}

function key(v: PValue | undefined, what: string): string {
  if (v?.k === 'int' || v?.k === 'str') return String(v.v);
  return unsupported(`${what} is not a key`);
}

/**
 * The pickles of a member walk, one after another, each held to the conversion allow-list. A
 * walk ends early only at a broken pickle, which checkConvertible refuses with its error.
 */
function pickles(walk: TorchTarMemberReader, what: string): () => PValue {
  let next = 0;
  return () => {
    const stream = walk.streams[next++];
    if (!stream) throw new ModelgateError('MALFORMED', `the ${what} member ends before its last record`);
    checkConvertible(stream, what, TENSOR_TYPES);
    return stream.result as PValue;
  };
}

function tuple(v: PValue, n: number, what: string): PValue[] {
  if (v.k !== 'tuple' || v.items.length !== n) unsupported(`${what} is not a ${n}-tuple`);
  return v.items;
}

/**
 * The tensors of a torch tar checkpoint (torch ≤ 0.3), read as torch/serialization.py
 * `_legacy_load.legacy_load` reads them: `storages` holds a pickled count, then per storage a
 * pickled (key, location, class), an int64 element count and the raw bytes, then the pickled
 * storage views (refused unless empty); `tensors` holds a pickled count, then per tensor a
 * pickled (key, storage key, class), int32 ndim, 4 padding bytes, int64 sizes, strides and
 * storage offset; `pickle` is the object, whose persistent ids are tensor keys.
 */
export function readTarCheckpoint(input: InputFile, limits: Limits, streamsOf: (member: string) => PickleStream[] | undefined): NamedTensor[] {
  const { entries, error } = parseTarHeaders(input.source, limits);
  if (error) throw new ModelgateError(error.code, `tar structure: ${error.message}`, { cause: error });
  const members = new Map<string, TarEntry>();
  for (const e of entries) {
    if (e.type !== 'file' || ![TORCH_TAR_SYS_INFO, ...TORCH_TAR_MEMBERS].includes(e.name))
      unsupported(`tar member ${e.name} is not part of a torch tar checkpoint`);
    if (members.has(e.name)) throw new ModelgateError('MALFORMED', `tar member ${e.name} appears twice`);
    members.set(e.name, e);
  }
  const member = (name: string): TarEntry => {
    const e = members.get(name);
    if (!e) throw new ModelgateError('MALFORMED', `the tar checkpoint has no ${name} member`);
    return e;
  };
  const source = (e: TarEntry): SliceSource => new SliceSource(input.source, e.dataOffset, e.size);
  const sysInfo = parsePickleStream(new ByteReader(source(member(TORCH_TAR_SYS_INFO))), { limits });
  checkConvertible(sysInfo, 'sys_info');
  checkSysInfo(sysInfo);

  // The storages and tensors members are walked as the scan walked them (formats/torch/tar.ts);
  // here every pickle is held to the allow-list and the raw records are kept.
  const storages = new Map<string, { storage: Storage; type: ElementType }>();
  const storagesMember = member('storages');
  const s = new TorchTarMemberReader('storages', source(storagesMember), limits);
  s.read();
  const nextStorage = pickles(s, 'storages');
  const storageCount = nextStorage();
  if (storageCount.k !== 'int') unsupported('the storage count is not an int');
  for (let i = 0; i < Number(storageCount.v); i++) {
    const [k, , cls] = tuple(nextStorage(), 3, 'a storage record');
    const type = storageType(cls);
    if (type === 'untyped') unsupported('an untyped storage in a tar checkpoint');
    const run = s.storages[i];
    const size = run === undefined ? -1 : Number(run.elements) * type.size;
    if (run === undefined || size !== run.bytes)
      throw new ModelgateError('MALFORMED', `storage ${key(k, 'storage key')} is not where the member's layout puts it`);
    storages.set(key(k, 'storage key'), { storage: { key: key(k, 'storage key'), start: storagesMember.dataOffset + run.dataOffset, size }, type });
  }
  const views = nextStorage();
  if (views.k !== 'list' || views.items.length > 0) unsupported('storage views in a tar checkpoint are not converted');

  const tensors = new Map<string, TensorView>();
  const t = new TorchTarMemberReader('tensors', source(member('tensors')), limits);
  t.read();
  const nextTensor = pickles(t, 'tensors');
  const tensorCount = nextTensor();
  if (tensorCount.k !== 'int') unsupported('the tensor count is not an int');
  for (let i = 0; i < Number(tensorCount.v); i++) {
    const [k, storageKey] = tuple(nextTensor(), 3, 'a tensor record');
    const storage = storages.get(key(storageKey, 'storage key'));
    if (!storage) throw new ModelgateError('MALFORMED', `tensor ${key(k, 'tensor key')} refers to a storage that is not in the file`);
    const record = t.tensors[i];
    if (record === undefined) throw new ModelgateError('MALFORMED', `tensor ${key(k, 'tensor key')} has no sizes and strides`);
    const shape = record.shape.map(Number);
    const stride = record.stride.map(Number);
    const offset = Number(record.storageOffset);
    if ([...shape, ...stride, offset].some((x) => x < 0 || !Number.isSafeInteger(x)))
      unsupported(`tensor ${key(k, 'tensor key')}: a negative size, stride or offset`);
    tensors.set(key(k, 'tensor key'), checkView({ storage: storage.storage, type: storage.type, offset, shape, stride }, `tensor ${key(k, 'tensor key')}`));
  }

  const streams = streamsOf('pickle');
  const stream = streams?.[0];
  if (!streams || streams.length !== 1 || stream?.result === undefined)
    throw new ModelgateError('MALFORMED', 'the pickle member is not one complete pickle stream');
  checkConvertible(stream, 'pickle');
  const resolve = (pid: PValue): PersidTarget => {
    // persistent_load: deserialized_objects[int(saved_id)]
    const id = pid.k === 'str' && /^\d+$/.test(pid.v) ? String(Number(pid.v)) : pid.k === 'int' ? String(pid.v) : undefined;
    const tensor = id === undefined ? undefined : tensors.get(id);
    if (!tensor) unsupported('a persistent id that names no tensor of the checkpoint');
    return { kind: 'tensor', tensor };
  };
  return flattenCheckpoint(stream.result as PValue, resolve);
}
