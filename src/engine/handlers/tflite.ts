import type { ByteSource } from '../../core/byte-source.js';
import { TFLITE_RULES } from '../../detectors/tflite/index.js';
import { parseTflite } from '../../formats/tflite/parse.js';
import type { ScanContext } from '../context.js';

export { isTflite } from '../../formats/tflite/parse.js';

/**
 * Scans a TFLite / LiteRT flatbuffer: runs the TFLite rules over its operator codes. A model
 * that cannot be read to its end adds a fatal finding after the findings of what was read.
 * Returns 'tflite'.
 */
export function scanTflite(source: ByteSource, ctx: ScanContext): string {
  const { model, error } = parseTflite(source);
  ctx.runRules(TFLITE_RULES, model);
  if (error) ctx.fatal(error, 'TFLite model could not be read to its end');
  return 'tflite';
}
