import { describe, expect, it } from 'vitest';
import { STORAGE_CLASSES, storageClassName, storageElementSize, TORCH_DTYPES } from '../../../src/formats/torch/dtypes.js';
import { STORAGE_CLASSES as CONVERTED_CLASSES, UNREPRESENTABLE, V3_DTYPES } from '../../../src/app/convert/dtypes.js';
import { DTYPE_BITS } from '../../../src/formats/safetensors/dtypes.js';

/** `torch.<Name>Storage().element_size()` for every storage class torch defines (torch 2.x). */
const TORCH_ELEMENT_SIZES: Record<string, number> = {
  DoubleStorage: 8,
  FloatStorage: 4,
  HalfStorage: 2,
  BFloat16Storage: 2,
  LongStorage: 8,
  IntStorage: 4,
  ShortStorage: 2,
  CharStorage: 1,
  ByteStorage: 1,
  BoolStorage: 1,
  ComplexDoubleStorage: 16,
  ComplexFloatStorage: 8,
  QUInt8Storage: 1,
  QInt8Storage: 1,
  QInt32Storage: 4,
  QUInt4x2Storage: 1,
  QUInt2x4Storage: 1,
  UntypedStorage: 1,
};

describe('the torch storage-class table', () => {
  it('sizes every class torch defines as torch does', () => {
    for (const [name, size] of Object.entries(TORCH_ELEMENT_SIZES)) expect([name, storageElementSize(name)]).toEqual([name, size]);
    const defined = [...STORAGE_CLASSES.values()].filter((c) => c.kind !== 'not-in-torch').map((c) => c.name);
    expect(defined.sort()).toEqual(Object.keys(TORCH_ELEMENT_SIZES).sort());
  });

  it('gives every dtype a safetensors dtype of the same size, or the reason there is none', () => {
    for (const d of TORCH_DTYPES.values()) {
      expect([d.name, d.safetensors === undefined, d.unrepresentable === undefined]).toEqual([
        d.name,
        d.unrepresentable !== undefined,
        d.safetensors !== undefined,
      ]);
      if (d.safetensors !== undefined) expect([d.name, DTYPE_BITS.get(d.safetensors)]).toEqual([d.name, d.size * 8]);
    }
  });

  it('does not know a class it has no row for', () => {
    expect(storageElementSize('MysteryStorage')).toBeUndefined();
    expect(storageElementSize('')).toBeUndefined();
  });

  it('names a class by the last part of a global, whatever its module', () => {
    const global = (module: string, name: string) =>
      ({ k: 'global', ref: { module, name, path: `${module}.${name}`, resolvedModule: module, resolvedName: name } }) as never;
    expect(storageClassName(global('torch', 'FloatStorage'))).toBe('FloatStorage');
    expect(storageClassName(global('torch.cuda', 'HalfStorage'))).toBe('HalfStorage');
    expect(storageClassName({ k: 'str', v: 'FloatStorage' })).toBe('');
  });
});

describe("conversion's view of the table", () => {
  it('converts the typed classes safetensors can hold, and no others', () => {
    expect([...CONVERTED_CLASSES.keys()].sort()).toEqual(
      [
        'BFloat16Storage',
        'BoolStorage',
        'ByteStorage',
        'CharStorage',
        'ComplexFloatStorage',
        'DoubleStorage',
        'FloatStorage',
        'HalfStorage',
        'IntStorage',
        'LongStorage',
        'ShortStorage',
      ].sort(),
    );
    expect(CONVERTED_CLASSES.get('BFloat16Storage')).toMatchObject({ name: 'bfloat16', safetensors: 'BF16', size: 2 });
  });

  it('takes the dtypes _rebuild_tensor_v3 names, quantized ones left out', () => {
    expect(V3_DTYPES.get('float8_e4m3fn')).toMatchObject({ safetensors: 'F8_E4M3', size: 1 });
    expect(V3_DTYPES.get('uint64')).toMatchObject({ safetensors: 'U64', size: 8 });
    expect(V3_DTYPES.has('qint8')).toBe(false);
    expect(V3_DTYPES.has('complex128')).toBe(false);
  });

  it('refuses with a reason the classes and dtypes safetensors cannot hold', () => {
    expect(UNREPRESENTABLE.get('ComplexDoubleStorage')).toBe('complex128 has no safetensors dtype');
    expect(UNREPRESENTABLE.get('QInt8Storage')).toBe('quantized tensors (qint8) have no safetensors dtype');
    expect(UNREPRESENTABLE.get('complex32')).toBe('complex32 has no safetensors dtype');
    expect(UNREPRESENTABLE.has('float4_e2m1fn_x2')).toBe(true);
    // A bare quantized dtype is outside the allow-list (CONVERT_REFUSED), not unrepresentable.
    expect(UNREPRESENTABLE.has('qint8')).toBe(false);
    // Names torch never defined are unknown to conversion.
    expect(UNREPRESENTABLE.has('Float8_e5m2Storage')).toBe(false);
    expect(CONVERTED_CLASSES.has('Float8_e5m2Storage')).toBe(false);
  });
});
