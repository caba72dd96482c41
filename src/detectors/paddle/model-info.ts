import type { PaddleProgram } from '../../formats/paddle/model.js';
import type { Rule } from '../types.js';

/** Op types listed; the count says how many more. */
const TYPES_SHOWN = 24;

/** What the program is: blocks, variables, op types. */
export const modelInfo: Rule<PaddleProgram> = {
  meta: {
    id: 'paddle/model-info',
    defaultSeverity: 'info',
    title: 'PaddlePaddle program summary',
    description: 'Reports the program version, blocks, variables and op types of a PaddlePaddle program (`.pdmodel`), for provenance and review.',
    docs: 'docs/rules/paddle-model-info.md',
    references: ['MITRE ATLAS AML.T0010', 'OWASP LLM03:2025'],
  },
  check(model, ctx) {
    const types = [...new Set(model.ops.map((o) => o.type))].sort();
    const shown = types.slice(0, TYPES_SHOWN).join(', ') + (types.length > TYPES_SHOWN ? ` and ${types.length - TYPES_SHOWN} more` : '');
    const version = model.version !== undefined ? `version ${model.version}; ` : '';
    ctx.report({ message: `${version}${model.blocks} block(s), ${model.vars} variable(s), ${model.ops.length} op(s): ${shown}`, location: { offset: 0 } });
  },
};
