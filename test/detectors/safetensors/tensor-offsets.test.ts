import { tensorOffsets } from '../../../src/detectors/safetensors/tensor-offsets.js';
import { ruleTester } from '../../helpers/rule-tester.js';
import { build, WELL_FORMED } from './cases.js';

ruleTester(tensorOffsets, build, {
  valid: [
    ...WELL_FORMED,
    {
      name: 'entries out of order in the header but tiling the data',
      input: {
        tensors: [
          { name: 'b', dtype: 'U8', shape: [2], offsets: [2, 4] },
          { name: 'a', dtype: 'U8', shape: [2], offsets: [0, 2] },
        ],
      },
    },
  ],
  invalid: [
    {
      name: 'range past the data',
      input: { tensors: [{ name: 'w', dtype: 'U8', shape: [8] }], dataBytes: 4 },
      errors: [{ severity: 'high', evidence: 'w', message: 'the data holds 4 bytes' }],
    },
    {
      name: 'range at 2^62',
      input: { tensors: [{ name: 'w', dtype: 'U8', shape: [1], offsets: [2n ** 62n, 2n ** 62n + 1n] }] },
      errors: [{ severity: 'high', message: String(2n ** 62n) }],
    },
    {
      name: 'two tensors sharing bytes',
      input: {
        tensors: [
          { name: 'a', dtype: 'U8', shape: [4], offsets: [0, 4] },
          { name: 'b', dtype: 'U8', shape: [4], offsets: [2, 6] },
        ],
        dataBytes: 6,
      },
      errors: [{ severity: 'high', evidence: 'b', message: 'overlaps a' }],
    },
    {
      name: 'a range that runs backwards',
      input: { rawHeader: '{"r":{"dtype":"U8","shape":[0],"data_offsets":[4,0]}}', dataBytes: 4 },
      errors: [{ severity: 'high', message: 'ends (0) before it begins (4)' }],
    },
  ],
});
