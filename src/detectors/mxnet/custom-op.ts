import type { MxnetNode, MxnetSymbol } from '../../formats/mxnet/model.js';
import type { Rule } from '../types.js';

/** Findings per op kind; past this one line counts the rest. */
const MAX_FINDINGS = 20;

/**
 * Ops whose `info` parameter is the address of a C struct of callbacks in the process that
 * built the graph (src/operator/custom/native_op-inl.h, ndarray_op-inl.h): a loader that binds
 * the graph calls through whatever address the file holds.
 */
const POINTER_OPS = new Set(['_Native', '_NDArray']);

function describe(node: MxnetNode): { severity: 'medium' | 'high'; message: string; evidence: string } | undefined {
  if (node.op === 'Custom') {
    const type = node.attrs.op_type ?? '';
    return {
      severity: 'medium',
      message: `node "${node.name}" is a Custom op of op_type ${JSON.stringify(type)}: it runs the Python CustomOp class the app registered under that name`,
      evidence: `Custom(${type})`,
    };
  }
  if (POINTER_OPS.has(node.op)) {
    return {
      severity: 'high',
      message: `node "${node.name}" is a ${node.op} op: it calls through a callback pointer stored in the graph (info ${JSON.stringify(node.attrs.info ?? '')})`,
      evidence: `${node.op}(${node.attrs.info ?? ''})`,
    };
  }
  return undefined;
}

/** MXNet graph nodes that run code of the app (Custom) or call through stored pointers (_Native, _NDArray). */
export const customOp: Rule<MxnetSymbol> = {
  meta: {
    id: 'mxnet/custom-op',
    defaultSeverity: 'medium',
    title: 'MXNet symbol uses Custom or callback ops',
    description:
      "MXNet's own operators are inert. A `Custom` node runs the Python `CustomOp` class the app registered under its `op_type`: code from outside the model, medium. `_Native` and `_NDArray` nodes call C callbacks through an address stored in the graph's `info` parameter: a crafted file makes the loader call an arbitrary address, high.",
    docs: 'docs/rules/mxnet-custom-op.md',
    references: ['MITRE ATLAS AML.T0010', 'MITRE ATLAS AML.T0011', 'OWASP LLM03:2025', 'CWE-829', 'CWE-822'],
  },
  check(model, ctx) {
    let reported = 0;
    for (const node of model.nodes) {
      const found = describe(node);
      if (!found) continue;
      if (++reported > MAX_FINDINGS) continue;
      ctx.report({ ...found, message: `nodes[${node.index}]: ${found.message}` });
    }
    if (reported > MAX_FINDINGS) ctx.report({ message: `${reported - MAX_FINDINGS} more Custom or callback nodes not listed`, evidence: 'Custom' });
  },
};
