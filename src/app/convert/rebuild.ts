import { ModelgateError } from '../../core/errors.js';
import { KEPT_ITEMS } from '../../formats/pickle/parse.js';
import type { PObject, PValue } from '../../formats/pickle/model.js';
import { STORAGE_CLASSES, V3_DTYPES, type ElementType } from './dtypes.js';
import { byteExtent, type NamedTensor, type Storage, type TensorView } from './model.js';

/** What a persistent id stands for: a typed storage (zip, legacy) or a ready tensor (tar). */
export type PersidTarget = { kind: 'storage'; storage: Storage; type: ElementType | 'untyped' } | { kind: 'tensor'; tensor: TensorView };

/** Resolves a persistent id the way the format's `persistent_load` would, or throws. */
export type PersidResolver = (pid: PValue) => PersidTarget;

/** Deepest dict nesting flattened; real checkpoints nest two or three levels. */
const MAX_NESTING = 32;

function unsupported(message: string): never {
  throw new ModelgateError('UNSUPPORTED', message);
}

function calleePath(o: PObject): string | undefined {
  return o.callee.k === 'global' ? o.callee.ref.path : undefined;
}

/** A small non-negative integer, or a refusal naming `what`. */
function count(v: PValue | undefined, what: string): number {
  if (v?.k !== 'int' || typeof v.v !== 'number' || v.v < 0 || !Number.isSafeInteger(v.v)) unsupported(`${what} is not a non-negative integer`);
  return v.v;
}

function counts(v: PValue | undefined, what: string): number[] {
  if (v?.k !== 'tuple' && v?.k !== 'list') unsupported(`${what} is not a tuple`);
  return v.items.map((x, i) => count(x, `${what}[${i}]`));
}

/** `backward_hooks` must be an empty `OrderedDict()`: hooks are code. */
function checkNoHooks(v: PValue | undefined, name: string): void {
  const empty = v?.k === 'obj' && calleePath(v) === 'collections.OrderedDict' && v.args.length === 0 && v.added.length === 0;
  if (!empty) unsupported(`${name}: the tensor carries backward hooks`);
}

/**
 * `_rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks,
 * metadata=None)` and `_rebuild_tensor_v3(..., backward_hooks, dtype, metadata=None)`
 * (torch/_utils.py): `torch.empty((0,), dtype).set_(storage, offset, size, stride)`.
 */
function rebuildTensor(o: PObject, v3: boolean, resolve: PersidResolver, name: string): TensorView {
  const [storageArg, offsetArg, sizeArg, strideArg, , hooks, ...rest] = o.args;
  if (o.args.length < 6 || o.args.length > (v3 ? 8 : 7)) unsupported(`${name}: ${o.args.length} arguments to the tensor rebuild`);
  checkNoHooks(hooks, name);
  const metadata = v3 ? rest[1] : rest[0];
  if (metadata !== undefined && metadata.k !== 'none') unsupported(`${name}: the tensor carries extra metadata`);
  if (storageArg?.k !== 'persid') unsupported(`${name}: the tensor's storage is not a persistent reference`);
  const target = resolve(storageArg.pid);
  if (target.kind !== 'storage') unsupported(`${name}: the tensor's storage reference names a tensor`);
  let type: ElementType;
  if (v3) {
    const dtype = rest[0];
    const dtypeName = dtype?.k === 'global' && dtype.ref.resolvedModule === 'torch' ? dtype.ref.resolvedName : undefined;
    const known = dtypeName === undefined ? undefined : V3_DTYPES.get(dtypeName);
    if (!known) unsupported(`${name}: dtype ${dtypeName ?? '?'} is not converted`);
    type = known;
  } else {
    if (target.type === 'untyped') unsupported(`${name}: _rebuild_tensor_v2 on an untyped storage`);
    type = target.type;
  }
  const view: TensorView = {
    storage: target.storage,
    type,
    offset: count(offsetArg, `${name}: storage offset`),
    shape: counts(sizeArg, `${name}: size`),
    stride: counts(strideArg, `${name}: stride`),
  };
  return checkView(view, name);
}

/** The view must lie inside its storage (torch checks this in `set_`). */
export function checkView(view: TensorView, name: string): TensorView {
  if (view.shape.length !== view.stride.length) unsupported(`${name}: size and stride differ in length`);
  const { end } = byteExtent(view);
  if (!Number.isSafeInteger(end) || end > view.storage.size) {
    throw new ModelgateError('MALFORMED', `${name}: the view needs ${end} bytes but storage ${view.storage.key} holds ${view.storage.size}`);
  }
  return view;
}

/** A storage class name from a persistent id's class argument, for zip and legacy ids. */
export function storageType(v: PValue | undefined): ElementType | 'untyped' {
  const name = v?.k === 'global' && (v.ref.resolvedModule === 'torch' || v.ref.resolvedModule === 'torch.storage') ? v.ref.resolvedName : undefined;
  if (name === 'UntypedStorage') return 'untyped';
  if (v?.k === 'global' && v.ref.resolvedModule !== 'torch') unsupported(`storage class ${v.ref.path} is not converted`);
  const type = name === undefined ? undefined : STORAGE_CLASSES.get(name);
  if (!type) unsupported(`storage class ${name ?? '?'} is not converted`);
  return type;
}

/** The (key, value) pairs of a dict or an OrderedDict, refusing anything cut short. */
function entriesOf(v: PValue, name: string): Array<[PValue, PValue]> | undefined {
  if (v.k === 'dict') {
    if (v.dropped) unsupported(`${name || 'the checkpoint'}: a dict of more than ${KEPT_ITEMS} entries`);
    return v.entries;
  }
  if (v.k !== 'obj' || calleePath(v) !== 'collections.OrderedDict') return undefined;
  if (v.dropped) unsupported(`${name || 'the checkpoint'}: a dict of more than ${KEPT_ITEMS} entries`);
  const pairs: Array<[PValue, PValue]> = [];
  // Python 2 era: OrderedDict([[k, v], ...]); since then: OrderedDict() then SETITEMS.
  const initial = v.args[0];
  if (initial !== undefined) {
    if (initial.k !== 'list' || initial.dropped) unsupported(`${name}: OrderedDict built from something other than a list of pairs`);
    for (const pair of initial.items) {
      if ((pair.k !== 'list' && pair.k !== 'tuple') || pair.items.length !== 2) unsupported(`${name}: OrderedDict item is not a pair`);
      pairs.push([pair.items[0]!, pair.items[1]!]);
    }
  }
  for (let i = 0; i + 1 < v.added.length; i += 2) pairs.push([v.added[i]!, v.added[i + 1]!]);
  return pairs;
}

function keyText(k: PValue, parent: string): string {
  if (k.k === 'str') return k.v;
  if (k.k === 'int') return String(k.v);
  return unsupported(`${parent || 'the checkpoint'}: a key that is not a string`);
}

/**
 * Flattens the object a checkpoint pickle returns into named tensors: dicts and OrderedDicts
 * nest with dotted names (as `model.state_dict()` names them), leaves must be tensors built by
 * the rebuild functions or, in the tar format, tensors named by persistent id. Anything else
 * (a number, a string, a list, an optimizer) is refused with its name.
 */
export function flattenCheckpoint(result: PValue, resolve: PersidResolver): NamedTensor[] {
  const out: NamedTensor[] = [];
  const seen = new Set<string>();
  const visit = (v: PValue, name: string, depth: number): void => {
    if (depth > MAX_NESTING) unsupported(`${name}: dicts nested more than ${MAX_NESTING} deep`);
    const entries = entriesOf(v, name);
    if (entries) {
      for (const [k, value] of entries) visit(value, name === '' ? keyText(k, name) : `${name}.${keyText(k, name)}`, depth + 1);
      return;
    }
    if (name === '') unsupported('the checkpoint is not a dict of tensors');
    const tensor = leafTensor(v, resolve, name);
    if (seen.has(name)) unsupported(`two tensors flatten to the same name ${JSON.stringify(name)}`);
    seen.add(name);
    out.push({ name, tensor });
  };
  visit(result, '', 0);
  return out;
}

function leafTensor(v: PValue, resolve: PersidResolver, name: string): TensorView {
  if (v.k === 'persid') {
    const target = resolve(v.pid);
    if (target.kind !== 'tensor') unsupported(`${name}: a bare storage, not a tensor`);
    return checkView(target.tensor, name);
  }
  if (v.k === 'obj') {
    const path = calleePath(v);
    if (path === 'torch._utils._rebuild_tensor_v2') return rebuildTensor(v, false, resolve, name);
    if (path === 'torch._utils._rebuild_tensor_v3') return rebuildTensor(v, true, resolve, name);
    if (path === 'torch._utils._rebuild_parameter') {
      // _rebuild_parameter(data, requires_grad, backward_hooks): the data tensor is what is stored.
      if (v.args.length !== 3 || v.args[0] === undefined) unsupported(`${name}: ${v.args.length} arguments to _rebuild_parameter`);
      checkNoHooks(v.args[2], name);
      return leafTensor(v.args[0], resolve, name);
    }
  }
  return unsupported(`${name}: ${describe(v)}, not a tensor (safetensors holds tensors only)`);
}

function describe(v: PValue): string {
  if (v.k === 'obj') return `a value made by ${v.callee.k === 'global' ? v.callee.ref.path : 'a call'}`;
  return {
    none: 'None',
    bool: 'a bool',
    int: 'an int',
    float: 'a float',
    str: 'a str',
    bytes: 'bytes',
    tuple: 'a tuple',
    list: 'a list',
    dict: 'a dict',
    set: 'a set',
    global: 'a global name',
    persid: 'a persistent id',
    ext: 'an extension',
    buffer: 'a buffer',
  }[v.k];
}
