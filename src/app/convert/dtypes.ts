import { STORAGE_CLASSES as TORCH_STORAGE_CLASSES, TORCH_DTYPES } from '../../formats/torch/dtypes.js';
import type { TorchDtype } from '../../formats/torch/model.js';

/*
 * Conversion's view of torch's element types (the one table is src/formats/torch/dtypes.ts):
 * which storage classes and `_rebuild_tensor_v3` dtypes it converts, to which safetensors
 * dtype, and what it refuses and why.
 */

/** A torch element type safetensors can hold. */
export type ElementType = TorchDtype & { safetensors: string };

const holdable = (d: TorchDtype): d is ElementType => d.safetensors !== undefined;

/** Typed storage classes `torch.<Name>Storage`, as `_rebuild_tensor_v2` receives them, that safetensors can hold. */
export const STORAGE_CLASSES: ReadonlyMap<string, ElementType> = new Map(
  [...TORCH_STORAGE_CLASSES.values()].flatMap((c) => (c.kind === 'typed' && holdable(c.dtype) ? [[c.name, c.dtype] as const] : [])),
);

/**
 * Dtypes `_rebuild_tensor_v3` names (its storage is a `torch.UntypedStorage`) that safetensors
 * can hold; typed storages named by dtype are the same bytes. Quantized dtypes are never named
 * there (`_rebuild_qtensor` rebuilds those).
 */
export const V3_DTYPES: ReadonlyMap<string, ElementType> = new Map(
  [...TORCH_DTYPES.values()].flatMap((d) => (!d.quantized && holdable(d) ? [[d.name, d] as const] : [])),
);

/**
 * Element types torch stores but safetensors cannot hold, by storage class and by the dtype
 * name `_rebuild_tensor_v3` would give, with the reason given on refusal. Quantized tensors are
 * rebuilt by `_rebuild_qtensor`, outside the conversion allow-list.
 */
export const UNREPRESENTABLE: ReadonlyMap<string, string> = new Map([
  ...[...TORCH_STORAGE_CLASSES.values()].flatMap((c) =>
    c.kind === 'typed' && c.dtype.unrepresentable !== undefined ? [[c.name, c.dtype.unrepresentable] as const] : [],
  ),
  ...[...TORCH_DTYPES.values()].flatMap((d) => (!d.quantized && d.unrepresentable !== undefined ? [[d.name, d.unrepresentable] as const] : [])),
]);

/**
 * The order in which safetensors 0.8 lays tensors out: by dtype, largest first in the crate's
 * `Dtype` enum order (safetensors/src/tensor.rs, `prepare` sorts by dtype descending, then by
 * name), so every tensor stays aligned to its element size. Measured against real output in
 * test/fixtures/convert.
 */
export const SAFETENSORS_DTYPE_ORDER: readonly string[] = [
  'BOOL',
  'U8',
  'I8',
  'F8_E5M2',
  'F8_E4M3',
  'F8_E8M0',
  'F8_E4M3FNUZ',
  'F8_E5M2FNUZ',
  'I16',
  'U16',
  'F16',
  'BF16',
  'I32',
  'U32',
  'F32',
  'C64',
  'F64',
  'I64',
  'U64',
];
