import { ByteReader } from '../core/byte-reader.js';
import { SliceSource } from '../core/byte-source.js';
import { ModelgateError } from '../core/errors.js';
import type { Limits } from '../core/limits.js';
import type { PickleStream, PValue } from '../formats/pickle/model.js';
import { parsePickleStream } from '../formats/pickle/parse.js';
import { parseTarHeaders, type TarEntry } from '../formats/tar/parse.js';
import { checkConvertible } from './allowed.js';
import { STORAGE_CLASSES, type ElementType } from './dtypes.js';
import type { InputFile } from './input-file.js';
import { checkSysInfo } from './legacy-checkpoint.js';
import type { NamedTensor, Storage, TensorView } from './model.js';
import { checkView, flattenCheckpoint, storageType, type PersidTarget } from './rebuild.js';

/** The tensor type records of the tensors member (`torch.FloatTensor`...): values, never called. */
const TENSOR_TYPES = { values: new Set([...STORAGE_CLASSES.keys()].map((s) => `torch.${s.replace(/Storage$/, 'Tensor')}`)) };
/** Most dimensions read for one tensor record; torch allows 64. */
const MAX_DIMS = 64;

function unsupported(message: string): never {
  throw new ModelgateError('UNSUPPORTED', message);
}

function key(v: PValue | undefined, what: string): string {
  if (v?.k === 'int' || v?.k === 'str') return String(v.v);
  return unsupported(`${what} is not a key`);
}

/** Reads one pickle from the reader and holds it to the conversion allow-list. */
function next(reader: ByteReader, limits: Limits, what: string): PValue {
  const stream = parsePickleStream(reader, { limits });
  checkConvertible(stream, what, TENSOR_TYPES);
  return stream.result as PValue;
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
    if (e.type !== 'file' || !['sys_info', 'storages', 'tensors', 'pickle'].includes(e.name)) unsupported(`tar member ${e.name} is not part of a torch tar checkpoint`);
    if (members.has(e.name)) throw new ModelgateError('MALFORMED', `tar member ${e.name} appears twice`);
    members.set(e.name, e);
  }
  const reader = (name: string): ByteReader => {
    const e = members.get(name);
    if (!e) throw new ModelgateError('MALFORMED', `the tar checkpoint has no ${name} member`);
    return new ByteReader(new SliceSource(input.source, e.dataOffset, e.size));
  };
  const info = reader('sys_info');
  const sysInfo = parsePickleStream(info, { limits });
  checkConvertible(sysInfo, 'sys_info');
  checkSysInfo(sysInfo);

  const storages = new Map<string, { storage: Storage; type: ElementType }>();
  const s = reader('storages');
  const base = (members.get('storages') as TarEntry).dataOffset;
  const storageCount = next(s, limits, 'storages');
  if (storageCount.k !== 'int') unsupported('the storage count is not an int');
  for (let i = 0; i < Number(storageCount.v); i++) {
    const [k, , cls] = tuple(next(s, limits, 'storages'), 3, 'a storage record');
    const type = storageType(cls);
    if (type === 'untyped') unsupported('an untyped storage in a tar checkpoint');
    const elements = s.i64le();
    if (elements < 0n) throw new ModelgateError('MALFORMED', 'a storage of negative size');
    const size = Number(elements) * type.size;
    if (size > s.remaining) throw new ModelgateError('TRUNCATED', `storage ${key(k, 'storage key')} runs past the end of its member`);
    storages.set(key(k, 'storage key'), { storage: { key: key(k, 'storage key'), start: base + s.pos, size }, type });
    s.skip(size);
  }
  const views = next(s, limits, 'storages');
  if (views.k !== 'list' || views.items.length > 0) unsupported('storage views in a tar checkpoint are not converted');

  const tensors = new Map<string, TensorView>();
  const t = reader('tensors');
  const tensorCount = next(t, limits, 'tensors');
  if (tensorCount.k !== 'int') unsupported('the tensor count is not an int');
  for (let i = 0; i < Number(tensorCount.v); i++) {
    const [k, storageKey] = tuple(next(t, limits, 'tensors'), 3, 'a tensor record');
    const storage = storages.get(key(storageKey, 'storage key'));
    if (!storage) throw new ModelgateError('MALFORMED', `tensor ${key(k, 'tensor key')} refers to a storage that is not in the file`);
    const ndim = t.i32le();
    if (ndim < 0 || ndim > MAX_DIMS) throw new ModelgateError('MALFORMED', `a tensor of ${ndim} dimensions`);
    t.skip(4);
    const ints = (n: number): number[] => Array.from({ length: n }, () => Number(t.i64le()));
    const shape = ints(ndim);
    const stride = ints(ndim);
    const [offset] = ints(1);
    if ([...shape, ...stride, offset].some((x) => x < 0 || !Number.isSafeInteger(x))) unsupported(`tensor ${key(k, 'tensor key')}: a negative size, stride or offset`);
    tensors.set(key(k, 'tensor key'), checkView({ storage: storage.storage, type: storage.type, offset, shape, stride }, `tensor ${key(k, 'tensor key')}`));
  }

  const streams = streamsOf('pickle');
  if (!streams || streams.length !== 1 || streams[0].result === undefined) throw new ModelgateError('MALFORMED', 'the pickle member is not one complete pickle stream');
  checkConvertible(streams[0], 'pickle');
  const resolve = (pid: PValue): PersidTarget => {
    // persistent_load: deserialized_objects[int(saved_id)]
    const id = pid.k === 'str' && /^\d+$/.test(pid.v) ? String(Number(pid.v)) : pid.k === 'int' ? String(pid.v) : undefined;
    const tensor = id === undefined ? undefined : tensors.get(id);
    if (!tensor) unsupported('a persistent id that names no tensor of the checkpoint');
    return { kind: 'tensor', tensor };
  };
  return flattenCheckpoint(streams[0].result as PValue, resolve);
}
