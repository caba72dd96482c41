import type { PickleCall, PValue } from '../../formats/pickle/model.js';

/**
 * Functions that load a whole model file from a bytes argument: pickling a torch tensor with
 * plain `pickle` gives `torch.storage._load_from_bytes(b'<torch.save bytes>')`, which runs
 * `torch.load` on them. Such a call is judged by what the bytes hold: modelgate scans them as
 * a file of their own (any payload is reported there), so the call itself is not a finding
 * when the argument is literal bytes. Any other argument is graded by the deny-list as usual.
 */
const NESTED_LOADERS: ReadonlyMap<string, number> = new Map([['torch.storage._load_from_bytes', 0]]);

/** The literal bytes a nested-loader call loads, or undefined when it is not such a call. */
export function nestedLoaderBytes(call: PickleCall): (PValue & { k: 'bytes' }) | undefined {
  const callee = call.object.callee;
  if (callee.k !== 'global') return undefined;
  const index = NESTED_LOADERS.get(callee.ref.path);
  if (index === undefined) return undefined;
  const arg = call.object.args[index];
  return arg?.k === 'bytes' && arg.v !== null ? arg : undefined;
}

/** True when `path` names a nested loader. */
export function isNestedLoader(path: string): boolean {
  return NESTED_LOADERS.has(path);
}
