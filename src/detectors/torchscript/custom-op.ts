import { torchScriptRefs } from '../../formats/torch/torchscript.js';
import type { PythonModule } from '../../formats/python/model.js';
import type { Rule } from '../types.js';

/**
 * Operator namespaces libtorch registers itself (torch 2.13's `_jit_get_all_schemas()`),
 * minus the distributed ones below: calling these needs nothing but torch.
 */
const BUILTIN_OP_NAMESPACES = new Set([
  'aten',
  'prim',
  'prims',
  'quantized',
  '_quantized',
  'quantization',
  'quantized_decomposed',
  '_caffe2',
  'onednn',
  'mkldnn',
  'mkldnn_prepacked',
  'mkl',
  'profiler',
  'sparse',
  'static_runtime',
  'inductor',
  'inductor_prims',
  'rngprims',
  'onnx',
  '_native',
  'debugprims',
]);

/** Namespaces of collective communication: ops that talk to other processes over the network. */
const DISTRIBUTED_NAMESPACES = new Set(['c10d', '_c10d_functional', '_c10d_functional_autograd', 'c10d_functional', 'symm_mem', '_dtensor', 'dist_c10d']);

/**
 * Builtin operators of distributed RPC: `torch.distributed.rpc.rpc_async(...)` in scripted code
 * is saved as `ops.prim.rpc_async()` and calls a function on another machine.
 */
const RPC_OPS = new Set(['prim::rpc_async', 'prim::rpc_sync', 'prim::rpc_remote']);

/** TorchBind class namespaces libtorch registers itself (quantized packed params, xnnpack, rnn). */
const BUILTIN_CLASS_NAMESPACES = new Set(['quantized', 'xnnpack', 'rnn', 'mkldnn', 'onednn', 'sparse']);

/** TorchScript code needing operators or classes that only a native library outside torch provides. */
export const customOp: Rule<PythonModule> = {
  meta: {
    id: 'torchscript/custom-op',
    defaultSeverity: 'medium',
    title: 'TorchScript code uses operators or classes from outside libtorch',
    description:
      "A TorchScript archive's code/ calls an operator (torch.ops.<namespace>.<op>) or names a TorchBind class (torch.classes.<namespace>.<Class>) that libtorch does not provide. Loading it needs a native library registered first (torch.ops.load_library), whose code runs with the loader's rights; distributed (c10d) operators talk to other machines.",
    docs: 'docs/rules/torchscript-custom-op.md',
    references: ['MITRE ATLAS AML.T0010', 'MITRE ATLAS AML.T0011.000', 'OWASP LLM03:2025', 'CWE-829'],
  },
  check(module, ctx) {
    const seen = new Set<string>();
    for (const ref of torchScriptRefs(module)) {
      const rpc = ref.kind === 'op' && RPC_OPS.has(ref.name);
      const builtin = !rpc && (ref.kind === 'op' ? BUILTIN_OP_NAMESPACES.has(ref.namespace) : BUILTIN_CLASS_NAMESPACES.has(ref.namespace));
      if (builtin || seen.has(ref.name)) continue;
      seen.add(ref.name);
      const pos = module.locate(ref.at);
      const what = ref.kind === 'op' ? `operator ${ref.name}` : `TorchBind class ${ref.name}`;
      if (rpc || DISTRIBUTED_NAMESPACES.has(ref.namespace)) {
        const kind = rpc ? 'a remote procedure call' : 'a distributed collective';
        ctx.report({
          severity: 'high',
          message: `TorchScript code uses ${what} (${ref.spelled}) at ${pos.where}: ${kind}, which connects to other processes over the network`,
          location: { offset: pos.offset },
          evidence: ref.spelled,
        });
        continue;
      }
      const loadLibrary = ref.name.endsWith('::load_library') || ref.name.endsWith('.load_library');
      ctx.report({
        ...(loadLibrary ? { severity: 'high' as const } : {}),
        message: loadLibrary
          ? `TorchScript code calls ${ref.spelled} at ${pos.where}: it loads a native library`
          : `TorchScript code uses ${what} (${ref.spelled}) at ${pos.where}, which libtorch does not provide: loading it needs a native library registered first`,
        location: { offset: pos.offset },
        evidence: ref.spelled,
      });
    }
  },
};
