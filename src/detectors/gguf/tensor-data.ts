import type { GgufFile } from '../../formats/gguf/model.js';
import type { Rule } from '../types.js';

/** Problems named in the message before they are only counted. */
const MAX_LISTED = 10;

/** Tensor data that runs past the file or overlaps other tensor data. */
export const tensorData: Rule<GgufFile> = {
  meta: {
    id: 'gguf/tensor-data',
    defaultSeverity: 'high',
    title: 'GGUF tensor data runs past the file or overlaps',
    description:
      "A tensor info points its data (offset plus the size its dimensions and ggml type give) past the end of the file, or into another tensor's data. Loaders that map the file and trust the offsets read out of bounds; overlapping tensors let one set of bytes be read two ways. No writer produces either.",
    docs: 'docs/rules/gguf-tensor-data.md',
    references: ['MITRE ATLAS AML.T0010', 'MITRE ATLAS AML.T0018', 'OWASP LLM03:2025', 'CWE-125', 'CWE-787'],
  },
  check(file, ctx) {
    const problems = file.rangeProblems;
    if (problems.length === 0) return;
    const listed = problems.slice(0, MAX_LISTED).map((p) => p.message);
    if (problems.length > MAX_LISTED) listed.push(`${problems.length - MAX_LISTED} more`);
    ctx.report({
      message: `tensor data ranges are wrong: ${listed.join('; ')}`,
      location: file.dataStart === undefined ? undefined : { offset: file.dataStart },
      evidence: problems[0]!.tensor,
    });
  },
};
