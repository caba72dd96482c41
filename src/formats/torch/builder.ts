import { pickle } from '../pickle/builder.js';
import { LEGACY_MAGIC } from './legacy.js';

/**
 * Test-only: emits torch checkpoint bytes from a typed description, laid out as
 * torch/serialization.py `_legacy_save` writes the legacy format and as `legacy_load` reads the
 * tar format's `storages` and `tensors` members. Nothing is validated: a test may declare a
 * count that disagrees with the bytes, a class torch does not have or a truncated layout.
 */

const i64 = (n: number | bigint): Buffer => {
  const b = Buffer.alloc(8);
  b.writeBigInt64LE(BigInt(n));
  return b;
};
const i32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeInt32LE(n);
  return b;
};

/** A pickled count, as legacy_load reads the number of storages or tensors. */
export const countPickle = (n: number): Buffer => pickle().proto(2).binint(n).stop().bytes();

/** One raw storage: its class, the element count written before it, and its bytes. */
export interface StorageSpec {
  key: string;
  /** `torch.<cls>`; FloatStorage by default. */
  cls?: string;
  /** The int64 element count written before the bytes. */
  elements: number | bigint;
  /** Bytes per element for the filler data (4 by default); ignored when `data` is given. */
  elementSize?: number;
  /** The raw bytes; `elements × elementSize` bytes of `.` by default. */
  data?: Buffer;
}

const storageData = (s: StorageSpec): Buffer => s.data ?? Buffer.alloc(Number(s.elements) * (s.elementSize ?? 4), 0x2e);

/**
 * A tar checkpoint's `storages` member: a pickled count, per storage a pickled (key, 'cpu',
 * torch.<cls>), an int64 element count and the bytes, then `views` (an empty list by default).
 */
export function tarStoragesMember(storages: readonly StorageSpec[], views = pickle().proto(2).emptyList().stop().bytes()): Buffer {
  const parts = [countPickle(storages.length)];
  for (const s of storages) {
    parts.push(
      pickle()
        .proto(2)
        .str(s.key)
        .str('cpu')
        .global('torch', s.cls ?? 'FloatStorage')
        .tuple3()
        .stop()
        .bytes(),
      i64(s.elements),
      storageData(s),
    );
  }
  return Buffer.concat([...parts, views]);
}

/** One tensor record of a tar checkpoint. */
export interface TarTensorSpec {
  key: string;
  storage: string;
  shape: number[];
  /** All ones by default. */
  stride?: number[];
  offset?: number;
  /** The ndim written, when it should disagree with the shape. */
  ndim?: number;
}

/**
 * A tar checkpoint's `tensors` member: a pickled count, then per tensor a pickled (key,
 * storage key, torch.FloatTensor), int32 ndim, 4 padding bytes, int64 sizes and strides and an
 * int64 storage offset.
 */
export function tarTensorsMember(tensors: readonly TarTensorSpec[]): Buffer {
  const parts = [countPickle(tensors.length)];
  for (const t of tensors) {
    parts.push(pickle().proto(2).str(t.key).str(t.storage).global('torch', 'FloatTensor').tuple3().stop().bytes());
    parts.push(i32(t.ndim ?? t.shape.length), Buffer.alloc(4), ...t.shape.map(i64), ...(t.stride ?? t.shape.map(() => 1)).map(i64), i64(t.offset ?? 0));
  }
  return Buffer.concat(parts);
}

/** A legacy checkpoint: a state dict of one tensor per storage, and what follows the pickles. */
export interface LegacySpec {
  storages: ReadonlyArray<StorageSpec & { numel?: number }>;
  /** The storage-key list written; the storages' keys by default. */
  keys?: string[];
  /** Bytes written after the storages. */
  tail?: Buffer;
}

/**
 * The five pickles `_legacy_save` writes (magic number, protocol version 1001, sys_info, the
 * object, the storage keys), then per key an int64 element count and the bytes. The object
 * maps each key to its persistent id `('storage', torch.<cls>, key, 'cpu', numel, None)`.
 */
export function legacyCheckpoint(spec: LegacySpec): Buffer {
  const main = pickle().proto(2).emptyDict();
  for (const s of spec.storages) {
    main
      .str(s.key)
      .mark()
      .str('storage')
      .global('torch', s.cls ?? 'FloatStorage')
      .str(s.key)
      .str('cpu')
      .binint(s.numel ?? Number(s.elements))
      .none()
      .tuple()
      .binpersid()
      .setitem();
  }
  const keys = pickle().proto(2).emptyList().mark();
  for (const key of spec.keys ?? spec.storages.map((s) => s.key)) keys.str(key);
  return Buffer.concat([
    pickle().proto(2).long1(LEGACY_MAGIC).stop().bytes(),
    pickle().proto(2).binint(1001).stop().bytes(),
    pickle().proto(2).emptyDict().str('protocol_version').binint(1001).setitem().str('little_endian').newtrue().setitem().stop().bytes(),
    main.stop().bytes(),
    keys.appends().stop().bytes(),
    ...spec.storages.flatMap((s) => [i64(s.elements), storageData(s)]),
    spec.tail ?? Buffer.alloc(0),
  ]);
}
