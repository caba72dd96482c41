import { maxSeverity, type Severity } from '../../core/severity.js';
import type { SavedModel, TfGraph, TfNode } from '../../formats/savedmodel/model.js';
import type { Rule, RuleContext } from '../types.js';
import { GraphIndex, pathEscape } from './constants.js';
import { riskyOpRow } from './op-registry.js';
import type { RiskyOp } from './ops.js';

/** Findings per op name; past this one line counts the rest (a graph may repeat an op thousands of times). */
const MAX_FINDINGS_PER_OP = 20;

/** Characters of a path or token shown. */
const SHOWN = 200;

const show = (s: string): string => JSON.stringify(s.length > SHOWN ? `${s.slice(0, SHOWN)}…` : s);

interface Graded {
  severity: Severity;
  note: string;
  evidence: string;
}

/** The values of the node's path attributes and constant path inputs; `computed` if any input is not constant. */
function pathsOf(node: TfNode, op: RiskyOp, index: GraphIndex): { paths: string[]; computed: boolean } {
  const paths: string[] = [];
  let computed = false;
  for (const i of op.pathInputs ?? []) {
    const input = node.inputs[i];
    const values = input === undefined ? undefined : index.constantStrings(input);
    if (values) paths.push(...values);
    else computed = true;
  }
  for (const name of op.pathAttrs ?? []) {
    const attr = node.attrs.get(name);
    if (attr?.s !== undefined && attr.s !== '') paths.push(attr.s);
    for (const s of attr?.list ?? []) if (s !== '') paths.push(s);
  }
  return { paths, computed };
}

/**
 * Grades one node of a risky op, or undefined when its attributes make it harmless. `bare`: the
 * graph is a bare GraphDef file (a frozen graph), which has no saver.
 */
function grade(node: TfNode, op: RiskyOp, index: GraphIndex, bare: boolean): Graded | undefined {
  const { paths, computed } = pathsOf(node, op, index);
  let severity = op.severity;
  // Checkpoint ops are low because a SavedModel's loader runs them on the model's own variables,
  // with a path it feeds. A bare GraphDef has no saver and no loader feeding one: nothing expects them.
  const unsaved = bare && (op.category === 'checkpoint read' || op.category === 'checkpoint write');
  if (unsaved) severity = maxSeverity(severity, 'medium');
  if (op.attrRule === 'print-to-file' && !paths.some((p) => p.startsWith('file://'))) return undefined;
  if (op.attrRule === 'cache-file' && !computed && paths.every((p) => p === '')) return undefined;
  if (op.attrRule === 'path-set' && paths.every((p) => p === '' || p === 'local://' || p.startsWith('bytes://'))) return undefined;
  if (op.attrRule === 'debug-urls') {
    if (paths.some((p) => /^grpcs?:\/\//i.test(p))) severity = 'high';
    else if (paths.length > 0) severity = 'medium';
  }
  const escaping = paths.map((p) => ({ p, why: pathEscape(p) })).filter((e) => e.why !== undefined);
  if (escaping.length > 0 && op.outside) severity = maxSeverity(severity, op.outside);
  const token = node.attrs.get('token')?.s;
  let note = '';
  if (escaping.length > 0) note = `; ${show(escaping[0]!.p)} ${escaping[0]!.why}`;
  else if (paths.length > 0) note = `; path ${show(paths[0]!)}`;
  else if (computed) note = '; the path is computed at run time';
  if (token !== undefined) note += `; token ${show(token)}`;
  if (unsaved) note += "; a bare GraphDef has no saver, so this is not the model's own checkpoint";
  const shown = paths.length > 0 ? show(paths[0]!) : token !== undefined ? show(token) : '';
  return { severity, note, evidence: `${node.op}(${shown})` };
}

/** Reports one graded node, counting findings per op. */
function reportNode(ctx: RuleContext, counts: Map<string, number>, op: string, graded: Graded, message: string, offset: number): void {
  const n = (counts.get(op) ?? 0) + 1;
  counts.set(op, n);
  if (n <= MAX_FINDINGS_PER_OP) ctx.report({ severity: graded.severity, message, location: { offset }, evidence: graded.evidence });
}

function checkGraph(graph: TfGraph, ctx: RuleContext, counts: Map<string, number>, seen: Set<string>, bare: boolean): void {
  const index = new GraphIndex(graph);
  for (const node of graph.nodes) {
    const op = riskyOpRow(node.op);
    if (op) {
      seen.add(node.op);
      const graded = grade(node, op, index, bare);
      if (graded) {
        reportNode(ctx, counts, node.op, graded, `${node.op} node "${node.name}" in ${graph.label} ${op.why} (${op.category})${graded.note}`, node.offset);
      }
    }
    // A func attribute may name a primitive op, which the function runtime runs as a one-node function.
    for (const [key, attr] of node.attrs) {
      for (const fn of attr.funcs ?? []) {
        const called = riskyOpRow(fn);
        if (!called) continue;
        seen.add(fn);
        const graded = { severity: maxSeverity(called.severity, 'medium'), note: '', evidence: `${node.op}(${key}=${fn})` };
        reportNode(
          ctx,
          counts,
          fn,
          graded,
          `${node.op} node "${node.name}" in ${graph.label} calls op ${fn} through its func attribute ${key}: it ${called.why} (${called.category})`,
          node.offset,
        );
      }
    }
  }
}

/** Ops that touch files, processes, Python or the network, in every graph, function and nested GraphDef. */
export const dangerousOp: Rule<SavedModel> = {
  meta: {
    id: 'savedmodel/dangerous-op',
    defaultSeverity: 'high',
    title: 'SavedModel graph uses an op that touches files, Python, the network or native code',
    description:
      "A node of a meta graph, of a library function or of a GraphDef serialized inside an attribute runs an op that is not pure compute by TensorFlow's op registry: it reads or writes files, calls Python, reaches the network or runs native code (ReadFile, WriteFile, PyFunc, tf.data service, RPC and collective ops, XLA custom calls...). Running the model does it. Checkpoint save/restore ops are expected in every SavedModel and are low unless their path is a constant outside the model folder; in a bare GraphDef (a frozen graph), which has no saver, they are at least medium.",
    docs: 'docs/rules/savedmodel-dangerous-op.md',
    references: ['MITRE ATLAS AML.T0010', 'MITRE ATLAS AML.T0011', 'MITRE ATLAS AML.T0018', 'OWASP LLM03:2025', 'CWE-73', 'CWE-94', 'CWE-829'],
    // 2: ops outside the curated table are judged by TensorFlow's op registry (tf-ops.json); data changes bump it.
    // 3: checkpoint ops in a bare GraphDef (no saver) are at least medium.
    version: 3,
  },
  check(model, ctx) {
    const counts = new Map<string, number>();
    const seen = new Set<string>();
    for (const graph of model.graphs) checkGraph(graph, ctx, counts, seen, model.graphDef !== undefined);
    for (const [op, n] of counts) {
      if (n > MAX_FINDINGS_PER_OP) {
        const risky = riskyOpRow(op) as RiskyOp;
        ctx.report({
          severity: risky.severity,
          message: `${n - MAX_FINDINGS_PER_OP} more ${op} node(s) not listed one by one`,
          location: { offset: 0 },
          evidence: op,
        });
      }
    }
    // The stripped op list names every op the graphs use; one found nowhere was hidden from this walk.
    for (const meta of model.metaGraphs) {
      for (const op of new Set(meta.strippedOps)) {
        const risky = riskyOpRow(op);
        if (!risky || seen.has(op)) continue;
        ctx.report({
          severity: risky.attrRule ? 'low' : risky.severity,
          message: `meta graph lists ${op} in its stripped_op_list but no node running it was found: it ${risky.why} (${risky.category})`,
          location: { offset: meta.offset },
          evidence: op,
        });
      }
    }
  },
};
