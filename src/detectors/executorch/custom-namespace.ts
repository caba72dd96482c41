import type { ExecuTorchOperator, ExecuTorchProgram } from '../../formats/executorch/model.js';
import type { Rule } from '../types.js';

/** Operator names listed per namespace; the count says how many more. */
const OPS_SHOWN = 12;

/**
 * Operator namespaces whose kernels ExecuTorch itself ships (portable and optimized kernels,
 * quantized and dim-order ops, its prim ops, the LLM custom ops of extension/llm, torchao).
 */
const EXECUTORCH_NAMESPACES = new Set(['aten', 'quantized_decomposed', 'dim_order_ops', 'executorch_prim', 'llama', 'torchao']);

const namespaceOf = (name: string): string => (name.includes('::') ? name.slice(0, name.indexOf('::')) : '');

/** Operators from namespaces outside ExecuTorch's own kernel libraries, one finding per namespace. */
export const customNamespace: Rule<ExecuTorchProgram> = {
  meta: {
    id: 'executorch/custom-namespace',
    defaultSeverity: 'low',
    title: 'ExecuTorch program uses operators of a custom namespace',
    description:
      "An ExecuTorch program names its operators; the runtime binds each to a kernel registered in the app's kernel registry, so a program cannot bring code of its own. Operators of ExecuTorch's own namespaces (`aten`, `quantized_decomposed`, `dim_order_ops`, `executorch_prim`, `llama`, `torchao`) are inert; another namespace needs a custom kernel library linked into the app, and is noted (low).",
    docs: 'docs/rules/executorch-custom-namespace.md',
    references: ['MITRE ATLAS AML.T0010', 'OWASP LLM03:2025', 'CWE-829'],
  },
  check(model, ctx) {
    const byNamespace = new Map<string, ExecuTorchOperator[]>();
    for (const op of model.operators) {
      const ns = namespaceOf(op.name);
      if (EXECUTORCH_NAMESPACES.has(ns)) continue;
      const list = byNamespace.get(ns) ?? [];
      list.push(op);
      byNamespace.set(ns, list);
    }
    for (const [ns, ops] of byNamespace) {
      const names = [...new Set(ops.map((o) => o.name))].sort();
      const shown = names.slice(0, OPS_SHOWN).join(', ') + (names.length > OPS_SHOWN ? ` and ${names.length - OPS_SHOWN} more` : '');
      ctx.report({
        message: `${ns === '' ? 'operators without a namespace' : `namespace "${ns}"`}: ${shown}; first in method "${ops[0]!.plan}". Running it needs a kernel library linked into the app`,
        location: { offset: ops[0]!.offset },
        evidence: `${ns}: ${shown}`,
      });
    }
  },
};
