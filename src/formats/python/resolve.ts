import { dottedKey } from './collect.js';
import type { Binding, Call, Expr, PythonModule } from './model.js';
import { bindingsOf } from './scope.js';

/** What an expression names, as far as a static reading can tell. */
export interface Resolved {
  /** Dotted path, normalised: `os.system`, `builtins.exec`, `requests.Session().post`. */
  path: string;
  /** Dynamic lookups passed on the way: `getattr`, `__import__`, `globals()`, `sys.modules` … */
  via: string[];
  /** The local name it was reached through, when that is not its own name. */
  alias?: string;
  /** The value is a namespace mapping (`globals()`, `vars(m)`, `m.__dict__`, `__builtins__`). */
  namespace?: boolean;
  /** Part of the name is computed at run time and was not recovered. */
  hidden?: boolean;
}

/** Names Python finds in builtins when nothing in the module binds them. */
export const BUILTIN_NAMES = new Set(
  (
    'abs aiter all anext any ascii bin bool breakpoint bytearray bytes callable chr classmethod compile complex copyright credits delattr dict dir divmod ' +
    'enumerate eval exec exit filter float format frozenset getattr globals hasattr hash help hex id input int isinstance issubclass iter len license ' +
    'list locals map max memoryview min next object oct open ord pow print property quit range repr reversed round set setattr slice sorted staticmethod ' +
    'str sum super tuple type vars zip __import__ __build_class__ execfile reload unicode raw_input file long basestring'
  ).split(' '),
);

/**
 * Names a notebook kernel provides without an import: IPython puts `get_ipython` into builtins
 * while it runs code (IPython.core.builtin_trap), and scripts exported from notebooks call it.
 */
const KERNEL_NAMES: Record<string, string> = { get_ipython: 'IPython.get_ipython' };

/** Module names that are other spellings of the same module (CPython's import system). */
const MODULE_ALIASES: Record<string, string> = {
  posix: 'os',
  nt: 'os',
  __builtin__: 'builtins',
  _pickle: 'pickle',
  cPickle: 'pickle',
  _socket: 'socket',
  _io: 'io',
  _codecs: 'codecs',
};

/** Normalises a dotted path: `posix.system` → `os.system`, `__builtin__.eval` → `builtins.eval`. */
export function normalisePath(path: string): string {
  const dot = path.indexOf('.');
  const head = dot === -1 ? path : path.slice(0, dot);
  const alias = Object.hasOwn(MODULE_ALIASES, head) ? MODULE_ALIASES[head] : undefined;
  return alias === undefined ? path : alias + (dot === -1 ? '' : path.slice(dot));
}

/** Name-binding hops followed before giving up (aliases of aliases, and cycles). */
const MAX_HOPS = 12;

/** `return` values of one local function looked at (the last ones): a crafted function may have thousands. */
const MAX_RETURNS = 16;

const IMPORTERS = new Set(['builtins.__import__', 'importlib.import_module', 'importlib.__import__']);

const lastSegment = (path: string): string => path.slice(path.lastIndexOf('.') + 1);

class Resolver {
  private hops = 0;
  private nameHops = 0;
  constructor(private readonly model: PythonModule) {}

  expr(e: Expr): Resolved | undefined {
    if (++this.hops > MAX_HOPS * 8) return undefined;
    switch (e.k) {
      case 'name':
        return this.name(e.id, e.at);
      case 'attr': {
        // A function's globals and a module's builtins are reached whatever the object is.
        if (e.attr === '__globals__') return { path: '<globals>', via: ['__globals__'], namespace: true };
        if (e.attr === '__builtins__') return { path: 'builtins', via: ['__builtins__'], namespace: true };
        const o = this.expr(e.object);
        if (!o) return this.attribute(e);
        if (e.attr === '__dict__') return { path: o.path, via: [...o.via, '__dict__'], namespace: true };
        return { path: normalisePath(`${o.path}.${e.attr}`), via: o.via, hidden: o.hidden };
      }
      case 'index':
        return this.lookup(e.object, e.index, 'subscript');
      case 'call':
        return this.call(e);
      default:
        return undefined;
    }
  }

  private name(id: string, at: number): Resolved | undefined {
    const bindings = bindingsOf(this.model, id, at);
    if (bindings.length === 0) {
      if (id === '__builtins__') return { path: 'builtins', via: ['__builtins__'], namespace: true };
      if (BUILTIN_NAMES.has(id)) return { path: `builtins.${id}`, via: [] };
      if (Object.hasOwn(KERNEL_NAMES, id)) return { path: KERNEL_NAMES[id]!, via: [] };
      const star = this.model.starImports[this.model.starImports.length - 1];
      return star === undefined ? undefined : { path: normalisePath(`${star}.${id}`), via: [] };
    }
    if (++this.nameHops > MAX_HOPS) return undefined;
    // The last binding stands for the name (a static reading cannot order run-time writes).
    const b = bindings[bindings.length - 1]!;
    let r: Resolved | undefined;
    if (b.kind === 'import') r = { path: normalisePath(b.path), via: [] };
    else if (b.kind === 'value') r = this.expr(b.value);
    if (!r) return undefined;
    return lastSegment(r.path) === id || r.path === id ? r : { ...r, alias: id };
  }

  /**
   * An attribute of an object the reading cannot name (`self`, a parameter, a local instance):
   * what code assigned to that attribute (`self.run = os.system`), the last binding that
   * resolves. Writes into an item of it (`self.x[k] = …`) and mutator calls do not count.
   */
  private attribute(e: Expr & { k: 'attr' }): Resolved | undefined {
    // An instance held elsewhere (`r = R(); r.run`, `R().run`) has what methods assigned to `self.run`.
    const own = dottedKey(e);
    const key = own !== undefined && this.model.bindings.has(own) ? own : `self.${e.attr}`;
    // The last few writes only: a crafted file may assign one attribute thousands of times.
    const assigned = bindingsOf(this.model, key, e.at)
      .slice(-MAX_RETURNS * 4)
      .filter((b): b is Binding & { kind: 'value' } => b.kind === 'value' && this.model.writes.has(`${b.at}:${b.end}`) && this.model.text[b.end - 1] !== ']');
    for (let i = assigned.length - 1; i >= 0; i--) {
      if (++this.nameHops > MAX_HOPS) return undefined;
      const b = assigned[i]!;
      const found = this.expr(b.value);
      const r = found && b.via !== undefined ? { ...found, via: [...found.via, b.via] } : found;
      if (r) return r.path === key ? r : { ...r, alias: own ?? key };
    }
    return undefined;
  }

  /** The local functions a callee names (`f`, or `self.f` for a method), for what they return. */
  private localDef(callee: Expr): Expr[] | undefined {
    const name =
      callee.k === 'name' ? callee.id : callee.k === 'attr' && callee.object.k === 'name' && /^(?:self|cls)$/.test(callee.object.id) ? callee.attr : undefined;
    if (name === undefined) return undefined;
    const bindings = bindingsOf(this.model, name, callee.k === 'name' ? callee.at : -1);
    const last = bindings[bindings.length - 1];
    return last?.kind === 'def' ? last.returns : undefined;
  }

  /** Item `i` of a tuple or list display, or of what a local function returns as one. */
  private item(object: Expr, index: Expr): Expr | undefined {
    if (index.k !== 'num' || !Number.isInteger(index.value)) return undefined;
    const pick = (seq: Expr): Expr | undefined => (seq.k === 'seq' ? seq.items.at(index.value) : undefined);
    if (object.k === 'seq') return pick(object);
    if (object.k === 'call') for (const r of (this.localDef(object.callee) ?? []).slice(-MAX_RETURNS)) if (pick(r)) return pick(r);
    return undefined;
  }

  private lookup(object: Expr, key: Expr, how: string): Resolved | undefined {
    const item = this.item(object, key);
    if (item) return this.expr(item);
    const o = this.expr(object);
    if (!o) return undefined;
    const name = this.model.staticString(key);
    if (o.path === 'sys.modules') return name === undefined ? undefined : { path: normalisePath(name), via: [...o.via, 'sys.modules'] };
    if (!o.namespace) return undefined;
    if (name === undefined) return { path: `${o.path}.<computed>`, via: [...o.via, how], hidden: true };
    if (o.path === '<globals>') {
      const r = this.name(name, -1);
      return r ? { ...r, via: [...o.via, ...r.via] } : undefined;
    }
    return { path: normalisePath(`${o.path}.${name}`), via: o.via };
  }

  private call(e: Call): Resolved | undefined {
    const [a0, a1] = e.args;
    // `ns.get('exec')` on a namespace is a lookup like `ns['exec']`.
    if (e.callee.k === 'attr' && e.callee.attr === 'get' && a0) {
      const r = this.lookup(e.callee.object, a0, 'get');
      if (r) return r;
    }
    const c = this.expr(e.callee);
    if (!c) {
      // A local function's call is what it returns: `def f(): return subprocess` makes `f().run` subprocess.run.
      const returns = (this.localDef(e.callee) ?? []).slice(-MAX_RETURNS);
      for (let i = returns.length - 1; i >= 0; i--) {
        const r = this.expr(returns[i]!);
        if (r) return r;
      }
      return undefined;
    }
    const short = lastSegment(c.path);
    if (IMPORTERS.has(c.path)) {
      const name = a0 ? this.model.staticString(a0) : undefined;
      if (name === undefined) return { path: '<computed module>', via: [...c.via, short], hidden: true };
      return { path: normalisePath(name), via: [...c.via, short] };
    }
    if (c.path === 'builtins.getattr' || c.path === 'builtins.object.__getattribute__') return a0 && a1 ? this.attrByName(a0, a1, c.via, 'getattr') : undefined;
    if (c.path.endsWith('.__getattribute__') && e.callee.k === 'attr' && a0) return this.attrByName(e.callee.object, a0, c.via, '__getattribute__');
    if (c.path === 'builtins.globals' || c.path === 'builtins.locals') return { path: '<globals>', via: [...c.via, `${short}()`], namespace: true };
    if (c.path === 'builtins.vars') {
      if (!a0) return { path: '<globals>', via: [...c.via, 'vars()'], namespace: true };
      const o = this.expr(a0);
      return o ? { ...o, via: [...o.via, 'vars()'], namespace: true } : undefined;
    }
    return { path: `${c.path}()`, via: c.via, hidden: c.hidden };
  }

  private attrByName(object: Expr, key: Expr, via: string[], how: string): Resolved | undefined {
    const o = this.expr(object);
    if (!o) return undefined;
    const name = this.model.staticString(key);
    if (name === undefined) return { path: `${o.path}.<computed>`, via: [...via, ...o.via, how], hidden: true };
    return { path: normalisePath(`${o.path}.${name}`), via: [...via, ...o.via, how] };
  }
}

/**
 * What `e` names: imports and aliases followed, builtins found, and dynamic lookups
 * (`getattr`, `__import__`, `importlib.import_module`, `globals()[…]`, `vars(m)[…]`,
 * `sys.modules[…]`, `m.__dict__[…]`) read through when their keys are static. A call's
 * result is named `callee()`. Undefined for local functions, parameters and unknowns.
 */
export function resolve(model: PythonModule, e: Expr): Resolved | undefined {
  // resolve and evaluate call each other (a getattr name may be computed, a decoder named
  // through an alias): one shared bound keeps cycles between them finite.
  const topLevel = crossing === 0;
  const cached = topLevel ? memo.get(e) : undefined;
  if (cached !== undefined) return cached ?? undefined;
  if (crossing > MAX_CROSSING) return undefined;
  crossing++;
  try {
    const r = new Resolver(model).expr(e);
    // Only a top-level resolution saw every bound in full: only its result is kept.
    if (topLevel) memo.set(e, r ?? null);
    return r;
  } finally {
    crossing--;
  }
}

const memo = new WeakMap<Expr, Resolved | null>();

/** Nested resolve/evaluate calls allowed before either gives up. */
const MAX_CROSSING = 8;
let crossing = 0;

/** True while a resolve or evaluate call is running inside another. */
export function enterCrossing(): boolean {
  if (crossing > MAX_CROSSING) return false;
  crossing++;
  return true;
}

/** Leaves a section entered with enterCrossing. */
export function leaveCrossing(): void {
  crossing--;
}

/** How many resolve/evaluate calls are running now (0 at top level). */
export function crossingDepth(): number {
  return crossing;
}

/** The resolved path of a call's callee, or undefined. */
export function calleePath(model: PythonModule, call: Call): string | undefined {
  return resolve(model, call.callee)?.path;
}
