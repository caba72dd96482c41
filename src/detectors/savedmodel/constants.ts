import type { TfGraph, TfNode } from '../../formats/savedmodel/model.js';

/** Ops followed back through when evaluating a string input; each passes its input 0 on. */
const PASS_THROUGH = new Set(['Identity', 'Snapshot', 'StopGradient', 'PlaceholderWithDefault']);

/** Steps taken back through a graph for one input; real path expressions are a few deep. */
const MAX_STEPS = 32;

/** The node an input names: `name`, `name:0`, `^name` (control) or `name:out:0` (in functions). */
export function inputNode(input: string): string {
  const bare = input.startsWith('^') ? input.slice(1) : input;
  const colon = bare.indexOf(':');
  return colon === -1 ? bare : bare.slice(0, colon);
}

/** Nodes of a graph by name, built once per graph. */
export class GraphIndex {
  private readonly byName = new Map<string, TfNode>();
  constructor(readonly graph: TfGraph) {
    for (const node of graph.nodes) if (!this.byName.has(node.name)) this.byName.set(node.name, node);
  }

  /**
   * The string values an input evaluates to when it is built from constants only: `Const`
   * (its DT_STRING elements), pass-through ops, and `StringJoin` of scalar constants with its
   * `separator`. Undefined when any part is computed at run time (a placeholder the loader
   * feeds, a function argument, anything else).
   */
  constantStrings(input: string, steps = 0): string[] | undefined {
    if (steps > MAX_STEPS) return undefined;
    const node = this.byName.get(inputNode(input));
    if (!node) return undefined;
    if (node.op === 'Const') return node.attrs.get('value')?.tensorStrings;
    if (PASS_THROUGH.has(node.op)) return node.inputs.length > 0 ? this.constantStrings(node.inputs[0]!, steps + 1) : undefined;
    if (node.op === 'StringJoin') {
      const separator = node.attrs.get('separator')?.s ?? '';
      const parts: string[] = [];
      for (const part of node.inputs) {
        if (part.startsWith('^')) continue;
        const values = this.constantStrings(part, steps + 1);
        if (!values || values.length !== 1) return undefined;
        parts.push(values[0]!);
      }
      return [parts.join(separator)];
    }
    return undefined;
  }
}

/**
 * Why a path or address leaves the model's folder, or undefined for a plain relative path.
 * TensorFlow's file system layer takes URLs (gs://, s3://, hdfs://, http://, file://) as well
 * as local paths.
 */
export function pathEscape(path: string): string | undefined {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(path);
  if (scheme) return `is a ${scheme[1]!.toLowerCase()}:// URL`;
  if (path.startsWith('/') || path.startsWith('\\') || /^[A-Za-z]:/.test(path)) return 'is an absolute path';
  if (path.split(/[\\/]+/).includes('..')) return 'climbs out of the model folder with `..`';
  return undefined;
}
