import { summary } from '../../../src/detectors/safetensors/summary.js';
import { ruleTester } from '../../helpers/rule-tester.js';
import { build } from './cases.js';

ruleTester(summary, build, {
  valid: [{ name: 'no summary for a header with invalid entries', input: { tensors: [{ name: 't', dtype: 'Q8', shape: [1] }] } }],
  invalid: [
    { name: 'empty', input: {}, errors: [{ severity: 'info', message: '0 tensors (none), 0 parameters' }] },
    {
      name: 'counts tensors, dtypes and parameters',
      input: {
        tensors: [
          { name: 'a', dtype: 'F32', shape: [4, 3] },
          { name: 'b', dtype: 'F32', shape: [3] },
          { name: 'c', dtype: 'I64', shape: [] },
        ],
        metadata: { format: 'pt' },
      },
      errors: [{ severity: 'info', message: '3 tensors (F32×2, I64×1), 16 parameters', evidence: 'parameters=16' }],
    },
    {
      name: 'still summarised beside other findings',
      input: { tensors: [{ name: 'a', dtype: 'U8', shape: [1] }], trailing: Buffer.from('zz') },
      errors: [{ severity: 'info' }],
    },
  ],
});
