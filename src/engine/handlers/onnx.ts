import type { ByteSource } from '../../core/byte-source.js';
import { ONNX_RULES } from '../../detectors/onnx/index.js';
import { parseOnnx } from '../../formats/onnx/parse.js';
import type { ScanContext } from '../context.js';

export { looksLikeOnnx } from '../../formats/onnx/parse.js';

/** A location that names a file directly beside the model (no folders), which `sibling` can look up. */
const isPlainName = (location: string): boolean => location !== '' && !/[\\/]/.test(location) && location !== '.' && location !== '..';

/**
 * Scans an ONNX model (onnx/onnx.proto ModelProto): runs the ONNX rules over everything read,
 * including subgraphs and model-local functions. A model that cannot be read to its end (or
 * hits a limit) adds a fatal finding after the findings of what was read. Returns 'onnx'.
 */
export function scanOnnx(source: ByteSource, ctx: ScanContext): string {
  const { model, error } = parseOnnx(source);
  if (ctx.sibling) {
    for (const ext of model.externalData) {
      if (ext.location !== undefined && isPlainName(ext.location)) ext.present = ctx.sibling(ext.location) !== undefined;
    }
  }
  ctx.runRules(ONNX_RULES, model);
  if (error) ctx.fatal(error, 'ONNX model could not be read to its end');
  return 'onnx';
}
