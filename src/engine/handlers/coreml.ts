import type { ByteSource } from '../../core/byte-source.js';
import { COREML_RULES } from '../../detectors/coreml/index.js';
import { parseCoreMl } from '../../formats/coreml/parse.js';
import { parseCoreMlWeights } from '../../formats/coreml/weights.js';
import type { ScanContext } from '../context.js';

export { looksLikeCoreMl } from '../../formats/coreml/parse.js';
export { isCoreMlWeights } from '../../formats/coreml/weights.js';

/** Scans a Core ML model (`.mlmodel`, or `model.mlmodel` of an `.mlpackage`). Returns 'coreml'. */
export function scanCoreMl(source: ByteSource, ctx: ScanContext): string {
  const { model, error } = parseCoreMl(source);
  ctx.runRules(COREML_RULES, model);
  if (error) ctx.fatal(error, 'Core ML model could not be read to its end');
  return 'coreml';
}

/** Scans a Core ML weight blob file (`weights/weight.bin`): pure data whose records must fit. Returns 'coreml-weights'. */
export function scanCoreMlWeights(source: ByteSource, ctx: ScanContext): string {
  try {
    parseCoreMlWeights(source);
  } catch (e) {
    ctx.fatal(e, 'Core ML weight file could not be read');
  }
  return 'coreml-weights';
}
