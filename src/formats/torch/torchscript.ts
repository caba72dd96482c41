import type { Expr, PythonModule } from '../python/model.js';

/**
 * TorchScript archives (`torch.jit.save`): a zip whose `<root>/code/` folder holds the model's
 * compiled methods as TorchScript source, a Python subset the C++ loader compiles and runs
 * (torch/csrc/jit/serialization/import_source.cpp). `constants.pkl` and `data.pkl` are read
 * by the C++ unpickler, whose `__torch__.*` classes are the ones compiled from code/.
 */

/** True for a member the TorchScript loader compiles: `code/…/*.py` in any root folder. */
export function isTorchScriptCode(name: string): boolean {
  return /(^|\/)code\/(.+\/)?[^/]+\.py$/.test(name);
}

/** What TorchScript source refers to: an operator (`aten::from_file`) or a TorchBind class. */
export interface TorchScriptRef {
  kind: 'op' | 'class';
  /** `namespace::name` for an op, `namespace.Class` for a TorchBind class. */
  name: string;
  namespace: string;
  /** The dotted text the source used (`torch.from_file`, `ops.evil.run`). */
  spelled: string;
  /** Index in the parsed text. */
  at: number;
}

/** A dotted name (`torch.ops.aten.add`) of an attribute chain over a plain name, or undefined. */
function dotted(e: Expr): string | undefined {
  if (e.k === 'name') return e.id;
  if (e.k === 'attr') {
    const head = dotted(e.object);
    return head === undefined ? undefined : `${head}.${e.attr}`;
  }
  return undefined;
}

/**
 * Operator named by a called dotted path, as the TorchScript compiler resolves it
 * (torch/csrc/jit/frontend/ir_emitter.cpp, python_sugared_value / BuiltinModule): `torch.f` is
 * the builtin `aten::f`; `ops.ns.f` and `torch.ops.ns.f` (with an optional overload name)
 * are `ns::f`. Method calls on values (`(fc).forward`) and compiled `__torch__` functions are
 * not operators.
 */
function opOf(path: string): { namespace: string; op: string } | undefined {
  // torch.ops.load_library / torch.classes.load_library are Python, not TorchScript builtins: the
  // compiler rejects them, but a source naming them asks for a native library all the same.
  if (path === 'torch.ops.load_library' || path === 'ops.load_library') return { namespace: 'ops', op: 'load_library' };
  if (path === 'torch.classes.load_library') return { namespace: 'classes', op: 'load_library' };
  const parts = path.split('.');
  if (parts[0] === 'torch' && parts[1] === 'ops') parts.shift();
  if (parts[0] === 'ops' && parts.length >= 3) return { namespace: parts[1]!, op: parts[2]! };
  if (parts[0] === 'torch' && parts.length === 2 && parts[1] !== 'classes') return { namespace: 'aten', op: parts[1]! };
  return undefined;
}

/** `ops.ns.op`, `torch.ops.ns.op` and `torch.from_file` / `torch.save`, not after a `.` (`self.ops.x`). */
const OP_REF = /(?<![\w.])(?:(?:torch\s*\.\s*)?ops\s*\.\s*[A-Za-z_]\w*\s*\.\s*[A-Za-z_]\w*|torch\s*\.\s*(?:from_file|save)\b)/g;

/** `torch.classes.ns.Class` and `__torch__.torch.classes.ns.Class`, in code or in annotations. */
const CLASS_REF = /(?:__torch__\.)?torch\.classes\.([A-Za-z_]\w*)\.([A-Za-z_]\w*)/g;

/**
 * Every operator a TorchScript source calls and every TorchBind class it names. Calls are read
 * from the parsed tree; class names also from annotations (`packed : __torch__.torch.classes.
 * quantized.LinearPackedParamsBase`), which the tree does not model, so from the text.
 */
export function torchScriptRefs(module: PythonModule): TorchScriptRef[] {
  const refs: TorchScriptRef[] = [];
  for (const call of module.calls) {
    const path = dotted(call.callee);
    if (path === undefined) continue;
    const op = opOf(path);
    if (op) refs.push({ kind: 'op', name: `${op.namespace}::${op.op}`, namespace: op.namespace, spelled: path, at: call.at });
  }
  // Backstop for an operator named outside a call the tree models (bound to a name first, or
  // in text the parser recovered from): file operators and ops.<namespace>.<op> anywhere.
  const atCall = new Set(refs.map((r) => r.at));
  for (const m of module.text.matchAll(OP_REF)) {
    if (atCall.has(m.index)) continue;
    const path = m[0].replace(/\s+/g, '');
    const op = opOf(path);
    if (op) refs.push({ kind: 'op', name: `${op.namespace}::${op.op}`, namespace: op.namespace, spelled: path, at: m.index });
  }
  for (const m of module.text.matchAll(CLASS_REF)) {
    refs.push({ kind: 'class', name: `${m[1]}.${m[2]}`, namespace: m[1]!, spelled: m[0], at: m.index });
  }
  return refs;
}

/** The source line an index falls on, trimmed and cut short, for evidence. */
export function lineAt(text: string, at: number): string {
  const start = text.lastIndexOf('\n', at - 1) + 1;
  const end = text.indexOf('\n', at);
  return text
    .slice(start, end < 0 ? undefined : end)
    .trim()
    .slice(0, 200);
}
