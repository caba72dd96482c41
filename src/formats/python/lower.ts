import type { Node } from 'web-tree-sitter';
import { literalValue, splitLiteral, unescape } from './literals.js';
import type { Expr, Keyword } from './model.js';

/**
 * Expression nesting lowered into the model. CPython's tokenizer refuses more than 200 open
 * brackets (MAXLEVEL), and real call arguments nest a handful deep; past this bound a
 * sub-expression becomes `deep`, and the calls inside it are still lowered on their own when
 * the walk reaches them.
 */
export const MAX_EXPR_DEPTH = 48;

const SEQUENCES = new Set(['list', 'tuple', 'set', 'expression_list', 'pattern_list', 'tuple_pattern', 'list_pattern']);

/** Lowers tree-sitter expression nodes into the model's plain expressions, with a cache. */
export class Lowerer {
  /**
   * Lowered nodes by tree-sitter id. An expression lowered in full is reused anywhere; one cut
   * by the depth bound only where the bound cuts at least as much (`depth` no smaller).
   */
  private readonly cache = new Map<number, { depth: number; expr: Expr; complete: boolean }>();
  /** Count of `deep` cuts made so far: unchanged across a build means it was complete. */
  private cuts = 0;

  constructor(private readonly text: string) {}

  /** The source text of a node. */
  slice(node: Node): string {
    return this.text.slice(node.startIndex, node.endIndex);
  }

  /** The model expression of `node`; nesting past MAX_EXPR_DEPTH below it becomes `deep`. */
  lower(node: Node, depth = 0): Expr {
    const cached = this.cache.get(node.id);
    if (cached && (cached.complete || cached.depth <= depth)) {
      if (!cached.complete) this.cuts++;
      return cached.expr;
    }
    const span = { at: node.startIndex, end: node.endIndex };
    if (depth > MAX_EXPR_DEPTH) {
      this.cuts++;
      return { ...span, k: 'deep' };
    }
    const before = this.cuts;
    // `node.type` asks the WebAssembly side each time: read it once.
    const expr = this.build(node, node.type, depth, span);
    this.cache.set(node.id, { depth, expr, complete: this.cuts === before });
    return expr;
  }

  private sub(node: Node | null, depth: number): Expr | undefined {
    return node ? this.lower(node, depth + 1) : undefined;
  }

  /** Any other node: its named children, lowered, so that data flow through it is kept. */
  private other(node: Node, depth: number, span: { at: number; end: number }): Expr {
    const children: Expr[] = [];
    for (const c of node.namedChildren) if (c) children.push(this.lower(c, depth + 1));
    return { ...span, k: 'other', children };
  }

  private build(node: Node, type: string, depth: number, span: { at: number; end: number }): Expr {
    const field = (name: string): Node | null => node.childForFieldName(name);
    const other = (): Expr => this.other(node, depth, span);
    switch (type) {
      case 'identifier':
        return { ...span, k: 'name', id: this.slice(node) };
      case 'string':
        return this.string(node, depth, span);
      case 'concatenated_string':
        return this.concatenated(node, depth, span);
      case 'integer':
      case 'float': {
        const t = this.slice(node)
          .replace(/_/g, '')
          .replace(/[jJlL]$/, '');
        const value = /^0[xob]/i.test(t) ? Number(t.toLowerCase()) : Number(t);
        return { ...span, k: 'num', value };
      }
      case 'unary_operator': {
        const arg = this.sub(field('argument'), depth);
        if (arg?.k === 'num' && this.slice(node).trimStart().startsWith('-')) return { ...span, k: 'num', value: -arg.value };
        return other();
      }
      case 'parenthesized_expression': {
        const inner = node.namedChildren.find((c) => c !== null && c.type !== 'comment');
        return inner ? this.lower(inner, depth + 1) : other();
      }
      case 'attribute': {
        const object = this.sub(field('object'), depth);
        const attr = field('attribute');
        return object && attr ? { ...span, k: 'attr', object, attr: this.slice(attr) } : other();
      }
      case 'subscript': {
        const object = this.sub(field('value'), depth);
        const index = this.sub(field('subscript'), depth);
        return object && index ? { ...span, k: 'index', object, index } : other();
      }
      case 'slice':
        return this.sliceExpr(node, depth, span);
      case 'call':
        return this.call(node, depth, span) ?? other();
      case 'binary_operator': {
        const left = this.sub(field('left'), depth);
        const right = this.sub(field('right'), depth);
        const op = field('operator');
        return left && right && op ? { ...span, k: 'binop', op: this.slice(op), left, right } : other();
      }
      case 'dictionary': {
        const keys: Expr[] = [];
        const values: Expr[] = [];
        for (const c of node.namedChildren) {
          if (c?.type !== 'pair') continue;
          const k = this.sub(c.childForFieldName('key'), depth);
          const v = this.sub(c.childForFieldName('value'), depth);
          if (k && v) {
            keys.push(k);
            values.push(v);
          }
        }
        return { ...span, k: 'dict', keys, values };
      }
      case 'list_comprehension':
      case 'set_comprehension':
      case 'generator_expression':
        return this.comprehension(node, depth, span) ?? other();
      case 'as_pattern': {
        const value = node.namedChildren[0];
        return value ? this.lower(value, depth + 1) : other();
      }
      default:
        if (SEQUENCES.has(type))
          return {
            ...span,
            k: 'seq',
            items: node.namedChildren.filter((c): c is Node => c !== null && c.type !== 'comment').map((c) => this.lower(c, depth + 1)),
          };
        return other();
    }
  }

  private call(node: Node, depth: number, span: { at: number; end: number }): Expr | undefined {
    const callee = this.sub(node.childForFieldName('function'), depth);
    const argNode = node.childForFieldName('arguments');
    if (!callee || !argNode) return undefined;
    const args: Expr[] = [];
    const kwargs: Keyword[] = [];
    if (argNode.type === 'generator_expression') args.push(this.lower(argNode, depth + 1));
    else {
      for (const a of argNode.namedChildren) {
        if (!a || a.type === 'comment') continue;
        if (a.type === 'keyword_argument') {
          const name = a.childForFieldName('name');
          const value = this.sub(a.childForFieldName('value'), depth);
          if (name && value) kwargs.push({ name: this.slice(name), value });
        } else if (a.type === 'dictionary_splat') {
          const value = this.sub(a.namedChildren[0] ?? null, depth);
          if (value) kwargs.push({ name: null, value });
        } else args.push(this.lower(a, depth + 1));
      }
    }
    return { ...span, k: 'call', callee, args, kwargs };
  }

  private string(node: Node, depth: number, span: { at: number; end: number }): Expr {
    const token = this.slice(node);
    const plain = literalValue(token);
    if (plain) return plain.kind === 'str' ? { ...span, k: 'str', value: plain.value } : { ...span, k: 'bytes', value: plain.value };
    // An f-string: literal parts (with `{{`/`}}` undoubled) and interpolated expressions.
    const raw = splitLiteral(token)?.prefix.includes('r') ?? false;
    const parts: Array<string | Expr> = [];
    for (const c of node.namedChildren) {
      if (!c) continue;
      if (c.type === 'string_content') parts.push((raw ? this.slice(c) : unescape(this.slice(c), false)).replace(/\{\{/g, '{').replace(/\}\}/g, '}'));
      else if (c.type === 'interpolation') {
        const e = this.sub(c.childForFieldName('expression'), depth);
        if (e) parts.push(e);
      }
    }
    return { ...span, k: 'fstr', parts };
  }

  private concatenated(node: Node, depth: number, span: { at: number; end: number }): Expr {
    const pieces = node.namedChildren.filter((c): c is Node => c?.type === 'string').map((c) => this.lower(c, depth + 1));
    if (pieces.every((p) => p.k === 'bytes'))
      return { ...span, k: 'bytes', value: Buffer.concat(pieces.map((p) => (p.k === 'bytes' ? p.value : Buffer.alloc(0)))) };
    if (pieces.every((p) => p.k === 'str')) return { ...span, k: 'str', value: pieces.map((p) => (p.k === 'str' ? p.value : '')).join('') };
    const parts: Array<string | Expr> = [];
    for (const p of pieces) {
      if (p.k === 'fstr') parts.push(...p.parts);
      else if (p.k === 'str') parts.push(p.value);
      else if (p.k === 'bytes') parts.push(p.value.toString('latin1'));
    }
    return { ...span, k: 'fstr', parts };
  }

  private comprehension(node: Node, depth: number, span: { at: number; end: number }): Expr | undefined {
    const body = node.childForFieldName('body');
    const clauses = node.namedChildren.filter((c): c is Node => c !== null && c.id !== body?.id && c.type !== 'comment');
    const clause = clauses[0];
    if (!body || clauses.length !== 1 || clause?.type !== 'for_in_clause') return undefined;
    const target = clause.childForFieldName('left');
    const iter = clause.childForFieldName('right');
    if (target?.type !== 'identifier' || !iter) return undefined;
    return { ...span, k: 'comp', element: this.lower(body, depth + 1), name: this.slice(target), iter: this.lower(iter, depth + 1) };
  }

  private sliceExpr(node: Node, depth: number, span: { at: number; end: number }): Expr {
    // `a:b:c` — which part an expression is depends on the colons before it.
    const bounds: Array<Expr | undefined> = [undefined, undefined, undefined];
    let part = 0;
    for (const c of node.children) {
      if (!c) continue;
      if (c.type === ':') part++;
      else if (c.isNamed && part < 3) bounds[part] = this.lower(c, depth + 1);
    }
    return { ...span, k: 'slice', start: bounds[0], stop: bounds[1], step: bounds[2] };
  }
}
