import { ModelgateError } from '../../core/errors.js';
import type { PickleStream, PValue } from '../../formats/pickle/model.js';
import { STORAGE_CLASSES, UNREPRESENTABLE, V3_DTYPES } from './dtypes.js';

/**
 * The conversion allow-list: far narrower than the scanner's. A checkpoint converts only when
 * its pickle imports nothing but these names and calls nothing but the rebuild functions and
 * `OrderedDict()`. (`torch.storage._load_from_bytes` is left out on purpose: it unpickles
 * nested bytes.)
 */
const CALLABLE = new Set(['torch._utils._rebuild_tensor_v2', 'torch._utils._rebuild_tensor_v3', 'torch._utils._rebuild_parameter', 'collections.OrderedDict']);

/** Names imported only as values: storage classes in persistent ids, dtypes for v3. */
const VALUES = new Set([
  'torch.UntypedStorage',
  'torch.storage.UntypedStorage',
  ...[...STORAGE_CLASSES.keys()].map((name) => `torch.${name}`),
  ...[...V3_DTYPES.keys()].map((name) => `torch.${name}`),
]);

/** Why some well-known names are refused, for a clearer message than "not allowed". */
const KNOWN_REFUSALS: ReadonlyMap<string, string> = new Map([
  ['torch._utils._rebuild_qtensor', 'quantized tensors have no safetensors dtype'],
  ['torch._utils._rebuild_sparse_tensor', 'sparse tensors cannot be stored in safetensors'],
  ['torch._utils._rebuild_sparse_csr_tensor', 'sparse tensors cannot be stored in safetensors'],
  ['torch._utils._rebuild_nested_tensor', 'nested tensors cannot be stored in safetensors'],
  ['torch._utils._rebuild_wrapper_subclass', 'tensor subclasses are not converted'],
  ['torch._tensor._rebuild_from_type_v2', 'tensor subclasses are not converted'],
  ['torch._utils._rebuild_meta_tensor_no_storage', 'meta tensors hold no data'],
  ['torch.storage._load_from_bytes', 'it unpickles nested bytes, which conversion never does'],
]);

/** Extra value names a caller allows (the tar format's `torch.FloatTensor`-style type records). */
export interface AllowExtra {
  values?: ReadonlySet<string>;
}

function refuse(message: string, offset: number): never {
  throw new ModelgateError('CONVERT_REFUSED', message, { offset });
}

function unsupported(message: string, offset: number): never {
  throw new ModelgateError('UNSUPPORTED', message, { offset });
}

function calleePath(v: PValue): string | undefined {
  return v.k === 'global' ? v.ref.path : undefined;
}

/**
 * Throws CONVERT_REFUSED (or UNSUPPORTED, for tensors safetensors cannot hold) unless every
 * event of the stream is inside the conversion allow-list: imports, calls, BUILDs (only the
 * `_metadata` attributes of an OrderedDict), item additions (only into an OrderedDict), and no
 * dynamic imports, extension codes, skipped operands, out-of-band buffers or errors.
 */
export function checkConvertible(stream: PickleStream, what: string, extra: AllowExtra = {}): void {
  if (stream.error) throw new ModelgateError(stream.error.code, `${what}: ${stream.error.message}`, { offset: stream.error.offset, cause: stream.error });
  for (const ref of stream.imports) {
    const short = ref.path.replace(/^torch\./, '');
    const reason = KNOWN_REFUSALS.get(ref.path) ?? UNREPRESENTABLE.get(short);
    if (reason !== undefined) unsupported(`${what} imports ${ref.path}: ${reason}`, ref.offset);
    if (!CALLABLE.has(ref.path) && !VALUES.has(ref.path) && !extra.values?.has(ref.path)) {
      refuse(`${what} imports ${ref.path}, which is outside the conversion allow-list`, ref.offset);
    }
  }
  for (const call of stream.calls) {
    const path = calleePath(call.object.callee);
    if (call.op !== 'REDUCE' || path === undefined || !CALLABLE.has(path)) {
      refuse(`${what} would call ${path ?? 'a computed value'} (${call.op}), which conversion does not allow`, call.offset);
    }
    if (path === 'collections.OrderedDict' && call.object.args.length > 1)
      refuse(`${what}: OrderedDict called with ${call.object.args.length} arguments`, call.offset);
  }
  for (const build of stream.builds) {
    if (build.target.k !== 'obj' || calleePath(build.target.callee) !== 'collections.OrderedDict' || build.state.k !== 'dict') {
      refuse(`${what} sets the state of something other than an OrderedDict (BUILD)`, build.offset);
    }
  }
  for (const m of stream.mutations) {
    const ok = m.target.k === 'obj' && calleePath(m.target.callee) === 'collections.OrderedDict' && (m.op === 'SETITEM' || m.op === 'SETITEMS');
    if (!ok) refuse(`${what} adds items (${m.op}) to something other than an OrderedDict`, m.offset);
  }
  if (stream.dynamicImports.length > 0) refuse(`${what} computes an import at load time`, stream.dynamicImports[0]!.offset);
  if (stream.extensions.length > 0) refuse(`${what} uses a copyreg extension code`, stream.extensions[0]!.offset);
  if (stream.skippedOperands.length > 0) unsupported(`${what} holds an operand too long to read`, stream.skippedOperands[0]!.offset);
}
