import { BufferSource, type ByteSource } from '../../core/byte-source.js';
import { ModelgateError } from '../../core/errors.js';
import { KERAS_RULES } from '../../detectors/keras/index.js';
import { readHdf5Root, type Hdf5Attribute } from '../../formats/hdf5/reader.js';
import { isJsonObject } from '../../formats/keras/json.js';
import type { KerasModel, KerasOrigin } from '../../formats/keras/model.js';
import { MAX_CONFIG_BYTES, emptyKerasModel, parseConfigBytes, parseConfigText, walkKerasConfig } from '../../formats/keras/parse.js';
import type { ScanContext } from '../context.js';

export { initHdf5, hdf5Ready } from '../../formats/hdf5/reader.js';
export { sandboxTemp, sweepPrivateTemps } from '../../formats/hdf5/temp-dir.js';
export { looksLikeKerasConfig } from '../../formats/keras/parse.js';

/**
 * Root attributes Keras 2 (and Keras 3's legacy writer) put on a whole-model `.h5` file
 * (keras/src/legacy/saving/legacy_h5_format.py `save_model_to_hdf5`): `model_config` and
 * `training_config` are JSON, `keras_version` and `backend` plain strings.
 */
const KERAS_H5_ATTRIBUTES = ['model_config', 'training_config', 'keras_version', 'backend'] as const;

/**
 * Scans each payload the config carries (a TorchModuleWrapper's torch.save bytes) as a member
 * named by its JSON path, so findings in it point at `config.json!/$.config.layers[1].config.module`.
 * Python's b64decode (non-validating) drops characters outside the alphabet; Node's decoder does too.
 */
function scanPayloads(model: KerasModel, ctx: ScanContext): void {
  for (const p of model.payloads ?? []) {
    if (p.base64.length > (ctx.limits.maxMemberBytes / 3) * 4 + 4) {
      ctx.fatal(
        new ModelgateError('LIMIT_MEMBER_BYTES', `${p.path} holds more than ${ctx.limits.maxMemberBytes} bytes for ${p.loader}`),
        'Keras payload not read',
      );
      continue;
    }
    ctx.scanMember(new BufferSource(Buffer.from(p.base64, 'base64')), p.path);
  }
}

/** Runs the rules, then reports a limit that cut the walk short (the file is then never clean). */
function judge(model: KerasModel, ctx: ScanContext): void {
  ctx.runRules(KERAS_RULES, model);
  scanPayloads(model, ctx);
  if (model.incomplete) ctx.fatal(new ModelgateError(model.incomplete.code, model.incomplete.message), 'Keras config not read to its end');
}

/** Adds one JSON attribute to the model; an unreadable one is a fatal finding. */
function addAttribute(model: KerasModel, attribute: Hdf5Attribute | undefined, ctx: ScanContext): void {
  if (!attribute) return;
  try {
    if (attribute.text === undefined) throw new ModelgateError('MALFORMED', `${attribute.name} ${attribute.problem ?? 'is unreadable'}`);
    walkKerasConfig(parseConfigText(attribute.text, attribute.name), attribute.name, model);
  } catch (e) {
    ctx.fatal(e, `Keras ${attribute.name} could not be read`);
  }
}

/**
 * Scans HDF5 content (sniffed by its signature, `\x89HDF\r\n\x1a\n`). Synchronous: libhdf5
 * runs in a worker thread this call blocks on, loaded on first use (`initHdf5()` may start it
 * earlier). Returns `keras-h5` for a whole Keras model (root attribute `model_config`), whose
 * config is analysed by the Keras rules, and `hdf5` for any other HDF5 file (weights-only files
 * included), which is clean unless libhdf5 cannot read it, which is a fatal finding.
 */
export function scanHdf5(source: ByteSource, ctx: ScanContext): string {
  let attributes: Map<string, Hdf5Attribute>;
  try {
    ({ attributes } = readHdf5Root(source, KERAS_H5_ATTRIBUTES, { maxCopyBytes: ctx.limits.maxMemberBytes, maxChars: MAX_CONFIG_BYTES }));
  } catch (e) {
    ctx.fatal(e, 'HDF5 file could not be read');
    return 'hdf5';
  }
  if (!attributes.has('model_config')) return 'hdf5';
  const model = emptyKerasModel('keras-h5');
  model.kerasVersion = attributes.get('keras_version')?.text;
  model.backend = attributes.get('backend')?.text;
  addAttribute(model, attributes.get('model_config'), ctx);
  addAttribute(model, attributes.get('training_config'), ctx);
  judge(model, ctx);
  return 'keras-h5';
}

/**
 * Scans the JSON members of a Keras 3 `.keras` archive (keras/src/saving/saving_lib.py):
 * `config.json` (the model config) and `metadata.json` (`keras_version`, `date_saved`).
 * Findings about the config are reported on `<archive>!/config.json`. The weights member,
 * `model.weights.h5`, is not read here: the zip handler scans it as a nested file.
 */
export function scanKerasArchive(files: { config?: Buffer; metadata?: Buffer }, ctx: ScanContext): void {
  const model = emptyKerasModel('keras-v3');
  if (files.metadata) {
    const mctx = ctx.member('metadata.json');
    try {
      const meta = parseConfigBytes(files.metadata, 'metadata.json');
      if (isJsonObject(meta) && typeof meta.keras_version === 'string') model.kerasVersion = meta.keras_version;
    } catch (e) {
      mctx.fatal(e, 'Keras metadata.json could not be read');
    }
  }
  const cctx = ctx.member('config.json');
  if (!files.config) {
    cctx.fatal(new ModelgateError('MALFORMED', 'the archive has no config.json, which Keras needs to load it'), 'Keras archive');
    return;
  }
  try {
    walkKerasConfig(parseConfigBytes(files.config, 'config.json'), '$', model);
  } catch (e) {
    cctx.fatal(e, 'Keras config.json could not be read');
    return;
  }
  judge(model, cctx);
}

/**
 * Scans a parsed JSON document that `looksLikeKerasConfig` accepted (a Keras config saved on
 * its own, `model.to_json()`), reporting on `ctx`.
 */
export function scanKerasConfigDocument(doc: unknown, ctx: ScanContext, origin: KerasOrigin = 'json'): void {
  const model = emptyKerasModel(origin);
  walkKerasConfig(doc, '$', model);
  judge(model, ctx);
}
