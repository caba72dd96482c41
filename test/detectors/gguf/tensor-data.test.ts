import { tensorData } from '../../../src/detectors/gguf/tensor-data.js';
import { ruleTester } from '../../helpers/rule-tester.js';
import { build, WELL_FORMED } from './cases.js';

ruleTester(tensorData, build, {
  valid: [
    ...WELL_FORMED,
    {
      name: 'tensors out of order but apart',
      input: {
        tensors: [
          { name: 'b', dims: [8], offset: 32 },
          { name: 'a', dims: [8], offset: 0 },
        ],
      },
    },
  ],
  invalid: [
    {
      name: 'data cut off',
      input: { tensors: [{ name: 'w', dims: [64] }], dataBytes: 100 },
      errors: [{ severity: 'high', evidence: 'w', message: 'runs past the end of the file' }],
    },
    { name: 'offset 2^62', input: { tensors: [{ name: 'w', dims: [1], offset: 2n ** 62n }] }, errors: [{ severity: 'high', message: String(2n ** 62n) }] },
    {
      name: 'two tensors on the same bytes',
      input: {
        tensors: [
          { name: 'a', dims: [16] },
          { name: 'b', dims: [16], offset: 0 },
        ],
      },
      errors: [{ severity: 'high', evidence: 'b', message: 'overlaps a' }],
    },
  ],
});
