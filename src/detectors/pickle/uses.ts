import type { GlobalRef, PickleCall, PickleStream } from '../../formats/pickle/model.js';
import { renderValue } from '../../formats/pickle/render.js';

/** Every imported path of a stream, with the calls made through it. */
export interface GlobalUse {
  ref: GlobalRef;
  calls: PickleCall[];
}

const cache = new WeakMap<PickleStream, Map<string, GlobalUse>>();

/** Imports grouped by path (first import kept as the location), each with its calls. */
export function globalUses(stream: PickleStream): Map<string, GlobalUse> {
  const cached = cache.get(stream);
  if (cached) return cached;
  const uses = new Map<string, GlobalUse>();
  for (const ref of stream.imports) if (!uses.has(ref.path)) uses.set(ref.path, { ref, calls: [] });
  for (const call of stream.calls) {
    const callee = call.object.callee;
    if (callee.k === 'global') uses.get(callee.ref.path)?.calls.push(call);
  }
  cache.set(stream, uses);
  return uses;
}

/** How a use reads in a message: the first call with its arguments, or the bare import. */
export function describeUse(use: GlobalUse): { verb: string; evidence: string; offset: number; opIndex: number } {
  const first = use.calls[0];
  if (!first) return { verb: 'imports', evidence: use.ref.path, offset: use.ref.offset, opIndex: use.ref.opIndex };
  const more = use.calls.length > 1 ? ` (and ${use.calls.length - 1} more calls)` : '';
  const verb = first.op === 'NEWOBJ' || first.op === 'NEWOBJ_EX' ? 'creates' : 'calls';
  return { verb, evidence: renderValue(first.object) + more, offset: first.offset, opIndex: first.opIndex };
}
