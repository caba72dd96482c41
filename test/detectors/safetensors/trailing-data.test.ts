import { trailingData } from '../../../src/detectors/safetensors/trailing-data.js';
import { ruleTester } from '../../helpers/rule-tester.js';
import { build, WELL_FORMED } from './cases.js';

ruleTester(trailingData, build, {
  valid: WELL_FORMED,
  invalid: [
    {
      name: 'bytes after the last tensor',
      input: { tensors: [{ name: 'w', dtype: 'U8', shape: [4] }], trailing: Buffer.from('PK\u0003\u0004') },
      errors: [{ severity: 'medium', message: '4 bytes after the last tensor' }],
    },
    { name: 'bytes and no tensors', input: { trailing: Buffer.from('x') }, errors: [{ severity: 'medium', message: '1 bytes after the last tensor' }] },
    {
      name: 'a gap between tensors, and a gap before the first',
      input: {
        tensors: [
          { name: 'a', dtype: 'U8', shape: [2], offsets: [2, 4] },
          { name: 'b', dtype: 'U8', shape: [2], offsets: [6, 8] },
        ],
      },
      errors: [
        { severity: 'medium', message: '2 bytes between tensors' },
        { severity: 'medium', message: '2 bytes between tensors' },
      ],
    },
    {
      name: 'more gaps than are scanned',
      input: {
        tensors: Array.from({ length: 20 }, (_, i) => ({ name: `t${i}`, dtype: 'U8', shape: [1], offsets: [i * 2 + 1, i * 2 + 2] as [number, number] })),
      },
      errors: [...Array.from({ length: 16 }, () => ({ severity: 'medium' as const })), { severity: 'medium', message: '4 more unclaimed ranges' }],
    },
  ],
});
