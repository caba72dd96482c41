import type { Binding, PythonModule } from './model.js';
import { floorIndex } from './source.js';

const startsMemo = new WeakMap<PythonModule, number[]>();

/** The innermost function scope containing `at`, or -1 for module level. */
export function scopeAt(model: PythonModule, at: number): number {
  let starts = startsMemo.get(model);
  if (!starts) startsMemo.set(model, (starts = model.scopes.map((s) => s.at)));
  if (starts.length === 0 || at < starts[0]!) return -1;
  let i = floorIndex(starts, at);
  while (i !== -1 && !(at >= model.scopes[i]!.at && at < model.scopes[i]!.end)) i = model.scopes[i]!.parent;
  return i;
}

/**
 * The bindings a use of `name` at `at` sees, after Python's LEGB rule: those in the innermost
 * function that binds the name, else in enclosing functions, else at module level. Dotted
 * keys (`self.x`) are attributes shared across methods: every binding counts.
 */
export function bindingsOf(model: PythonModule, name: string, at: number): Binding[] {
  const all = model.bindings.get(name);
  if (!all || name.includes('.')) return all ?? [];
  for (let scope = scopeAt(model, at); ; scope = model.scopes[scope]!.parent) {
    const here = all.filter((b) => b.scope === scope);
    if (here.length > 0 || scope === -1) return here;
  }
}
