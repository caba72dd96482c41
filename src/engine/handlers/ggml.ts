import type { ByteSource } from '../../core/byte-source.js';
import { ModelgateError } from '../../core/errors.js';
import { legacyGgmlMagic } from '../../formats/ggml/format.js';
import type { ScanContext } from '../context.js';

export { legacyGgmlMagic } from '../../formats/ggml/format.js';

/**
 * Legacy GGML files (llama.cpp before GGUF) are recognised but not read: their hyperparameter
 * and vocabulary layouts differ per model family and version, and this version does not parse
 * them. A fatal UNSUPPORTED finding makes the verdict `error`, never `clean`. Returns 'ggml-legacy'.
 */
export function scanLegacyGgml(source: ByteSource, ctx: ScanContext): string {
  const found = legacyGgmlMagic(source.read(0, 8));
  const what = found ? `${found.magic}${found.version !== undefined ? ` version ${found.version}` : ''}` : 'legacy GGML';
  ctx.fatal(
    new ModelgateError('UNSUPPORTED', `a legacy GGML file (${what}, llama.cpp before GGUF) is not read; convert it to GGUF to have it scanned`, { offset: 0 }),
    'legacy GGML model',
  );
  return 'ggml-legacy';
}
