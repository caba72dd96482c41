import { fold, type Folded } from './fold.js';
import { child, childNodes, children, identifierName, type JNode } from './node.js';

/** Rounds of folding `{% set %}` constants that refer to each other (`b = a ~ 'x'`). */
const MAX_CONSTANT_ROUNDS = 8;

/** Names a template assigns, and the values of its plain `{% set name = value %}` statements. */
export interface Bindings {
  /** Every name the template binds: set targets, loop variables, macro names and parameters. */
  bound: Set<string>;
  /** Per name, the values `{% set name = ... %}` gives it; undefined for names bound otherwise. */
  sets: Map<string, JNode[] | undefined>;
}

function identifiersIn(target: JNode | undefined): string[] {
  if (!target) return [];
  const name = identifierName(target);
  if (name !== undefined) return [name];
  // `{% for k, v in ... %}`, `{% set a, b = ... %}`
  return target.type === 'TupleLiteral' ? children(target, 'value').flatMap(identifiersIn) : [];
}

/** Walks the whole tree once for the names it binds (Jinja's scoping is not needed for this). */
export function bindingsOf(program: JNode): Bindings {
  const bound = new Set<string>();
  const sets = new Map<string, JNode[] | undefined>();
  const bindOther = (name: string): void => {
    bound.add(name);
    sets.set(name, undefined);
  };
  const stack: JNode[] = [program];
  for (let node = stack.pop(); node; node = stack.pop()) {
    if (node.type === 'Set') {
      const assignee = child(node, 'assignee');
      const value = child(node, 'value');
      const name = identifierName(assignee);
      if (name !== undefined && value) {
        bound.add(name);
        if (!sets.has(name)) sets.set(name, []);
        sets.get(name)?.push(value);
      } else {
        // tuple targets and `{% set x %}...{% endset %}` blocks: bound, not constant
        identifiersIn(assignee).forEach(bindOther);
      }
    } else if (node.type === 'For') {
      identifiersIn(child(node, 'loopvar')).forEach(bindOther);
    } else if (node.type === 'Macro') {
      identifiersIn(child(node, 'name')).forEach(bindOther);
      for (const a of children(node, 'args')) identifiersIn(a.type === 'KeywordArgumentExpression' ? child(a, 'key') : a).forEach(bindOther);
    } else if (node.type === 'CallStatement') {
      for (const a of children(node, 'callerArgs')) identifiersIn(a.type === 'KeywordArgumentExpression' ? child(a, 'key') : a).forEach(bindOther);
    }
    for (const next of childNodes(node)) stack.push(next);
  }
  return { bound, sets };
}

/**
 * Names whose every `{% set %}` folds to one and the same constant, so that
 * `{% set a = '__glob' ~ 'als__' %}{{ x|attr(a) }}` reads as `x|attr('__globals__')`.
 */
export function constantsOf(sets: ReadonlyMap<string, JNode[] | undefined>): Map<string, Folded> {
  const env = new Map<string, Folded>();
  for (let round = 0; round < MAX_CONSTANT_ROUNDS; round++) {
    let changed = false;
    for (const [name, values] of sets) {
      if (!values || env.has(name)) continue;
      const folded = values.map((v) => fold(v, env));
      const first = folded[0];
      if (first === undefined || folded.some((f) => JSON.stringify(f) !== JSON.stringify(first))) continue;
      env.set(name, first);
      changed = true;
    }
    if (!changed) break;
  }
  return env;
}
