import { ByteReader } from '../../core/byte-reader.js';
import type { ByteSource } from '../../core/byte-source.js';
import { ModelgateError } from '../../core/errors.js';
import { TRAILING_DATA } from '../../detectors/container/index.js';
import { PICKLE_RULES } from '../../detectors/pickle/index.js';
import type { PickleStream, PValue } from '../../formats/pickle/model.js';
import { parsePickleStream } from '../../formats/pickle/parse.js';
import type { ScanContext } from '../context.js';
import { hasActivity, scanNestedArguments } from './pickle.js';
import { ELEMENT_SIZE } from './torch-legacy.js';

/** The members torch/serialization.py `_legacy_load.legacy_load` unpickles, in its order. */
export const TORCH_TAR_MEMBERS: readonly string[] = ['storages', 'tensors', 'pickle'];

/** Most dimensions read for one tensor record: torch reads any number, more is refused. */
const MAX_DIMS = 64;

/**
 * legacy_load's persistent_load for the `pickle` member: a tuple id `(cls, source_file,
 * source)` names a module class and loads as `saved_id[0]` (after comparing the source text,
 * which runs nothing); that class is a value the pickle built and is judged like any other.
 * String ids are tensor keys and stay opaque.
 */
export function tarPersistentLoad(pid: PValue): PValue | undefined {
  return pid.k === 'tuple' && pid.items.length > 0 ? pid.items[0] : undefined;
}

/** Reads a member's pickles one after another, skipping the raw bytes torch reads between them. */
class MemberWalk {
  readonly reader: ByteReader;
  readonly streams: PickleStream[] = [];

  constructor(
    source: ByteSource,
    private readonly ctx: ScanContext,
    private readonly persistentLoad?: (pid: PValue) => PValue | undefined,
  ) {
    this.reader = new ByteReader(source);
  }

  /** One pickle torch unpickles; its value, or undefined when the stream broke (walk ends). */
  pickle(): PValue | undefined {
    if (this.streams.length >= this.ctx.limits.maxStreamsPerMember) {
      throw new ModelgateError('LIMIT_ENTRIES', `more than ${this.ctx.limits.maxStreamsPerMember} pickle streams; the rest was not read`, { offset: this.reader.pos });
    }
    const stream = parsePickleStream(this.reader, { limits: this.ctx.limits, persistentLoad: this.persistentLoad });
    this.streams.push(stream);
    return stream.error ? undefined : stream.result;
  }

  /** Skips `count` bytes torch reads raw, refusing a count past the member's end. */
  skip(count: bigint, what: string): void {
    if (count < 0n) throw new ModelgateError('MALFORMED', `${what} has a negative size`, { offset: this.reader.pos });
    if (count > BigInt(this.reader.remaining)) throw new ModelgateError('TRUNCATED', `${what} of ${count} bytes runs past the end of the member`, { offset: this.reader.pos });
    this.reader.skip(Number(count));
  }

  /** torch reads nothing more; a careful reader still reads on while the bytes are pickles. */
  rest(): void {
    while (this.reader.pos < this.reader.end) {
      const at = this.reader.pos;
      const stream = parsePickleStream(this.reader, { limits: this.ctx.limits, persistentLoad: this.persistentLoad });
      if (!stream.error || hasActivity(stream)) {
        this.streams.push(stream);
        if (stream.error) return;
        if (this.streams.length >= this.ctx.limits.maxStreamsPerMember) throw new ModelgateError('LIMIT_ENTRIES', `more than ${this.ctx.limits.maxStreamsPerMember} pickle streams; the rest was not read`, { offset: this.reader.pos });
        continue;
      }
      this.ctx.report(TRAILING_DATA, { message: `${this.reader.end - at} bytes after what torch reads do not parse as a pickle`, location: { offset: at } });
      return;
    }
  }
}

function count(v: PValue, what: string, offset: number): number {
  // `range(n)` takes a bool as well as an int.
  if (v.k === 'bool') return v.v ? 1 : 0;
  if (v.k !== 'int' || BigInt(v.v) < 0n || BigInt(v.v) > BigInt(Number.MAX_SAFE_INTEGER)) throw new ModelgateError('MALFORMED', `${what} is not a count`, { offset });
  return Number(v.v);
}

function record(v: PValue, what: string, offset: number): PValue[] {
  if (v.k !== 'tuple' || v.items.length !== 3) throw new ModelgateError('MALFORMED', `${what} is not a 3-tuple`, { offset });
  return v.items;
}

/**
 * `storages`: a pickled count, then per storage a pickled (key, location, storage class), an
 * int64 element count and count × element size raw bytes (`_new_with_file`), then the pickled
 * storage views. Element sizes come from the class names, as torch's `storage_type.dtype`.
 */
function walkStorages(walk: MemberWalk): void {
  const n = walk.pickle();
  if (n === undefined) return;
  for (let i = 0, total = count(n, 'the storage count', walk.reader.pos); i < total; i++) {
    const args = walk.pickle();
    if (args === undefined) return;
    const cls = record(args, 'a storage record', walk.reader.pos)[2];
    const name = cls.k === 'global' ? cls.ref.resolvedName.split('.').pop() ?? '' : '';
    const size = ELEMENT_SIZE[name];
    if (size === undefined) throw new ModelgateError('UNSUPPORTED', `unknown storage class ${name || cls.k}: its raw bytes cannot be stepped over`, { offset: walk.reader.pos });
    if (walk.reader.remaining < 8) throw new ModelgateError('TRUNCATED', 'a storage has no element count', { offset: walk.reader.pos });
    const elements = walk.reader.i64le();
    walk.skip(elements * BigInt(size), `storage ${i}`);
  }
  if (walk.pickle() !== undefined) walk.rest();
}

/**
 * `tensors`: a pickled count, then per tensor a pickled (key, storage key, tensor class),
 * int32 ndim, 4 padding bytes, int64 sizes and strides (ndim each) and an int64 offset.
 */
function walkTensors(walk: MemberWalk): void {
  const n = walk.pickle();
  if (n === undefined) return;
  for (let i = 0, total = count(n, 'the tensor count', walk.reader.pos); i < total; i++) {
    const args = walk.pickle();
    if (args === undefined) return;
    record(args, 'a tensor record', walk.reader.pos);
    if (walk.reader.remaining < 8) throw new ModelgateError('TRUNCATED', `tensor ${i} has no dimensions`, { offset: walk.reader.pos });
    const at = walk.reader.pos;
    const ndim = walk.reader.i32le();
    if (ndim < 0 || ndim > MAX_DIMS) throw new ModelgateError('MALFORMED', `tensor ${i} has ${ndim} dimensions`, { offset: at });
    walk.reader.skip(4);
    walk.skip(BigInt(16 * ndim + 8), `tensor ${i}'s sizes and strides`);
  }
  walk.rest();
}

/**
 * Scans one member of a torch tar checkpoint the way legacy_load reads it: every pickle torch
 * unpickles is judged, raw storage and tensor bytes are skipped by their declared sizes, and
 * what follows is read on as pickles. Returns false, reporting nothing, when the member does
 * not begin with a pickle (torch fails at once there; the caller scans it as plain content).
 */
export function scanTorchTarMember(member: string, source: ByteSource, ctx: ScanContext): boolean {
  const walk = new MemberWalk(source, ctx, member === 'pickle' ? tarPersistentLoad : undefined);
  try {
    if (member === 'storages') walkStorages(walk);
    else if (member === 'tensors') walkTensors(walk);
    else if (walk.pickle() !== undefined) walk.rest();
  } catch (e) {
    ctx.fatal(e, `torch tar member ${member}`);
  }
  // A first stream that breaks at once, without PROTO or any activity, is not a pickle; the
  // walks report nothing before their first stream has parsed.
  const [first] = walk.streams;
  const proto = source.size >= 1 && source.read(0, 1)[0] === 0x80;
  if (first?.error && !hasActivity(first) && !proto) return false;
  judge(walk.streams, source, ctx);
  return true;
}

function judge(streams: PickleStream[], source: ByteSource, ctx: ScanContext): void {
  ctx.observer?.pickleStreams(ctx.target, source, streams);
  for (const s of streams) {
    ctx.runRules(PICKLE_RULES, s);
    scanNestedArguments(s, ctx);
  }
}
