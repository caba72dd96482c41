/**
 * Pickles for the rule tests, built with the pickle builder: benign look-alikes written the way
 * torch.save / pickle.py write them, and payloads from THREATS.md section 1.
 */
import { readFileSync } from 'node:fs';
import { type AllowKind, defaultAllowList } from '../../../src/detectors/pickle/allowlist.js';
import { pickle, type PickleBuilder } from '../../../src/formats/pickle/builder.js';

type Name = readonly [module: string, name: string];

/** The first candidate the shipped allow-list gives one of `kinds`; fails loudly if none. */
function allowed(kinds: AllowKind[], candidates: Name[]): Name {
  const list = defaultAllowList();
  const hit = candidates.find(([m, n]) => kinds.includes(list.kindOf(`${m}.${n}`) as AllowKind));
  if (!hit) throw new Error(`the allow-list has none of ${candidates.map((c) => c.join('.')).join(', ')} as ${kinds.join('/')}`);
  return hit;
}

/** A class pickles create with __new__ and BUILD, never call (torch modules, storages, ndarray). */
export const ALLOWED_CLASS = allowed(
  ['class'],
  [
    ['torch.nn.modules.linear', 'Linear'],
    ['torch', 'FloatStorage'],
    ['numpy', 'ndarray'],
  ],
);

/** Some allow-listed constant (a dtype...), when the list has one. */
export const ALLOWED_CONSTANT: Name | undefined = (() => {
  const file = JSON.parse(readFileSync(new URL('../../../src/detectors/pickle/allowlist.json', import.meta.url), 'utf8')) as {
    entries: Record<string, Record<string, { kind: AllowKind }>>;
  };
  for (const [module, names] of Object.entries(file.entries)) {
    for (const [name, entry] of Object.entries(names)) if (entry.kind === 'constant') return [module, name] as const;
  }
  return undefined;
})();

const p2 = (): PickleBuilder => pickle().proto(2);

/** `module.name(arg)` at protocol 2, the shape of most published payloads. */
export function callWith(module: string, name: string, arg = 'echo x'): PickleBuilder {
  return p2().global(module, name).binunicode(arg).tuple1().reduce().stop();
}

/** `module` + dotted `qualname` imported by STACK_GLOBAL (protocol 4) and called with `arg`. */
export function dottedCall(module: string, qualname: string, arg = 'echo x'): PickleBuilder {
  return pickle().proto(4).str(module).str(qualname).stackGlobal().str(arg).tuple1().reduce().stop();
}

/**
 * A torch state dict as torch.save writes data.pkl: OrderedDict() filled by SETITEMS with
 * tensors from `_rebuild_tensor_v2(persistent_load(('storage', FloatStorage, key, 'cpu', n)),
 * offset, size, stride, requires_grad, OrderedDict())`, then BUILD of `_metadata`. Protocol 4
 * imports through STACK_GLOBAL with the dotted `torch` + `_utils._rebuild_tensor_v2`.
 */
export function torchStateDict(protocol: 2 | 4 = 2): PickleBuilder {
  const b = pickle().proto(protocol);
  const imp = (module: string, name: string, dotted: Name): PickleBuilder =>
    protocol === 2 ? b.global(module, name) : b.str(dotted[0]).str(dotted[1]).stackGlobal();
  imp('collections', 'OrderedDict', ['collections', 'OrderedDict']).binput(0).emptyTuple().reduce().binput(1).mark();
  ['fc.weight', 'fc.bias'].forEach((key, i) => {
    b.binunicode(key);
    if (i === 0) imp('torch._utils', '_rebuild_tensor_v2', ['torch', '_utils._rebuild_tensor_v2']).binput(2);
    else b.binget(2);
    b.mark().mark().binunicode('storage');
    if (i === 0) imp('torch', 'FloatStorage', ['torch', 'FloatStorage']).binput(3);
    else b.binget(3);
    b.binunicode(String(i)).binunicode('cpu').binint1(6).tuple().binpersid();
    b.binint1(0).binint1(2).binint1(3).tuple2().binint1(3).binint1(1).tuple2().newfalse();
    b.binget(0).emptyTuple().reduce().tuple().reduce();
  });
  b.setitems();
  b.emptyDict().binunicode('_metadata').binget(0).emptyTuple().reduce();
  b.mark().binunicode('').emptyDict().binunicode('version').binint1(1).setitem().setitems();
  return b.setitem().build().stop();
}

/** A whole torch module as torch.save pickles it: NEWOBJ of the class, then BUILD of __dict__. */
export function torchModule(): PickleBuilder {
  return p2()
    .global(...ALLOWED_CLASS)
    .emptyTuple()
    .newobj()
    .emptyDict()
    .mark()
    .binunicode('training')
    .newtrue()
    .binunicode('_parameters')
    .global('collections', 'OrderedDict')
    .emptyTuple()
    .reduce()
    .setitems()
    .build()
    .stop();
}

/** Protocol 0 as Python 2 wrote objects: `copy_reg._reconstructor(cls, __builtin__.object, None)`. */
export function protocol0Reconstructor(cls: Name = ALLOWED_CLASS, base: Name = ['__builtin__', 'object']): PickleBuilder {
  return pickle()
    .global('copy_reg', '_reconstructor')
    .put(0)
    .mark()
    .global(...cls)
    .put(1)
    .global(...base)
    .put(2)
    .none()
    .tuple()
    .put(3)
    .reduce()
    .put(4)
    .mark()
    .dict()
    .put(5)
    .unicode('weight')
    .put(6)
    .int(1)
    .setitem()
    .build()
    .stop();
}

/** Protocol 2 bytes as Python 3 writes them: `_codecs.encode('abc\xff', 'latin1')`. */
export function codecsBytes(): PickleBuilder {
  return p2().global('_codecs', 'encode').binput(0).binunicode('abc\xff').binput(1).binunicode('latin1').binput(2).tuple2().reduce().stop();
}

/** `OrderedDict()` filled by SETITEMS. */
export function orderedDictSetitems(): PickleBuilder {
  return p2().global('collections', 'OrderedDict').emptyTuple().reduce().mark().binunicode('a').binint1(1).binunicode('b').binint1(2).setitems().stop();
}

/** A set at protocol 2: `builtins.set([1, 2])`, written as `__builtin__.set`. */
export function builtinsSet(): PickleBuilder {
  return p2().global('__builtin__', 'set').emptyList().mark().binint1(1).binint1(2).appends().tuple1().reduce().stop();
}

/** `{'a': [1, 2.5, None], 'b': (True, b'x')}`, nothing imported. */
export function plainData(): PickleBuilder {
  return pickle()
    .proto(4)
    .emptyDict()
    .memoize()
    .mark()
    .str('a')
    .emptyList()
    .mark()
    .binint1(1)
    .binfloat(2.5)
    .none()
    .appends()
    .str('b')
    .newtrue()
    .shortBinbytes('x')
    .tuple2()
    .setitems()
    .stop();
}

/** dill's way to pickle a numpy array: `_create_array(f, args, state, npdict)` does `f(*args)`. */
export const dillArray = (f: [string, string], cls: [string, string]): PickleBuilder =>
  pickle()
    .proto(2)
    .global('dill._dill', '_create_array')
    .mark()
    .global(...f)
    .global(...cls)
    .binint1(0)
    .tuple1()
    .shortBinbytes('b')
    .tuple3()
    .mark()
    .binint1(1)
    .binint1(2)
    .tuple1()
    .global('numpy', 'dtype')
    .shortBinunicode('f8')
    .tuple1()
    .reduce()
    .newfalse()
    .shortBinbytes('\x00'.repeat(16))
    .tuple()
    .none()
    .tuple()
    .reduce()
    .stop();

/** How pandas 3 pickles a time zone: a bound classmethod, `getattr(ZoneInfo, '_unpickle')(key, 1)`. */
export const zoneInfo = (owner: [string, string] = ['zoneinfo', 'ZoneInfo'], attr = '_unpickle', arg = 'Europe/Berlin'): PickleBuilder =>
  pickle()
    .proto(2)
    .global('builtins', 'getattr')
    .global(...owner)
    .shortBinunicode(attr)
    .tuple2()
    .reduce()
    .shortBinunicode(arg)
    .binint1(1)
    .tuple2()
    .reduce()
    .stop();

/** `functools.partial(f)` then BUILD `(g, args, kwds, dict)`, as partial pickles itself. */
export const partialOf = (f: [string, string], g: [string, string] = f, withDict = false): PickleBuilder => {
  const b = pickle()
    .proto(2)
    .global('functools', 'partial')
    .global(...f)
    .tuple1()
    .reduce();
  b.mark()
    .global(...g)
    .emptyTuple()
    .emptyDict()
    .shortBinunicode('ensure_all_finite')
    .newfalse()
    .setitem();
  if (withDict) b.emptyDict().shortBinunicode('__call__').global('os', 'system').setitem();
  else b.none();
  return b.tuple().build().stop();
};

/** Benign look-alikes (THREATS.md): no pickle rule may report anything on them. */
export const BENIGN: Array<{ name: string; input: PickleBuilder }> = [
  { name: 'torch state dict, protocol 2', input: torchStateDict(2) },
  { name: 'torch state dict, protocol 4 with dotted names', input: torchStateDict(4) },
  { name: 'whole torch module (NEWOBJ + BUILD)', input: torchModule() },
  { name: 'protocol-0 copy_reg._reconstructor(cls, object, None)', input: protocol0Reconstructor() },
  { name: "_codecs.encode('…', 'latin1')", input: codecsBytes() },
  { name: 'OrderedDict SETITEMS', input: orderedDictSetitems() },
  { name: 'builtins.set([1, 2])', input: builtinsSet() },
  { name: 'plain data', input: plainData() },
  {
    name: "scikit-learn's FunctionTransformer func: partial(check_array, ensure_all_finite=False)",
    input: partialOf(['sklearn.utils.validation', 'check_array']),
  },
  { name: "pandas 3 time zone: getattr(zoneinfo.ZoneInfo, '_unpickle')('Europe/Berlin', 1)", input: zoneInfo() },
  {
    name: "dill's numpy array: _create_array(numpy _reconstruct, (ndarray, …), state)",
    input: dillArray(['numpy._core.multiarray', '_reconstruct'], ['numpy', 'ndarray']),
  },
];
