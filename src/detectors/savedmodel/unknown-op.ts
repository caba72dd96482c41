import type { SavedModel, TfGraph } from '../../formats/savedmodel/model.js';
import type { Rule } from '../types.js';
import { judgeTfOp, TF_OPS_VERSION } from './op-registry.js';

/** The library function a function graph defines: its label is `function "NAME"...`. */
function functionName(graph: TfGraph): string | undefined {
  return graph.kind === 'function' ? /^function "([^"]*)"/.exec(graph.label)?.[1] : undefined;
}

interface Sighting {
  count: number;
  node: string;
  where: string;
  offset: number;
  /** The node and func attribute that call the op, when it is not the node's own op. */
  via?: string;
}

/**
 * Ops outside TensorFlow's op registry (the snapshot in tf-ops.json). TensorFlow runs such a
 * graph only after a custom op library is loaded, which is native code that is not in the
 * model and that modelgate cannot judge; a name that is neither a registered op nor one of
 * the graph's own library functions is therefore suspicious, never clean.
 */
export const unknownOp: Rule<SavedModel> = {
  meta: {
    id: 'savedmodel/unknown-op',
    defaultSeverity: 'medium',
    title: 'SavedModel graph uses an op TensorFlow does not register',
    description: `A node runs an op that is neither in TensorFlow's op registry (snapshot of TensorFlow ${TF_OPS_VERSION}) nor a function of the graph's library. Such an op comes from a custom op library (tf.load_op_library), native code outside the model that runs with the loader's rights, or from a TensorFlow newer than the snapshot.`,
    docs: 'docs/rules/savedmodel-unknown-op.md',
    references: ['MITRE ATLAS AML.T0010', 'MITRE ATLAS AML.T0018', 'OWASP LLM03:2025', 'CWE-829', 'CWE-94'],
  },
  check(model, ctx) {
    const functions = new Set(model.graphs.map(functionName).filter((n): n is string => n !== undefined));
    const unknown = new Map<string, Sighting>();
    const sight = (op: string, node: string, where: string, offset: number, via?: string): void => {
      const seen = unknown.get(op);
      if (seen) seen.count++;
      else unknown.set(op, { count: 1, node, where, offset, ...(via !== undefined && { via }) });
    };
    for (const graph of model.graphs) {
      for (const node of graph.nodes) {
        // A node with no op name fails to load whatever is registered; it needs no custom library.
        if (node.op === '' || functions.has(node.op) || judgeTfOp(node.op).verdict !== 'unknown') continue;
        sight(node.op, node.name, graph.label, node.offset);
      }
      // A func attribute names a library function, or a primitive op the function runtime runs as a one-node function.
      for (const node of graph.nodes) {
        for (const [key, attr] of node.attrs) {
          for (const fn of attr.funcs ?? []) {
            if (fn === '' || functions.has(fn) || judgeTfOp(fn).verdict !== 'unknown') continue;
            sight(fn, node.name, graph.label, node.offset, `${node.op}(${key}=${fn})`);
          }
        }
      }
    }
    for (const [op, s] of unknown) {
      const more = s.count > 1 ? ` (${s.count} nodes in all)` : '';
      ctx.report({
        message: `op ${JSON.stringify(op)} of node "${s.node}"${s.via !== undefined ? `, called as ${s.via},` : ''} in ${s.where}${more} ${judgeTfOp(op).why}`,
        location: { offset: s.offset },
        evidence: op,
      });
    }
    // The stripped op list names the ops the graph needs registered, even those of nodes this walk did not reach.
    for (const meta of model.metaGraphs) {
      for (const op of new Set(meta.strippedOps)) {
        if (op === '' || unknown.has(op) || functions.has(op) || judgeTfOp(op).verdict !== 'unknown') continue;
        unknown.set(op, { count: 0, node: '', where: '', offset: meta.offset });
        ctx.report({
          message: `meta graph lists op ${JSON.stringify(op)} in its stripped_op_list; it ${judgeTfOp(op).why}`,
          location: { offset: meta.offset },
          evidence: op,
        });
      }
    }
  },
};
