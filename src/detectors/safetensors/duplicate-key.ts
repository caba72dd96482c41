import type { SafetensorsFile } from '../../formats/safetensors/model.js';
import type { Rule } from '../types.js';

/** The same key twice in the header JSON: readers disagree on which one counts. */
export const duplicateKey: Rule<SafetensorsFile> = {
  meta: {
    id: 'safetensors/duplicate-key',
    defaultSeverity: 'high',
    title: 'safetensors header repeats a key',
    description:
      'A key appears twice in one object of the header JSON. serde_json and Python keep the last value, other readers the first or refuse the file, so a scanner and a loader can see different tensors: a parser differential that hides what is loaded.',
    docs: 'docs/rules/safetensors-duplicate-key.md',
    references: ['MITRE ATLAS AML.T0010', 'MITRE ATLAS AML.T0018', 'OWASP LLM03:2025', 'OWASP LLM04:2025', 'CWE-436'],
  },
  check(file, ctx) {
    if (file.duplicates.length === 0) return;
    ctx.report({
      message: `header repeats ${file.duplicates.length === 1 ? 'a key' : 'keys'}: ${file.duplicates.join(', ')}; readers disagree on which value counts`,
      location: { offset: 8 },
      evidence: file.duplicates[0],
    });
  },
};
