import { duplicateKey } from '../../../src/detectors/safetensors/duplicate-key.js';
import { ruleTester } from '../../helpers/rule-tester.js';
import { build, WELL_FORMED } from './cases.js';

const t = (n: number) => `{"dtype":"U8","shape":[${n}],"data_offsets":[0,${n}]}`;

ruleTester(duplicateKey, build, {
  valid: WELL_FORMED,
  invalid: [
    {
      name: 'a tensor named twice',
      input: { rawHeader: `{"w":${t(1)},"w":${t(2)}}`, dataBytes: 2 },
      errors: [{ severity: 'high', evidence: 'w', message: 'readers disagree' }],
    },
    {
      name: '__metadata__ twice',
      input: { rawHeader: `{"__metadata__":{"a":"b"},"__metadata__":{"a":"c"}}` },
      errors: [{ severity: 'high', evidence: '__metadata__' }],
    },
    {
      name: 'a field twice inside an entry',
      input: { rawHeader: '{"w":{"dtype":"U8","dtype":"F32","shape":[1],"data_offsets":[0,1]}}', dataBytes: 4 },
      errors: [{ severity: 'high', evidence: 'w.dtype' }],
    },
  ],
});
