/**
 * GGUF value types and ggml tensor types (ggml docs/gguf.md "File Structure"; block sizes and
 * bytes per block from ggml's type traits, as gguf-py's GGML_QUANT_SIZES lists them).
 */

/** `gguf_metadata_value_type`, indexed by its code. */
export const VALUE_TYPES = ['uint8', 'int8', 'uint16', 'int16', 'uint32', 'int32', 'float32', 'bool', 'string', 'array', 'uint64', 'int64', 'float64'] as const;
export type ValueType = (typeof VALUE_TYPES)[number];

/** Bytes of one scalar value; strings and arrays have their own encoding. */
export const SCALAR_BYTES: Partial<Record<ValueType, number>> = {
  uint8: 1,
  int8: 1,
  bool: 1,
  uint16: 2,
  int16: 2,
  uint32: 4,
  int32: 4,
  float32: 4,
  uint64: 8,
  int64: 8,
  float64: 8,
};

/** A ggml tensor type: elements per block and bytes per block. */
export interface GgmlType {
  name: string;
  blockSize: number;
  typeSize: number;
}

const t = (name: string, blockSize: number, typeSize: number): GgmlType => ({ name, blockSize, typeSize });

/**
 * `ggml_type` codes. 4 and 5 (Q4_2, Q4_3) were removed before GGUF and are unknown; 31-33 and
 * 36-38 (the Q4_0_4_4 / IQ4_NL_4_4 repacked types) were removed later but old files carry them.
 */
export const GGML_TYPES: ReadonlyMap<number, GgmlType> = new Map([
  [0, t('F32', 1, 4)],
  [1, t('F16', 1, 2)],
  [2, t('Q4_0', 32, 18)],
  [3, t('Q4_1', 32, 20)],
  [6, t('Q5_0', 32, 22)],
  [7, t('Q5_1', 32, 24)],
  [8, t('Q8_0', 32, 34)],
  [9, t('Q8_1', 32, 40)],
  [10, t('Q2_K', 256, 84)],
  [11, t('Q3_K', 256, 110)],
  [12, t('Q4_K', 256, 144)],
  [13, t('Q5_K', 256, 176)],
  [14, t('Q6_K', 256, 210)],
  [15, t('Q8_K', 256, 292)],
  [16, t('IQ2_XXS', 256, 66)],
  [17, t('IQ2_XS', 256, 74)],
  [18, t('IQ3_XXS', 256, 98)],
  [19, t('IQ1_S', 256, 50)],
  [20, t('IQ4_NL', 32, 18)],
  [21, t('IQ3_S', 256, 110)],
  [22, t('IQ2_S', 256, 82)],
  [23, t('IQ4_XS', 256, 136)],
  [24, t('I8', 1, 1)],
  [25, t('I16', 1, 2)],
  [26, t('I32', 1, 4)],
  [27, t('I64', 1, 8)],
  [28, t('F64', 1, 8)],
  [29, t('IQ1_M', 256, 56)],
  [30, t('BF16', 1, 2)],
  [31, t('Q4_0_4_4', 32, 18)],
  [32, t('Q4_0_4_8', 32, 18)],
  [33, t('Q4_0_8_8', 32, 18)],
  [34, t('TQ1_0', 256, 54)],
  [35, t('TQ2_0', 256, 66)],
  [36, t('IQ4_NL_4_4', 32, 18)],
  [37, t('IQ4_NL_4_8', 32, 18)],
  [38, t('IQ4_NL_8_8', 32, 18)],
  [39, t('MXFP4', 32, 17)],
  [40, t('NVFP4', 64, 36)],
  [41, t('Q1_0', 128, 18)],
]);
