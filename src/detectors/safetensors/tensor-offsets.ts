import type { SafetensorsFile } from '../../formats/safetensors/model.js';
import type { Rule } from '../types.js';

/** Problems named in the message before they are only counted. */
const MAX_LISTED = 10;

/** Byte ranges that leave the data, run backwards or overlap: parser differentials. */
export const tensorOffsets: Rule<SafetensorsFile> = {
  meta: {
    id: 'safetensors/tensor-offsets',
    defaultSeverity: 'high',
    title: 'safetensors tensor offsets are out of range or overlap',
    description:
      "A tensor's data_offsets end past the data, end before they begin, or overlap another tensor's range. The reference loader refuses such files, but readers that trust the offsets read outside the file or let two tensors share bytes: a parser differential that can hide content or crash the reader.",
    docs: 'docs/rules/safetensors-tensor-offsets.md',
    references: ['MITRE ATLAS AML.T0010', 'MITRE ATLAS AML.T0018', 'OWASP LLM03:2025', 'CWE-125', 'CWE-436'],
  },
  check(file, ctx) {
    const problems = file.offsetProblems;
    if (problems.length === 0) return;
    const listed = problems.slice(0, MAX_LISTED).map((p) => p.message);
    if (problems.length > MAX_LISTED) listed.push(`${problems.length - MAX_LISTED} more`);
    ctx.report({
      message: `tensor byte ranges do not tile the data: ${listed.join('; ')}`,
      location: { offset: 8 },
      evidence: problems[0]!.tensor,
    });
  },
};
