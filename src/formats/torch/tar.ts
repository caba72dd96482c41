import { ByteReader } from '../../core/byte-reader.js';
import type { ByteSource } from '../../core/byte-source.js';
import { ModelgateError } from '../../core/errors.js';
import type { Limits } from '../../core/limits.js';
import { hasActivity } from '../pickle/activity.js';
import type { PickleStream, PValue } from '../pickle/model.js';
import { parsePickleStream } from '../pickle/parse.js';
import { storageClassName, storageElementSize } from './dtypes.js';
import type { TarStorage, TarTensor, TrailingBytes } from './model.js';

/**
 * torch's tar format (torch ≤ 0.3; torch/serialization.py `_legacy_load.legacy_load` still
 * reads it): a tar of `sys_info`, `storages`, `tensors` and `pickle` members, where the
 * storages and tensors members put raw bytes between their pickles.
 */

/** The members torch/serialization.py `_legacy_load.legacy_load` unpickles, in its order. */
export const TORCH_TAR_MEMBERS: readonly string[] = ['storages', 'tensors', 'pickle'];

/** The member legacy_load reads first, a pickled dict (`little_endian`, type sizes...). */
export const TORCH_TAR_SYS_INFO = 'sys_info';

/** Most dimensions read for one tensor record: torch reads any number, more is refused. */
export const MAX_TENSOR_DIMS = 64;

/**
 * legacy_load's persistent_load for the `pickle` member: a tuple id `(cls, source_file,
 * source)` names a module class and loads as `saved_id[0]` (after comparing the source text,
 * which runs nothing); that class is a value the pickle built and is judged like any other.
 * String ids are tensor keys and stay opaque.
 */
export function tarPersistentLoad(pid: PValue): PValue | undefined {
  return pid.k === 'tuple' && pid.items.length > 0 ? pid.items[0] : undefined;
}

function count(v: PValue, what: string, offset: number): number {
  // `range(n)` takes a bool as well as an int.
  if (v.k === 'bool') return v.v ? 1 : 0;
  if (v.k !== 'int' || BigInt(v.v) < 0n || BigInt(v.v) > BigInt(Number.MAX_SAFE_INTEGER))
    throw new ModelgateError('MALFORMED', `${what} is not a count`, { offset });
  return Number(v.v);
}

function record(v: PValue, what: string, offset: number): [PValue, PValue, PValue] {
  if (v.k !== 'tuple' || v.items.length !== 3) throw new ModelgateError('MALFORMED', `${what} is not a 3-tuple`, { offset });
  const [a, b, c] = v.items as [PValue, PValue, PValue];
  return [a, b, c];
}

/**
 * Reads one member of a torch tar checkpoint the way legacy_load reads it: the pickles torch
 * unpickles, the raw storage and tensor bytes between them (stepped over by their declared
 * sizes, their geometry kept), and then, as a careful reader, every further pickle to the
 * member's end. `read()` throws a typed ModelgateError where the layout breaks; what was read
 * before stays in `streams`, `storages` and `tensors`. A pickle that breaks ends the walk
 * without an error: it is in `streams`, with its own.
 */
export class TorchTarMemberReader {
  readonly reader: ByteReader;
  /** Every pickle read, in order. */
  readonly streams: PickleStream[] = [];
  /** `storages`: the records read, in order. */
  readonly storages: TarStorage[] = [];
  /** `tensors`: the records read, in order. */
  readonly tensors: TarTensor[] = [];
  /** Bytes at the end that do not parse as a pickle, when there are such. */
  trailing?: TrailingBytes;
  private readonly persistentLoad?: (pid: PValue) => PValue | undefined;

  constructor(
    readonly member: string,
    readonly source: ByteSource,
    private readonly limits: Limits,
  ) {
    this.reader = new ByteReader(source);
    if (member === 'pickle') this.persistentLoad = tarPersistentLoad;
  }

  /** Reads the member (see the class); throws at a break of its layout or a limit. */
  read(): void {
    if (this.member === 'storages') this.walkStorages();
    else if (this.member === 'tensors') this.walkTensors();
    else if (this.pickle() !== undefined) this.rest();
  }

  /**
   * False when the member does not begin with a pickle: its first pickle breaks at once,
   * without PROTO or any activity (torch fails there; a scanner reads it as plain content).
   */
  get beginsWithPickle(): boolean {
    const [first] = this.streams;
    const proto = this.source.size >= 1 && this.source.read(0, 1)[0] === 0x80;
    return !(first?.error && !hasActivity(first) && !proto);
  }

  /** One pickle torch unpickles; its value, or undefined when the stream broke (walk ends). */
  private pickle(): PValue | undefined {
    if (this.streams.length >= this.limits.maxStreamsPerMember) {
      throw new ModelgateError('LIMIT_ENTRIES', `more than ${this.limits.maxStreamsPerMember} pickle streams; the rest was not read`, {
        offset: this.reader.pos,
      });
    }
    const stream = parsePickleStream(this.reader, { limits: this.limits, persistentLoad: this.persistentLoad });
    this.streams.push(stream);
    return stream.error ? undefined : stream.result;
  }

  /** Checks that `count` bytes torch reads raw lie inside the member; returns them as a number. */
  private claim(count: bigint, what: string): number {
    if (count < 0n) throw new ModelgateError('MALFORMED', `${what} has a negative size`, { offset: this.reader.pos });
    if (count > BigInt(this.reader.remaining))
      throw new ModelgateError('TRUNCATED', `${what} of ${count} bytes runs past the end of the member`, { offset: this.reader.pos });
    return Number(count);
  }

  /** torch reads nothing more; a careful reader still reads on while the bytes are pickles. */
  private rest(): void {
    const { reader, limits } = this;
    while (reader.pos < reader.end) {
      const at = reader.pos;
      const stream = parsePickleStream(reader, { limits, persistentLoad: this.persistentLoad });
      if (!stream.error || hasActivity(stream)) {
        this.streams.push(stream);
        if (stream.error) return;
        if (this.streams.length >= limits.maxStreamsPerMember)
          throw new ModelgateError('LIMIT_ENTRIES', `more than ${limits.maxStreamsPerMember} pickle streams; the rest was not read`, { offset: reader.pos });
        continue;
      }
      this.trailing = { offset: at, bytes: reader.end - at };
      return;
    }
  }

  /**
   * `storages`: a pickled count, then per storage a pickled (key, location, storage class), an
   * int64 element count and count × element size raw bytes (`_new_with_file`), then the pickled
   * storage views. Element sizes come from the class names, as torch's `storage_type.dtype`.
   */
  private walkStorages(): void {
    const { reader } = this;
    const n = this.pickle();
    if (n === undefined) return;
    for (let i = 0, total = count(n, 'the storage count', reader.pos); i < total; i++) {
      const args = this.pickle();
      if (args === undefined) return;
      const [key, location, storageClass] = record(args, 'a storage record', reader.pos);
      const name = storageClassName(storageClass);
      const size = storageElementSize(name);
      if (size === undefined)
        throw new ModelgateError('UNSUPPORTED', `unknown storage class ${name || storageClass.k}: its raw bytes cannot be stepped over`, {
          offset: reader.pos,
        });
      if (reader.remaining < 8) throw new ModelgateError('TRUNCATED', 'a storage has no element count', { offset: reader.pos });
      const elements = reader.i64le();
      const bytes = this.claim(elements * BigInt(size), `storage ${i}`);
      const stream = this.streams[this.streams.length - 1] as PickleStream;
      this.storages.push({ stream, key, location, storageClass, elements, dataOffset: reader.pos, bytes });
      reader.skip(bytes);
    }
    if (this.pickle() !== undefined) this.rest();
  }

  /**
   * `tensors`: a pickled count, then per tensor a pickled (key, storage key, tensor class),
   * int32 ndim, 4 padding bytes, int64 sizes and strides (ndim each) and an int64 offset.
   */
  private walkTensors(): void {
    const { reader } = this;
    const n = this.pickle();
    if (n === undefined) return;
    for (let i = 0, total = count(n, 'the tensor count', reader.pos); i < total; i++) {
      const args = this.pickle();
      if (args === undefined) return;
      const [key, storageKey, tensorClass] = record(args, 'a tensor record', reader.pos);
      if (reader.remaining < 8) throw new ModelgateError('TRUNCATED', `tensor ${i} has no dimensions`, { offset: reader.pos });
      const at = reader.pos;
      const ndim = reader.i32le();
      if (ndim < 0 || ndim > MAX_TENSOR_DIMS) throw new ModelgateError('MALFORMED', `tensor ${i} has ${ndim} dimensions`, { offset: at });
      reader.skip(4);
      this.claim(BigInt(16 * ndim + 8), `tensor ${i}'s sizes and strides`);
      const ints = (length: number): bigint[] => Array.from({ length }, () => reader.i64le());
      const shape = ints(ndim);
      const stride = ints(ndim);
      const [storageOffset] = ints(1) as [bigint];
      const stream = this.streams[this.streams.length - 1] as PickleStream;
      this.tensors.push({ stream, key, storageKey, tensorClass, shape, stride, storageOffset });
    }
    this.rest();
  }
}
