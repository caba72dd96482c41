import type { SafetensorsFile } from '../../formats/safetensors/model.js';
import type { Rule } from '../types.js';

/** What a well-formed header holds: tensor count, dtypes and parameter count. */
export const summary: Rule<SafetensorsFile> = {
  meta: {
    id: 'safetensors/summary',
    defaultSeverity: 'info',
    title: 'safetensors header summary',
    description:
      'The header parsed and every entry is well-formed. safetensors holds no code; the finding records the tensor count, dtypes, parameter count and metadata keys for inventories (AI-BOM) and reviews.',
    docs: 'docs/rules/safetensors-summary.md',
    references: ['MITRE ATLAS AML.T0010', 'OWASP LLM03:2025'],
  },
  check(file, ctx) {
    if (file.issues.length > 0) return;
    const dtypes = new Map<string, number>();
    let parameters = 0n;
    for (const t of file.tensors) {
      dtypes.set(t.dtype, (dtypes.get(t.dtype) ?? 0) + 1);
      parameters += t.shape.reduce((a, b) => a * b, 1n);
    }
    const types = [...dtypes].map(([d, n]) => `${d}×${n}`).join(', ') || 'none';
    const meta = file.metadata && file.metadata.size > 0 ? `; metadata keys: ${[...file.metadata.keys()].slice(0, 10).join(', ')}` : '';
    ctx.report({
      message: `${file.tensors.length} tensors (${types}), ${parameters} parameters, ${file.headerLength}-byte header${meta}`,
      evidence: `tensors=${file.tensors.length} dtypes=${[...dtypes.keys()].join(',')} parameters=${parameters}`,
    });
  },
};
