import { invalidHeader } from '../../../src/detectors/safetensors/invalid-header.js';
import { ruleTester } from '../../helpers/rule-tester.js';
import { build, WELL_FORMED } from './cases.js';

ruleTester(invalidHeader, build, {
  valid: [
    ...WELL_FORMED,
    { name: 'gaps and overlaps are another rule', input: { tensors: [{ name: 'a', dtype: 'U8', shape: [1], offsets: [5, 6] }], dataBytes: 6 } },
  ],
  invalid: [
    {
      name: 'unknown dtype',
      input: { tensors: [{ name: 't', dtype: 'I4', shape: [2] }] },
      errors: [{ severity: 'low', fatal: true, code: 'MALFORMED', message: 'unknown dtype' }],
    },
    {
      name: 'shape × dtype differs from the range',
      input: { tensors: [{ name: 't', dtype: 'F16', shape: [3], offsets: [0, 8] }], dataBytes: 8 },
      errors: [{ severity: 'low', fatal: true, message: 'needs 6 bytes but data_offsets span 8' }],
    },
    { name: '__metadata__ with a list', input: { metadata: { a: ['b'] } }, errors: [{ severity: 'low', fatal: true, message: '__metadata__' }] },
    {
      name: 'entries of the wrong type',
      input: { rawHeader: '{"a":{"dtype":1,"shape":[1],"data_offsets":[0,1]},"b":{"dtype":"U8","shape":1,"data_offsets":[0,1]}}', dataBytes: 1 },
      errors: [{ severity: 'low', fatal: true, message: 'a: dtype is not a string; b: shape' }],
    },
  ],
});
