import type { ByteSource } from '../../core/byte-source.js';
import { ModelgateError } from '../../core/errors.js';
import { SAVEDMODEL_RULES } from '../../detectors/savedmodel/index.js';
import { parseGraphDef } from '../../formats/savedmodel/graphdef.js';
import type { SavedModel } from '../../formats/savedmodel/model.js';
import { parseSavedModel } from '../../formats/savedmodel/parse.js';
import { parseFingerprint, parseKerasMetadata } from '../../formats/savedmodel/sidecar.js';
import type { ScanContext } from '../context.js';

export { looksLikeGraphDef } from '../../formats/savedmodel/graphdef.js';
export { looksLikeSavedModel } from '../../formats/savedmodel/parse.js';

/**
 * Bytes of keras_metadata.pb or fingerprint.pb read into memory. The fingerprint is tens of
 * bytes; Keras metadata holds layer configs as JSON, a few megabytes for large models.
 */
export const MAX_SIDECAR_BYTES = 256 * 1024 * 1024;

/** Files TensorFlow writes beside saved_model.pb that modelgate reads with it. */
const SIDECARS = ['keras_metadata.pb', 'fingerprint.pb'] as const;

/** Reads the sidecar files beside the model into it; returns the errors of those that could not be read. */
function readSidecars(model: SavedModel, ctx: ScanContext): Array<[string, unknown]> {
  const errors: Array<[string, unknown]> = [];
  for (const name of SIDECARS) {
    const file = ctx.sibling?.(name);
    if (!file) continue;
    try {
      if (file.size > MAX_SIDECAR_BYTES) {
        throw new ModelgateError('LIMIT_MEMBER_BYTES', `${file.size} bytes is over the ${MAX_SIDECAR_BYTES}-byte limit for ${name}`);
      }
      const bytes = file.read();
      if (name === 'keras_metadata.pb') model.keras = parseKerasMetadata(bytes);
      else model.fingerprint = parseFingerprint(bytes);
    } catch (e) {
      errors.push([name, e]);
    }
  }
  return errors;
}

/**
 * Scans a TensorFlow SavedModel (saved_model.pb): every node of every meta graph, library
 * function and GraphDef nested in attributes, plus keras_metadata.pb and fingerprint.pb when
 * they are beside it. A model (or sidecar) that cannot be read to its end adds a fatal finding
 * after the findings of what was read. Returns 'tf-savedmodel'.
 */
export function scanSavedModel(source: ByteSource, ctx: ScanContext): string {
  const { model, error } = parseSavedModel(source);
  const sidecarErrors = readSidecars(model, ctx);
  ctx.runRules(SAVEDMODEL_RULES, model);
  if (error) ctx.fatal(error, 'SavedModel could not be read to its end');
  for (const [name, e] of sidecarErrors) ctx.fatal(e, `${name} beside the SavedModel could not be read`);
  return 'tf-savedmodel';
}

/**
 * Scans a bare TensorFlow GraphDef (a frozen graph such as `frozen_inference_graph.pb`) with the
 * SavedModel rules: every node of the graph, of its library functions and of GraphDefs nested
 * in attributes. There is no saver and no sidecar. A GraphDef that cannot be read to its end,
 * or holds fields GraphDef does not have, adds a fatal finding after the findings of what was
 * read. Returns 'tf-graphdef'.
 */
export function scanGraphDef(source: ByteSource, ctx: ScanContext): string {
  const { model, error } = parseGraphDef(source);
  ctx.runRules(SAVEDMODEL_RULES, model);
  if (error) ctx.fatal(error, 'GraphDef could not be read to its end');
  return 'tf-graphdef';
}
