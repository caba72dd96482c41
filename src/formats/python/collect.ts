import type { Node, Tree } from 'web-tree-sitter';
import { Lowerer } from './lower.js';
import type { Binding, Call, Expr, PythonModule, Scope, StringLiteral, SyntaxSummary } from './model.js';

/** Omit over each member of a union. */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/**
 * Syntax-tree depth the walk descends to. Real code stays below 100; a left-deep chain such
 * as `a + a + … + a` with a thousand terms reaches it. Deeper nodes are not read and the
 * summary says so, which makes the file an error rather than clean.
 */
export const MAX_TREE_DEPTH = 1000;

/** Methods that put their argument into the object they are called on. */
const MUTATORS = new Set(['append', 'extend', 'update', 'add', 'insert', 'write', 'writelines', 'setdefault', 'appendleft', 'put']);

/** Node types the walk looks at; every other node is only passed through. */
const VISITED = new Set([
  'call',
  'subscript',
  'attribute',
  'assignment',
  'augmented_assignment',
  'named_expression',
  'for_statement',
  'for_in_clause',
  'with_item',
  'import_statement',
  'import_from_statement',
  'function_definition',
  'class_definition',
  'return_statement',
  'yield',
  'string',
  'concatenated_string',
  'ERROR',
]);

/** What the walk produces; the parser adds the text, commands and locator. */
export type Collected = Pick<PythonModule, 'calls' | 'lookups' | 'bindings' | 'scopes' | 'writes' | 'starImports' | 'strings' | 'syntax'>;

/** The dotted key of `a`, `a.b.c` (bindings of attribute targets use it), or undefined. */
export function dottedKey(e: Expr): string | undefined {
  if (e.k === 'name') return e.id;
  if (e.k === 'attr') {
    const base = dottedKey(e.object);
    return base === undefined ? undefined : `${base}.${e.attr}`;
  }
  return undefined;
}

class Collector {
  readonly calls: Call[] = [];
  readonly lookups: Expr[] = [];
  readonly bindings = new Map<string, Binding[]>();
  readonly scopes: Scope[] = [];
  readonly writes = new Set<string>();
  readonly starImports: string[] = [];
  readonly strings: StringLiteral[] = [];
  readonly syntax: SyntaxSummary;
  private readonly lowerer: Lowerer;
  /** Enclosing functions, innermost last: their scope index and `return` values. */
  private readonly functions: Array<{ scope: number; end: number; returns: Expr[] }> = [];
  private stringsUntil = -1;
  private errorsUntil = -1;

  constructor(text: string) {
    this.lowerer = new Lowerer(text);
    this.syntax = { errorChars: 0, missing: 0, totalChars: text.length, tooDeep: false };
  }

  /** The innermost enclosing function's scope, or -1 at module level. */
  get scope(): number {
    return this.functions.length > 0 ? this.functions[this.functions.length - 1]!.scope : -1;
  }

  bind(name: string | undefined, binding: DistributiveOmit<Binding, 'scope'>, scope = this.scope): void {
    if (name === undefined) return;
    const b = { ...binding, scope } as Binding;
    const list = this.bindings.get(name);
    if (list) list.push(b);
    else this.bindings.set(name, [b]);
  }

  /** Binds every name in an assignment target to `value` (pairwise for equal-length tuples). */
  bindTarget(target: Expr, value: Expr): void {
    const span = { at: target.at, end: target.end };
    if (target.k === 'seq') {
      const pairwise = value.k === 'seq' && value.items.length === target.items.length;
      // `a, b = f()`: without a starred target, each name is item i of the value.
      const plain = target.items.every((t) => t.k === 'name' || t.k === 'attr' || t.k === 'index' || t.k === 'seq');
      const whole = (i: number): Expr =>
        plain
          ? { at: value.at, end: value.end, k: 'index', object: value, index: { at: value.at, end: value.at, k: 'num', value: i } }
          : { at: value.at, end: value.end, k: 'other', children: [value] };
      target.items.forEach((t, i) => this.bindTarget(t, pairwise && value.k === 'seq' ? value.items[i]! : whole(i)));
    } else if (target.k === 'index') {
      this.writes.add(`${target.at}:${target.end}`);
      this.bind(dottedKey(target.object), { ...span, kind: 'value', value });
    } else {
      if (target.k === 'attr') this.writes.add(`${target.at}:${target.end}`);
      this.bind(dottedKey(target), { ...span, kind: 'value', value });
    }
  }

  visit(node: Node): void {
    const lower = (n: Node | null): Expr | undefined => (n ? this.lowerer.lower(n) : undefined);
    const at = node.startIndex;
    while (this.functions.length > 0 && at >= this.functions[this.functions.length - 1]!.end) this.functions.pop();
    switch (node.type) {
      case 'call': {
        const call = lower(node) as Call;
        if (call.k !== 'call') return;
        this.calls.push(call);
        // `setattr(o, 'x', v)` with a literal name stores like `o.x = v` (it is written, not read).
        const [obj, name, value] = call.args;
        if (call.callee.k === 'name' && call.callee.id === 'setattr' && call.args.length === 3 && name?.k === 'str' && /^[A-Za-z_]\w*$/.test(name.value)) {
          const base = dottedKey(obj!);
          if (base !== undefined) {
            this.writes.add(`${call.at}:${call.end}`);
            this.bind(`${base}.${name.value}`, { at: call.at, end: call.end, kind: 'value', value: value!, via: 'setattr' });
          }
        }
        if (call.callee.k === 'attr' && MUTATORS.has(call.callee.attr) && call.args.length > 0) {
          this.bind(dottedKey(call.callee.object), {
            at: call.at,
            end: call.end,
            kind: 'value',
            value: { at: call.at, end: call.end, k: 'other', children: call.args },
          });
        }
        return;
      }
      case 'subscript':
        this.lookups.push(lower(node)!);
        return;
      case 'attribute': {
        // Only dunder attributes and attributes of __builtins__ start lookups; skip the rest cheaply.
        const attr = node.childForFieldName('attribute');
        const object = node.childForFieldName('object');
        if (!attr || !object || !(this.lowerer.slice(attr).startsWith('__') || this.lowerer.slice(object) === '__builtins__')) return;
        const e = lower(node)!;
        if (e.k === 'attr' && (e.attr.startsWith('__') || (e.object.k === 'name' && e.object.id === '__builtins__'))) this.lookups.push(e);
        return;
      }
      case 'assignment':
      case 'augmented_assignment': {
        let right = node.childForFieldName('right');
        while (right?.type === 'assignment') right = right.childForFieldName('right');
        const left = lower(node.childForFieldName('left'));
        const value = lower(right);
        if (left && value) this.bindTarget(left, value);
        return;
      }
      case 'named_expression': {
        const name = lower(node.childForFieldName('name'));
        const value = lower(node.childForFieldName('value'));
        if (name && value) this.bindTarget(name, value);
        return;
      }
      case 'for_statement':
      case 'for_in_clause': {
        const left = lower(node.childForFieldName('left'));
        const right = lower(node.childForFieldName('right'));
        if (left && right) this.bindTarget(left, { at: right.at, end: right.end, k: 'other', children: [right] });
        return;
      }
      case 'with_item': {
        const pattern = node.childForFieldName('value');
        if (pattern?.type !== 'as_pattern') return;
        const value = lower(pattern.namedChildren[0] ?? null);
        const target = lower(pattern.childForFieldName('alias')?.namedChildren[0] ?? null);
        if (value && target) this.bindTarget(target, value);
        return;
      }
      case 'import_statement':
      case 'import_from_statement':
        this.imports(node);
        return;
      case 'function_definition': {
        const returns: Expr[] = [];
        this.bind(this.name(node), { at, end: node.endIndex, kind: 'def', returns });
        const scope = this.scopes.push({ at, end: node.endIndex, parent: this.scope }) - 1;
        this.functions.push({ scope, end: node.endIndex, returns });
        for (const p of node.childForFieldName('parameters')?.namedChildren ?? []) {
          const id = p?.type === 'identifier' ? p : (p?.childForFieldName('name') ?? p?.namedChildren.find((c) => c?.type === 'identifier') ?? null);
          if (id) this.bind(this.lowerer.slice(id), { at: id.startIndex, end: id.endIndex, kind: 'param' });
        }
        return;
      }
      case 'class_definition':
        this.bind(this.name(node), { at, end: node.endIndex, kind: 'class' });
        return;
      case 'return_statement':
      case 'yield': {
        const value = lower(node.namedChildren[0] ?? null);
        if (value && this.functions.length > 0) this.functions[this.functions.length - 1]!.returns.push(value);
        return;
      }
      case 'string':
      case 'concatenated_string':
        this.string(node);
        return;
      case 'ERROR':
        if (at >= this.errorsUntil) {
          this.syntax.errorChars += node.endIndex - at;
          this.errorsUntil = node.endIndex;
        }
        return;
    }
  }

  private name(node: Node): string | undefined {
    const n = node.childForFieldName('name');
    return n ? this.lowerer.slice(n) : undefined;
  }

  private imports(node: Node): void {
    const span = { at: node.startIndex, end: node.endIndex };
    let base = '';
    if (node.type === 'import_from_statement') {
      const m = node.childForFieldName('module_name');
      base = m ? this.lowerer.slice(m).replace(/\s+/g, '') : '';
      if (node.namedChildren.some((c) => c?.type === 'wildcard_import')) this.starImports.push(base);
    }
    for (const n of node.childrenForFieldName('name')) {
      if (!n) continue;
      const aliased = n.type === 'aliased_import';
      const dotted = this.lowerer.slice(aliased ? n.childForFieldName('name')! : n).replace(/\s+/g, '');
      const alias = aliased ? this.lowerer.slice(n.childForFieldName('alias')!) : undefined;
      if (node.type === 'import_from_statement')
        this.bind(alias ?? dotted, { ...span, kind: 'import', path: base.endsWith('.') ? base + dotted : `${base}.${dotted}` });
      else if (alias) this.bind(alias, { ...span, kind: 'import', path: dotted });
      else this.bind(dotted.split('.')[0], { ...span, kind: 'import', path: dotted.split('.')[0]! });
    }
  }

  private string(node: Node): void {
    if (node.startIndex < this.stringsUntil) return;
    this.stringsUntil = node.endIndex;
    const e = this.lowerer.lower(node);
    let value: string | Buffer;
    if (e.k === 'str' || e.k === 'bytes') value = e.value;
    else if (e.k === 'fstr') value = e.parts.filter((p): p is string => typeof p === 'string').join('');
    else return;
    this.strings.push({
      at: e.at,
      end: e.end,
      value,
      statement: node.parent?.type === 'expression_statement' && node.parent.namedChildCount === 1,
      formatted: e.k === 'fstr',
    });
  }
}

/** Walks the whole tree once, iteratively (no recursion on the tree's depth). */
export function collect(tree: Tree, text: string): Collected {
  const c = new Collector(text);
  const cursor = tree.walk();
  try {
    let depth = 0;
    for (;;) {
      if (cursor.nodeIsMissing) c.syntax.missing++;
      if (cursor.nodeIsNamed && VISITED.has(cursor.nodeType)) c.visit(cursor.currentNode);
      if (depth < MAX_TREE_DEPTH && cursor.gotoFirstChild()) {
        depth++;
        continue;
      }
      if (depth >= MAX_TREE_DEPTH && cursor.currentNode.childCount > 0) c.syntax.tooDeep = true;
      let done = false;
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) {
          done = true;
          break;
        }
        depth--;
      }
      if (done) break;
    }
  } finally {
    cursor.delete();
  }
  return {
    calls: c.calls,
    lookups: c.lookups,
    bindings: c.bindings,
    scopes: c.scopes,
    writes: c.writes,
    starImports: c.starImports,
    strings: c.strings,
    syntax: c.syntax,
  };
}
