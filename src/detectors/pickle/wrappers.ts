import type { PickleCall, PickleStream, PValue } from '../../formats/pickle/model.js';
import { defaultAllowList } from './allowlist.js';
import { denyGrade } from './denylist.js';
import { argumentMisfit } from './reconstructor-abuse.js';

/**
 * Library helpers that only call one argument with another and fill in the result, keyed by
 * path: the position of the callable and of its argument tuple. dill/_dill.py
 * `_create_array(f, args, state, npdict=None)` is `array = f(*args); array.__setstate__(state)`
 * (then `array.__dict__.update(npdict)`): how dill pickles every numpy array. dill stays out of
 * the allow-list (it also builds code objects and functions), so a call of such a helper is
 * judged as the call it makes.
 */
const WRAPPERS: ReadonlyMap<string, { callee: number; args: number }> = new Map([['dill._dill._create_array', { callee: 0, args: 1 }]]);

/** True when `path` names a call wrapper. */
export function isCallWrapper(path: string): boolean {
  return WRAPPERS.has(path);
}

/**
 * True when a wrapper call makes an allowed call: a REDUCE whose callable is an allow-listed
 * function or inert class, given a literal tuple of arguments that fit it (the same checks as
 * calling it directly, see reconstructor-abuse.ts). Anything else is judged as usual.
 */
export function wrappedCallAllowed(call: PickleCall): boolean {
  const callee = call.object.callee;
  const at = callee.k === 'global' ? WRAPPERS.get(callee.ref.path) : undefined;
  if (!at || call.op !== 'REDUCE') return false;
  const f: PValue | undefined = call.object.args[at.callee];
  const args: PValue | undefined = call.object.args[at.args];
  if (f?.k !== 'global' || args?.k !== 'tuple') return false;
  const kind = defaultAllowList().kindOf(f.ref.path);
  if (kind !== 'function' && kind !== 'class-call') return false;
  return argumentMisfit(f.ref.path, args.items) === undefined;
}

/**
 * True when a call is `builtins.getattr(<global>, '<literal name>')` naming an allow-listed
 * path: the interpreter turns its value into that global (see parse.ts), so it is judged as
 * the name it reaches, like a dotted STACK_GLOBAL.
 */
export function staticGetattrAllowed(call: PickleCall): boolean {
  const [owner, attr] = call.object.args;
  if (call.op !== 'REDUCE' || call.object.args.length !== 2 || owner?.k !== 'global' || attr?.k !== 'str') return false;
  return defaultAllowList().kindOf(`${owner.ref.path}.${attr.v}`) !== undefined;
}

/** Nesting past which a value is not looked into (and so not judged literal). */
const LITERAL_DEPTH = 16;

/**
 * A value made of literals only: no import, call result, persistent id or extension code, and
 * no container whose dropped items went unseen.
 */
function isLiteral(v: PValue, depth = 0): boolean {
  if (depth > LITERAL_DEPTH) return false;
  switch (v.k) {
    case 'none':
    case 'bool':
    case 'int':
    case 'float':
    case 'str':
    case 'bytes':
      return true;
    case 'tuple':
      return v.items.every((i) => isLiteral(i, depth + 1));
    case 'list':
    case 'set':
      return !v.dropped && v.items.every((i) => isLiteral(i, depth + 1));
    case 'dict':
      return !v.dropped && !v.computedKey && v.entries.every(([k, x]) => isLiteral(k, depth + 1) && isLiteral(x, depth + 1));
    default:
      return false;
  }
}

/**
 * True when binding `f` to `args` in a partial is judged as `f` itself. The partial calls
 * nothing (calling it is the dynamic-call rule's), so `f` only has to be an import the other
 * rules judge: an allow-listed function or inert class with fitting arguments, or any other
 * name that is not deny-graded (a class that is only created, a function outside the
 * allow-list, which unknown-global reports on its own) bound to literal arguments. A
 * deny-graded `f` keeps the partial reported too.
 */
function bindable(f: PValue | undefined, args: readonly PValue[], kwds?: PValue): boolean {
  if (f?.k !== 'global') return false;
  const kind = defaultAllowList().kindOf(f.ref.path);
  if (kind === 'function' || kind === 'class-call') return argumentMisfit(f.ref.path, args) === undefined;
  const literalKeywords = kwds === undefined || kwds.k === 'none' || (kwds.k === 'dict' && isLiteral(kwds));
  return denyGrade(f.ref.path) === undefined && literalKeywords && args.every((a) => isLiteral(a));
}

/**
 * True when a `functools.partial` call only binds a callable judged as itself (see
 * `bindable`): `partial(f)` creates the object (calling nothing), and the BUILD that follows
 * (`partial.__setstate__((f, args, kwds, dict))`, as partial pickles itself) may swap `f`, so
 * every BUILD on that object must bind a callable that passes too, with no instance dict.
 * scikit-learn stores `FunctionTransformer(partial(check_array, …))` inside HistGradientBoosting
 * models; timm modules hold `partial(nn.LayerNorm, eps=1e-6)`.
 */
export function partialAllowed(stream: PickleStream, call: PickleCall): boolean {
  if (call.op !== 'REDUCE' || call.object.args.length !== 1 || !bindable(call.object.args[0], [])) return false;
  return stream.builds.every((b) => {
    if (b.target !== call.object) return true;
    const [f, args, kwds, dict] = b.state.k === 'tuple' ? b.state.items : [];
    if (b.state.k !== 'tuple' || b.state.items.length !== 4) return false;
    const bound = args?.k === 'tuple' ? args.items : undefined;
    return bound !== undefined && bindable(f, bound, kwds) && (dict?.k === 'none' || (dict?.k === 'dict' && dict.entries.length === 0));
  });
}
