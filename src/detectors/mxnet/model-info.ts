import type { MxnetSymbol } from '../../formats/mxnet/model.js';
import type { Rule } from '../types.js';

/** Op types listed; the count says how many more. */
const OPS_SHOWN = 24;

/** What the graph is: MXNet version, nodes, op types, outputs. */
export const modelInfo: Rule<MxnetSymbol> = {
  meta: {
    id: 'mxnet/model-info',
    defaultSeverity: 'info',
    title: 'MXNet symbol summary',
    description: 'Reports the MXNet version, node count, operator types and outputs of an MXNet symbol graph (`-symbol.json`), for provenance and review.',
    docs: 'docs/rules/mxnet-model-info.md',
    references: ['MITRE ATLAS AML.T0010', 'OWASP LLM03:2025'],
  },
  check(model, ctx) {
    const ops = [...new Set(model.nodes.map((n) => n.op).filter((op) => op !== 'null'))].sort();
    const shown = ops.slice(0, OPS_SHOWN).join(', ') + (ops.length > OPS_SHOWN ? ` and ${ops.length - OPS_SHOWN} more` : '');
    const version = model.version !== undefined ? `MXNet ${model.version}; ` : '';
    ctx.report({ message: `${version}${model.nodes.length} node(s), ${model.heads} output(s); ops: ${shown || 'none'}` });
  },
};
