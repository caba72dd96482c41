import type { PValue } from '../pickle/model.js';
import type { StorageClass, TorchDtype } from './model.js';

/*
 * The one table of torch's element types and storage classes. The scanner steps over raw
 * storage bytes by these element sizes (legacy and tar checkpoints); conversion takes the
 * safetensors dtype from here, or refuses with the reason given here.
 */

const holds = (name: string, size: number, safetensors: string): TorchDtype => ({ name, size, safetensors });
const none = (name: string, size: number, unrepresentable: string): TorchDtype => ({ name, size, unrepresentable });
const quantized = (name: string, size: number): TorchDtype => ({
  name,
  size,
  unrepresentable: `quantized tensors (${name}) have no safetensors dtype`,
  quantized: true,
});

/**
 * torch dtypes by name (sizes as c10/core/ScalarType.h gives them), with
 * their safetensors dtypes as safetensors/bindings/python/py_src/safetensors/torch.py `_TYPES`
 * names them.
 */
export const TORCH_DTYPES: ReadonlyMap<string, TorchDtype> = new Map(
  [
    holds('float64', 8, 'F64'),
    holds('float32', 4, 'F32'),
    holds('float16', 2, 'F16'),
    holds('bfloat16', 2, 'BF16'),
    holds('int64', 8, 'I64'),
    holds('int32', 4, 'I32'),
    holds('int16', 2, 'I16'),
    holds('int8', 1, 'I8'),
    holds('uint8', 1, 'U8'),
    holds('uint16', 2, 'U16'),
    holds('uint32', 4, 'U32'),
    holds('uint64', 8, 'U64'),
    holds('bool', 1, 'BOOL'),
    holds('complex64', 8, 'C64'),
    holds('float8_e4m3fn', 1, 'F8_E4M3'),
    holds('float8_e5m2', 1, 'F8_E5M2'),
    holds('float8_e4m3fnuz', 1, 'F8_E4M3FNUZ'),
    holds('float8_e5m2fnuz', 1, 'F8_E5M2FNUZ'),
    holds('float8_e8m0fnu', 1, 'F8_E8M0'),
    none('complex128', 16, 'complex128 has no safetensors dtype'),
    none('complex32', 4, 'complex32 has no safetensors dtype'),
    none('float4_e2m1fn_x2', 1, 'float4_e2m1fn_x2 is not converted (its packed layout is not checked here)'),
    quantized('qint8', 1),
    quantized('quint8', 1),
    quantized('qint32', 4),
    quantized('quint4x2', 1),
    quantized('quint2x4', 1),
  ].map((d) => [d.name, d]),
);

function dtype(name: string): TorchDtype {
  const d = TORCH_DTYPES.get(name);
  if (d === undefined) throw new Error(`no torch dtype ${name} in the table`);
  return d;
}

const cls = (name: string, dtypeName: string, kind: StorageClass['kind'] = 'typed'): [string, StorageClass] => [name, { name, dtype: dtype(dtypeName), kind }];

/**
 * Storage classes by name: the typed classes of torch/storage.py `_dtype_to_storage_type_map`
 * (what `_legacy_save` and the tar format write, and what zip checkpoints before torch 2.0
 * name in their persistent ids), `UntypedStorage` (bytes; zip checkpoints since torch 2.0),
 * and two float8 names torch never defined, whose bytes the scanner steps over all the same.
 */
export const STORAGE_CLASSES: ReadonlyMap<string, StorageClass> = new Map([
  cls('DoubleStorage', 'float64'),
  cls('FloatStorage', 'float32'),
  cls('HalfStorage', 'float16'),
  cls('BFloat16Storage', 'bfloat16'),
  cls('LongStorage', 'int64'),
  cls('IntStorage', 'int32'),
  cls('ShortStorage', 'int16'),
  cls('CharStorage', 'int8'),
  cls('ByteStorage', 'uint8'),
  cls('BoolStorage', 'bool'),
  cls('ComplexDoubleStorage', 'complex128'),
  cls('ComplexFloatStorage', 'complex64'),
  cls('QUInt8Storage', 'quint8'),
  cls('QInt8Storage', 'qint8'),
  cls('QInt32Storage', 'qint32'),
  cls('QUInt4x2Storage', 'quint4x2'),
  cls('QUInt2x4Storage', 'quint2x4'),
  cls('UntypedStorage', 'uint8', 'untyped'),
  cls('Float8_e5m2Storage', 'float8_e5m2', 'not-in-torch'),
  cls('Float8_e4m3fnStorage', 'float8_e4m3fn', 'not-in-torch'),
]);

/**
 * The class name a storage-class value names, as the scanner reads it: the last part of a
 * global's resolved name, whatever its module (empty for anything but a global).
 */
export function storageClassName(v: PValue): string {
  return v.k === 'global' ? (v.ref.resolvedName.split('.').pop() ?? '') : '';
}

/** Bytes per element of the storage class `name`, or undefined when the table does not know it. */
export function storageElementSize(name: string): number | undefined {
  return STORAGE_CLASSES.get(name)?.dtype.size;
}
