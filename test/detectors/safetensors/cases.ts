import { BufferSource } from '../../../src/core/byte-source.js';
import { buildSafetensors, type SafetensorsSpec } from '../../../src/formats/safetensors/builder.js';
import type { SafetensorsFile } from '../../../src/formats/safetensors/model.js';
import { parseSafetensors } from '../../../src/formats/safetensors/parse.js';

/** Builds a file from a spec and parses it, for rule tests. */
export const build = (spec: SafetensorsSpec): SafetensorsFile => parseSafetensors(new BufferSource(buildSafetensors(spec)));

/** Well-formed files: no rule but the summary reports anything. */
export const WELL_FORMED: Array<{ name: string; input: SafetensorsSpec }> = [
  { name: 'no tensors', input: {} },
  { name: 'one F32 matrix with metadata', input: { tensors: [{ name: 'w', dtype: 'F32', shape: [4, 3] }], metadata: { format: 'pt' } } },
  {
    name: 'mixed dtypes, a scalar and an empty tensor',
    input: {
      tensors: [
        { name: 'a', dtype: 'BF16', shape: [2, 2] },
        { name: 'b', dtype: 'I64', shape: [] },
        { name: 'c', dtype: 'F8_E4M3', shape: [0, 5] },
        { name: 'd', dtype: 'F4', shape: [4] },
      ],
    },
  },
];
