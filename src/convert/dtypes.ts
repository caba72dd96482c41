/**
 * Torch element types as a checkpoint's pickle names them, and the safetensors dtype each
 * becomes. Names follow torch/storage.py `_dtype_to_storage_type_map` (the typed storage
 * classes `_rebuild_tensor_v2` receives) and torch's dtype names (the `dtype` argument of
 * `_rebuild_tensor_v3`, used for dtypes without a storage class); safetensors names follow
 * safetensors/bindings/python/py_src/safetensors/torch.py `_TYPES`.
 */
export interface ElementType {
  /** The torch dtype name (`float32`, `float8_e4m3fn`...). */
  torch: string;
  /** The safetensors dtype string. */
  safetensors: string;
  /** Bytes per element. */
  size: number;
}

const T = (torch: string, safetensors: string, size: number): ElementType => ({ torch, safetensors, size });

/** Storage classes `torch.<Name>Storage` as `_rebuild_tensor_v2` receives them. */
export const STORAGE_CLASSES: ReadonlyMap<string, ElementType> = new Map([
  ['DoubleStorage', T('float64', 'F64', 8)],
  ['FloatStorage', T('float32', 'F32', 4)],
  ['HalfStorage', T('float16', 'F16', 2)],
  ['BFloat16Storage', T('bfloat16', 'BF16', 2)],
  ['LongStorage', T('int64', 'I64', 8)],
  ['IntStorage', T('int32', 'I32', 4)],
  ['ShortStorage', T('int16', 'I16', 2)],
  ['CharStorage', T('int8', 'I8', 1)],
  ['ByteStorage', T('uint8', 'U8', 1)],
  ['BoolStorage', T('bool', 'BOOL', 1)],
  ['ComplexFloatStorage', T('complex64', 'C64', 8)],
]);

/** Dtypes `_rebuild_tensor_v3` names (its storage is a `torch.UntypedStorage`). */
export const V3_DTYPES: ReadonlyMap<string, ElementType> = new Map(
  [
    T('float8_e4m3fn', 'F8_E4M3', 1),
    T('float8_e5m2', 'F8_E5M2', 1),
    T('float8_e4m3fnuz', 'F8_E4M3FNUZ', 1),
    T('float8_e5m2fnuz', 'F8_E5M2FNUZ', 1),
    T('float8_e8m0fnu', 'F8_E8M0', 1),
    T('uint16', 'U16', 2),
    T('uint32', 'U32', 4),
    T('uint64', 'U64', 8),
    // Typed storages named by dtype are accepted too: the same bytes.
    ...[...STORAGE_CLASSES.values()],
  ].map((t) => [t.torch, t]),
);

/**
 * Element types torch stores but safetensors cannot hold, with the reason given on refusal.
 * Quantized tensors are rebuilt by `_rebuild_qtensor`, outside the conversion allow-list.
 */
export const UNREPRESENTABLE: ReadonlyMap<string, string> = new Map([
  ['ComplexDoubleStorage', 'complex128 has no safetensors dtype'],
  ['complex128', 'complex128 has no safetensors dtype'],
  ['complex32', 'complex32 has no safetensors dtype'],
  ['QInt8Storage', 'quantized tensors (qint8) have no safetensors dtype'],
  ['QUInt8Storage', 'quantized tensors (quint8) have no safetensors dtype'],
  ['QInt32Storage', 'quantized tensors (qint32) have no safetensors dtype'],
  ['QUInt4x2Storage', 'quantized tensors (quint4x2) have no safetensors dtype'],
  ['QUInt2x4Storage', 'quantized tensors (quint2x4) have no safetensors dtype'],
  ['float4_e2m1fn_x2', 'float4_e2m1fn_x2 is not converted (its packed layout is not checked here)'],
]);

/**
 * The order in which safetensors 0.8 lays tensors out: by dtype, largest first in the crate's
 * `Dtype` enum order (safetensors/src/tensor.rs, `prepare` sorts by dtype descending, then by
 * name), so every tensor stays aligned to its element size. Measured against real output in
 * test/fixtures/convert.
 */
export const SAFETENSORS_DTYPE_ORDER: readonly string[] = [
  'BOOL', 'U8', 'I8', 'F8_E5M2', 'F8_E4M3', 'F8_E8M0', 'F8_E4M3FNUZ', 'F8_E5M2FNUZ',
  'I16', 'U16', 'F16', 'BF16', 'I32', 'U32', 'F32', 'C64', 'F64', 'I64', 'U64',
];
