/**
 * Operator domains of the ONNX standard (onnx/defs: ONNX_DOMAIN '' and its alias 'ai.onnx',
 * ONNX_ML_DOMAIN, AI_ONNX_PREVIEW_DOMAIN, AI_ONNX_PREVIEW_TRAINING_DOMAIN, and the training
 * domain of the ONNX training spec). Their operators are defined by the spec and built into
 * every runtime.
 */
export const STANDARD_DOMAINS: ReadonlySet<string> = new Set(['', 'ai.onnx', 'ai.onnx.ml', 'ai.onnx.training', 'ai.onnx.preview', 'ai.onnx.preview.training']);

/**
 * Domains of well-known runtimes and exporters, with where they come from. Their kernels ship
 * with the runtime (onnxruntime's contrib ops, PyTorch's ATen fallback, onnxruntime-extensions),
 * so a model using them needs that runtime but no library of unknown origin.
 */
export const KNOWN_RUNTIME_DOMAINS: ReadonlyMap<string, string> = new Map([
  ['com.microsoft', 'onnxruntime contrib operators'],
  ['com.microsoft.nchwc', 'onnxruntime NCHWc layout operators'],
  ['com.microsoft.experimental', 'onnxruntime experimental operators'],
  ['com.microsoft.dml', 'onnxruntime DirectML operators'],
  ['com.ms.internal.nhwc', 'onnxruntime internal NHWC operators'],
  ['org.pytorch.aten', 'PyTorch ATen fallback operators'],
  ['ai.onnx.contrib', 'onnxruntime-extensions custom operators'],
]);

/** 'standard', 'known' (with the runtime it belongs to) or 'custom'. */
export function classifyDomain(domain: string): { kind: 'standard' } | { kind: 'known'; runtime: string } | { kind: 'custom' } {
  if (STANDARD_DOMAINS.has(domain)) return { kind: 'standard' };
  const runtime = KNOWN_RUNTIME_DOMAINS.get(domain);
  return runtime ? { kind: 'known', runtime } : { kind: 'custom' };
}
