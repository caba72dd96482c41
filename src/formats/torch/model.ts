/**
 * What modelgate reads of torch's checkpoint formats: the element types of its storages, the
 * storage records a checkpoint pickle refers to, and the raw layout of the legacy (pre-1.6)
 * and tar (torch ≤ 0.3) formats, which put bytes torch reads raw between their pickles.
 */
import type { PickleStream, PValue } from '../pickle/model.js';

/** One torch element type (a `torch.dtype`), and what safetensors makes of it. */
export interface TorchDtype {
  /** torch's dtype name: `float32`, `float8_e4m3fn`... */
  name: string;
  /** Bytes per element. */
  size: number;
  /** The safetensors dtype string (safetensors torch.py `_TYPES`), when safetensors has one. */
  safetensors?: string;
  /** Why safetensors cannot hold it; set exactly when `safetensors` is not. */
  unrepresentable?: string;
  /** Quantized: rebuilt by `_rebuild_qtensor`, never named as the dtype of `_rebuild_tensor_v3`. */
  quantized?: boolean;
}

/**
 * A storage class as a checkpoint pickle names it (`torch.FloatStorage`): `typed` classes are
 * those torch/storage.py defines for one dtype; `untyped` is `UntypedStorage`, raw bytes whose
 * dtype the tensor rebuild names; `not-in-torch` names torch never defined, whose bytes the
 * scanner still steps over by their element size (conversion does not know them).
 */
export interface StorageClass {
  /** The class name, without its module: `FloatStorage`. */
  name: string;
  /** Its element type (`uint8` bytes for UntypedStorage). */
  dtype: TorchDtype;
  kind: 'typed' | 'untyped' | 'not-in-torch';
}

/**
 * A storage persistent id, `('storage', storage_type, key, location, numel[, view_metadata])`
 * (torch/serialization.py `persistent_id`): the zip format writes five items, the legacy
 * format six.
 */
export interface StorageId {
  /** The storage class value (a global such as `torch.FloatStorage`, whatever the pickle built). */
  storageClass: PValue;
  key: string;
  /** Every item of the id, the tag included. */
  items: PValue[];
}

/** One raw storage of a legacy checkpoint: an int64 element count, then its bytes. */
export interface LegacyStorage {
  key: string;
  elements: bigint;
  /** Offset of the element count. */
  countOffset: number;
  /** Offset of the first data byte. */
  dataOffset: number;
  /** Data bytes: elements × element size. */
  bytes: number;
}

/** One storage of a tar checkpoint's `storages` member: its pickled record and raw bytes. */
export interface TarStorage {
  /** The pickle of `(key, location, storage_type)`. */
  stream: PickleStream;
  key: PValue;
  location: PValue;
  storageClass: PValue;
  elements: bigint;
  /** Offset of the first data byte in the member. */
  dataOffset: number;
  /** Data bytes: elements × element size. */
  bytes: number;
}

/** One tensor of a tar checkpoint's `tensors` member: its pickled record and raw geometry. */
export interface TarTensor {
  /** The pickle of `(key, storage_key, tensor_type)`. */
  stream: PickleStream;
  key: PValue;
  storageKey: PValue;
  tensorClass: PValue;
  shape: bigint[];
  stride: bigint[];
  storageOffset: bigint;
}

/** Bytes after what torch reads that do not parse as a pickle. */
export interface TrailingBytes {
  offset: number;
  bytes: number;
}
