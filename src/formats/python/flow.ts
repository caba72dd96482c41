import { dottedKey } from './collect.js';
import type { Expr, PythonModule } from './model.js';
import { bindingsOf } from './scope.js';

/**
 * Sub-expressions visited by one data-flow walk. Flow follows names to every value bound to
 * them and calls of local functions to what they return, so one walk may cover much of a
 * file; past this many nodes the walk stops (what it saw is kept).
 */
export const MAX_FLOW_NODES = 20_000;

/**
 * Flow nodes visited for one module, over all walks of all rules. A crafted file with many
 * sinks over long binding chains would otherwise cost sinks × chain; past this budget walks
 * stop and the module reports that its analysis is incomplete.
 */
export const MAX_FLOW_PER_MODULE = 1_000_000;

const budgets = new WeakMap<PythonModule, { left: number }>();

/** True when the module's flow budget ran out: some data flow was not followed. */
export function flowExhausted(model: PythonModule): boolean {
  return (budgets.get(model)?.left ?? 1) <= 0;
}

/** The direct sub-expressions of `e`. */
export function childrenOf(e: Expr): Expr[] {
  switch (e.k) {
    case 'fstr':
      return e.parts.filter((p): p is Expr => typeof p !== 'string');
    case 'attr':
      return [e.object];
    case 'index':
      return [e.object, e.index];
    case 'slice':
      return [e.start, e.stop, e.step].filter((x): x is Expr => x !== undefined);
    case 'call':
      return [e.callee, ...e.args, ...e.kwargs.map((k) => k.value)];
    case 'binop':
      return [e.left, e.right];
    case 'seq':
      return e.items;
    case 'dict':
      return [...e.keys, ...e.values];
    case 'comp':
      return [e.element, e.iter];
    case 'other':
      return e.children;
    default:
      return [];
  }
}

/**
 * Walks `root` and everything its value may come from: sub-expressions, the values bound to
 * each name (and to `a.b` attribute targets), and the `return` values of local functions it
 * calls. `visit` returns false to not look inside an expression. Iterative and bounded.
 */
export function walkFlow(model: PythonModule, root: Expr, visit: (e: Expr) => boolean | void): void {
  const seen = new Set<Expr>();
  const names = new Set<string>();
  const stack: Expr[] = [root];
  let count = 0;
  let budget = budgets.get(model);
  if (budget === undefined) budgets.set(model, (budget = { left: MAX_FLOW_PER_MODULE }));
  while (stack.length > 0 && count < MAX_FLOW_NODES) {
    if (budget.left <= 0) return;
    const e = stack.pop()!;
    if (seen.has(e)) continue;
    seen.add(e);
    count++;
    budget.left--;
    if (visit(e) === false) continue;
    const key = e.k === 'name' || e.k === 'attr' ? dottedKey(e) : undefined;
    if (key !== undefined && !names.has(key)) {
      names.add(key);
      for (const b of bindingsOf(model, key, e.at)) {
        if (b.kind === 'value') stack.push(b.value);
        else if (b.kind === 'def') stack.push(...b.returns);
      }
    }
    const kids = childrenOf(e);
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!);
  }
}

/** True when span `inner` lies inside span `outer` and is not the same span. */
export function strictlyInside(inner: { at: number; end: number }, outer: { at: number; end: number }): boolean {
  return inner.at >= outer.at && inner.end <= outer.end && (inner.at !== outer.at || inner.end !== outer.end);
}
