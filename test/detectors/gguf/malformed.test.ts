import { malformed } from '../../../src/detectors/gguf/malformed.js';
import { ruleTester } from '../../helpers/rule-tester.js';
import { build, str, WELL_FORMED } from './cases.js';

ruleTester(malformed, build, {
  valid: WELL_FORMED,
  invalid: [
    { name: 'unsupported version', input: { version: 7 }, errors: [{ severity: 'low', fatal: true, code: 'UNSUPPORTED' }] },
    {
      name: 'a count the file cannot hold',
      input: { kvCount: 1000n },
      errors: [{ severity: 'low', fatal: true, code: 'TRUNCATED', message: '0 metadata entries' }],
    },
    {
      name: 'unknown ggml type',
      input: { tensors: [{ name: 'w', dims: [4], type: 5 }] },
      errors: [{ severity: 'low', fatal: true, code: 'MALFORMED', message: 'unknown ggml type 5' }],
    },
    {
      name: 'alignment that is not a power of two',
      input: { kvs: [{ key: 'general.alignment', value: { type: 'uint32', value: 0 } }] },
      errors: [{ severity: 'low', fatal: true, code: 'MALFORMED', message: 'general.alignment' }],
    },
    {
      name: 'alignment of the wrong type',
      input: { kvs: [{ key: 'general.alignment', value: { type: 'uint64', value: 32n } }] },
      errors: [{ severity: 'low', fatal: true, message: 'uint64' }],
    },
    {
      name: 'a metadata key twice (graded up: loaders disagree)',
      input: {
        kvs: [
          { key: 'tokenizer.chat_template', value: str('a') },
          { key: 'tokenizer.chat_template', value: str('b') },
        ],
      },
      errors: [{ severity: 'medium', evidence: 'tokenizer.chat_template', message: 'loaders disagree' }],
    },
    {
      name: 'a break and spec problems before it',
      input: {
        tensors: [
          { name: 'w', dims: [4], offset: 3 },
          { name: 'x', dims: [1, 1, 1, 1, 1] },
        ],
      },
      errors: [
        { severity: 'low', fatal: true, code: 'MALFORMED', message: '5 dimensions' },
        { severity: 'low', fatal: true, code: 'MALFORMED', message: 'not a multiple of the alignment' },
      ],
    },
  ],
});
