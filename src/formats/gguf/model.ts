import type { ModelgateError } from '../../core/errors.js';
import type { ValueType } from './types.js';

/** A scalar metadata value; 64-bit integers stay exact. */
export type GgufScalar = number | bigint | boolean | string;

/** One metadata key/value pair. */
export interface GgufKv {
  key: string;
  type: ValueType;
  /** Offset of the key in the file. */
  offset: number;
  /** Offset of the value (for a string: of its bytes, after the length). */
  valueOffset: number;
  /** Scalars and strings up to the kept size; undefined for arrays and longer strings. */
  value?: GgufScalar;
  /** Bytes of a string value (also when it was too long to keep). */
  stringBytes?: number;
  /** For arrays: the element type and count (nested arrays give the outer count). */
  array?: { elementType: ValueType; length: number };
}

/** One tensor info (gguf.md `gguf_tensor_info_t`). */
export interface GgufTensor {
  name: string;
  dims: bigint[];
  /** ggml type code, and its name when known. */
  type: number;
  typeName?: string;
  /** Offset relative to the start of the tensor data. */
  offset: bigint;
  /** Bytes of data, when the type is known. */
  bytes?: bigint;
}

/** A tensor whose data leaves the file or overlaps another's. */
export interface TensorRangeProblem {
  kind: 'out-of-range' | 'overlap';
  tensor: string;
  message: string;
}

/** A GGUF header as read so far: complete unless `error` says where reading stopped. */
export interface GgufFile {
  size: number;
  version: number;
  bigEndian: boolean;
  tensorCount: bigint;
  kvCount: bigint;
  kvs: GgufKv[];
  tensors: GgufTensor[];
  /** `general.alignment`, or the default 32. */
  alignment: number;
  /** Where tensor data begins (after the tensor infos, aligned), once known. */
  dataStart?: number;
  /** Why reading stopped early; what was read before is still in the model. */
  error?: ModelgateError;
  /** Problems found in a header that was read (unknown types, misaligned offsets...). */
  issues: string[];
  /** Metadata keys that appear more than once. */
  duplicateKeys: string[];
  rangeProblems: TensorRangeProblem[];
}
