import type { ExecuTorchProgram } from '../../formats/executorch/model.js';
import type { Rule } from '../types.js';

const list = (items: string[], n = 16): string => items.slice(0, n).join(', ') + (items.length > n ? ` and ${items.length - n} more` : '');

/** What the program is: identifier, methods, operators, backend delegates, segments. */
export const modelInfo: Rule<ExecuTorchProgram> = {
  meta: {
    id: 'executorch/model-info',
    defaultSeverity: 'info',
    title: 'ExecuTorch program summary',
    description:
      'Reports the schema identifier, methods, operators, backend delegates and data segments of an ExecuTorch program (`.pte`), for provenance and review.',
    docs: 'docs/rules/executorch-model-info.md',
    references: ['MITRE ATLAS AML.T0010', 'OWASP LLM03:2025'],
  },
  check(model, ctx) {
    const ops = [...new Set(model.operators.map((o) => (o.overload ? `${o.name}.${o.overload}` : o.name)))].sort();
    const parts = [
      `${model.identifier} version ${model.version}`,
      `methods: ${list(model.plans)}`,
      `${ops.length} operator(s)${ops.length > 0 ? `: ${list(ops, 24)}` : ''}`,
    ];
    if (model.delegates.length > 0) parts.push(`backend delegates: ${list([...new Set(model.delegates)])}`);
    parts.push(`${model.segments} segment(s)`);
    ctx.report({ message: parts.join('; '), location: { offset: 0 } });
  },
};
