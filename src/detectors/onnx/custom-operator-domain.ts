import type { OnnxModel, OnnxNode } from '../../formats/onnx/model.js';
import type { Rule } from '../types.js';
import { classifyDomain } from './domains.js';

/** Operator types listed per domain; the count says how many more. */
const OPS_SHOWN = 12;

/** Operators outside the ONNX standard domains, one finding per domain. */
export const customOperatorDomain: Rule<OnnxModel> = {
  meta: {
    id: 'onnx/custom-operator-domain',
    defaultSeverity: 'medium',
    title: 'ONNX operators from a non-standard domain',
    description:
      'Nodes use operators outside the ONNX standard domains. A runtime can only run them with a kernel registered for that domain: those of well-known runtimes (onnxruntime contrib, PyTorch ATen, onnxruntime-extensions) are low; an unknown custom domain needs a custom-op library (native code) that is not part of the model, and is medium. Calls to functions defined in the model itself are not custom operators: their bodies are checked instead.',
    docs: 'docs/rules/onnx-custom-operator-domain.md',
    references: ['MITRE ATLAS AML.T0010', 'MITRE ATLAS AML.T0011', 'OWASP LLM03:2025', 'CWE-829'],
  },
  check(model, ctx) {
    const local = new Set(model.functions.map((f) => `${f.domain}\u0000${f.name}`));
    const byDomain = new Map<string, OnnxNode[]>();
    for (const node of model.nodes) {
      if (classifyDomain(node.domain).kind === 'standard') continue;
      if (local.has(`${node.domain}\u0000${node.opType}`)) continue;
      const list = byDomain.get(node.domain) ?? [];
      list.push(node);
      byDomain.set(node.domain, list);
    }
    for (const [domain, nodes] of byDomain) {
      const kind = classifyDomain(domain);
      const ops = [...new Set(nodes.map((n) => n.opType))].sort();
      const shown = ops.slice(0, OPS_SHOWN).join(', ') + (ops.length > OPS_SHOWN ? ` and ${ops.length - OPS_SHOWN} more` : '');
      const graphs = new Set(nodes.map((n) => n.graph)).size;
      const where = `${nodes.length} node(s) in ${graphs} graph(s), first in ${nodes[0]!.graph}`;
      ctx.report({
        severity: kind.kind === 'known' ? 'low' : 'medium',
        message:
          kind.kind === 'known'
            ? `domain "${domain}" (${kind.runtime}): ${shown}; ${where}`
            : `unknown custom domain "${domain}": ${shown}; ${where}. Running it needs a custom-op library from outside the model`,
        location: { offset: nodes[0]!.offset },
        evidence: `${domain}: ${shown}`,
      });
    }
  },
};
