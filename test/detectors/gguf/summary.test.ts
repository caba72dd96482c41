import { summary } from '../../../src/detectors/gguf/summary.js';
import { ruleTester } from '../../helpers/rule-tester.js';
import { build, str } from './cases.js';

ruleTester(summary, build, {
  valid: [
    { name: 'none for a broken header', input: { kvCount: 3n } },
    { name: 'none for a header that breaks the spec', input: { tensors: [{ name: 'w', dims: [4], type: 77 }] } },
  ],
  invalid: [
    {
      name: 'empty',
      input: {},
      errors: [{ severity: 'info', message: 'GGUF v3; architecture unknown; 0 tensors (none); 0 metadata entries; no chat template' }],
    },
    {
      name: 'architecture, types and chat templates',
      input: {
        bigEndian: true,
        kvs: [
          { key: 'general.architecture', value: str('qwen2') },
          { key: 'general.name', value: str('tiny') },
          { key: 'tokenizer.chat_template', value: str('{{ x }}') },
          { key: 'tokenizer.chat_template.rag', value: str('{{ y }}') },
        ],
        tensors: [
          { name: 'a', dims: [32], type: 8 },
          { name: 'b', dims: [4] },
        ],
      },
      errors: [
        {
          severity: 'info',
          message:
            'GGUF v3 (big-endian); architecture qwen2; name tiny; 2 tensors (Q8_0×1, F32×1); 4 metadata entries; chat templates: tokenizer.chat_template, tokenizer.chat_template.rag',
          evidence: 'tensors=2',
        },
      ],
    },
  ],
});
