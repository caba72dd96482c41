/**
 * A structural view of the AST that `@huggingface/jinja`'s `parse` returns. The package does not
 * export its node classes, so nodes are read by their `type` tag and checked field by field;
 * nothing here depends on the package's internals beyond the shapes of its `ast.d.ts`.
 */
export interface JNode {
  readonly type: string;
  readonly [field: string]: unknown;
}

/** True for anything shaped like an AST node. */
export function isNode(value: unknown): value is JNode {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

/** The child node in `field`, when there is one. */
export function child(node: JNode, field: string): JNode | undefined {
  const v = node[field];
  return isNode(v) ? v : undefined;
}

/** The child nodes in an array field (`body`, `args`, `value` of list literals). */
export function children(node: JNode, field: string): JNode[] {
  const v = node[field];
  return Array.isArray(v) ? v.filter(isNode) : [];
}

/** A string field (`value` of identifiers and string literals). */
export function text(node: JNode, field = 'value'): string | undefined {
  const v = node[field];
  return typeof v === 'string' ? v : undefined;
}

/** The name of an `Identifier` node, else undefined. */
export function identifierName(node: JNode | undefined): string | undefined {
  return node?.type === 'Identifier' ? text(node) : undefined;
}

/** The operator of a binary or unary expression (`+`, `~`, `%`, `not`...). */
export function operator(node: JNode): string | undefined {
  const op = node.operator;
  return typeof op === 'object' && op !== null && typeof (op as { value?: unknown }).value === 'string' ? (op as { value: string }).value : undefined;
}

/** The filter's name and its arguments: `x|f` and `x|f(a, b)` alike. */
export function filterParts(filter: JNode | undefined): { name?: string; args: JNode[] } {
  if (!filter) return { args: [] };
  if (filter.type === 'CallExpression') return { name: identifierName(child(filter, 'callee')), args: children(filter, 'args') };
  return { name: identifierName(filter), args: [] };
}

/** Every node directly below `node`, whatever field holds it (arrays and maps included). */
export function childNodes(node: JNode): JNode[] {
  const out: JNode[] = [];
  for (const key of Object.keys(node)) {
    if (key === 'operator') continue; // a lexer token, not a node
    const v = node[key];
    if (isNode(v)) {
      out.push(v);
    } else if (Array.isArray(v)) {
      for (const item of v) if (isNode(item)) out.push(item);
    } else if (v instanceof Map) {
      // ObjectLiteral: Map<Expression, Expression>
      for (const [k, val] of v) {
        if (isNode(k)) out.push(k);
        if (isNode(val)) out.push(val);
      }
    }
  }
  return out;
}
