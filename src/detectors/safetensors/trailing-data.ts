import type { SafetensorsFile } from '../../formats/safetensors/model.js';
import type { Rule } from '../types.js';

/** Unclaimed ranges reported (and scanned as nested files) one by one; the rest are summed up. */
export const MAX_NESTED_RANGES = 16;

/** Bytes of the data no tensor claims: after the last tensor, or between two. */
export const trailingData: Rule<SafetensorsFile> = {
  meta: {
    id: 'safetensors/trailing-data',
    defaultSeverity: 'medium',
    title: 'safetensors file holds bytes no tensor claims',
    description:
      'Bytes follow the last tensor, or lie between two tensors, that no header entry describes. Loaders never read them, which makes them a place to carry a second file (a polyglot: a pickle, a zip, a script) past tools that only check the header. Each such range is also scanned as a nested file, under the target <trailing@offset> or <gap@offset>.',
    docs: 'docs/rules/safetensors-trailing-data.md',
    references: ['MITRE ATLAS AML.T0010', 'MITRE ATLAS AML.T0018', 'OWASP LLM03:2025', 'CWE-506'],
  },
  check(file, ctx) {
    for (const range of file.unclaimed.slice(0, MAX_NESTED_RANGES)) {
      const where = range.trailing ? 'after the last tensor' : 'between tensors';
      ctx.report({ message: `${range.length} bytes ${where} that no header entry describes`, location: { offset: range.start } });
    }
    const rest = file.unclaimed.slice(MAX_NESTED_RANGES);
    if (rest.length > 0) {
      const bytes = rest.reduce((n, r) => n + r.length, 0);
      ctx.report({
        message: `${rest.length} more unclaimed ranges (${bytes} bytes) between tensors, not scanned as nested files`,
        location: { offset: rest[0]!.start },
      });
    }
  },
};
