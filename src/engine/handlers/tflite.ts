import type { ByteSource } from '../../core/byte-source.js';
import { TFLITE_RULES } from '../../detectors/tflite/index.js';
import { parseTflite } from '../../formats/tflite/parse.js';
import { findEocd } from '../../formats/zip/parse.js';
import type { ScanContext } from '../context.js';
import { scanZip } from './zip.js';

export { isTflite } from '../../formats/tflite/parse.js';

/**
 * Scans a TFLite / LiteRT flatbuffer: runs the TFLite rules over its operator codes, and scans
 * a zip of associated files appended to it as a zip. A model that cannot be read to its end
 * adds a fatal finding after the findings of what was read.
 * Returns 'tflite'.
 */
export function scanTflite(source: ByteSource, ctx: ScanContext): string {
  const { model, error } = parseTflite(source);
  ctx.runRules(TFLITE_RULES, model);
  if (error) ctx.fatal(error, 'TFLite model could not be read to its end');
  // TFLite metadata packs its associated files (labels, vocabularies) as a zip appended to
  // the flatbuffer (tflite_support metadata_writers): any zip reader opens it, so it is read.
  if (source.size >= 22 && findEocd(source) !== undefined) scanZip(source, ctx);
  return 'tflite';
}
