import { INERT_MEDIA_AND_DATA_FORMATS, INERT_MODEL_FORMATS } from '../../formats/inert/names.js';

/**
 * The format names the engine reports in `files[].format` (src/engine/content.ts and
 * src/engine/handlers/), sorted into what `formats.allow` judges and what it does not.
 */

/**
 * Content that no model loader deserialises: configs, tokenizers, docs, images, Python and
 * notebooks. `formats.allow` leaves these alone by default, so "safetensors only" still
 * allows config.json, tokenizer.json and the README. They are not unjudged: their findings
 * count against maxSeverity, and remote code (an `auto_map` naming a `.py`) against
 * remoteCode. `other` is binary content of no format the engine reads or recognises: it always
 * carries a fatal `file/unrecognised-format` finding, so it is denied as not read anyway. `image`
 * stays so older policies load; images are now named by their format (src/formats/inert/).
 */
export const DEFAULT_EXEMPT_FORMATS: readonly string[] = [
  'json',
  'text',
  'empty',
  'image',
  'other',
  'hf-config',
  'hf-tokenizer-config',
  'hf-processor-config',
  'hf-generation-config',
  'hf-chat-template',
  'chat-template',
  'python',
  'ipynb',
  'symlink',
  ...INERT_MEDIA_AND_DATA_FORMATS,
];

/**
 * Formats that hold models (or archives and compressed wrappers that may hold them). Any
 * format not exempt is judged by `formats.allow`, whether listed here or not: a format the
 * engine learns to name later is denied by "safetensors only" until the policy names it.
 * This list only lets the loader warn about names it has never heard of.
 */
export const MODEL_FORMATS: readonly string[] = [
  'safetensors',
  'gguf',
  'onnx',
  'tf-savedmodel',
  'keras-v3',
  'keras-h5',
  'keras-config',
  'hdf5',
  'npy',
  'npz',
  'pickle',
  'joblib',
  'pytorch-zip',
  'pytorch-tar',
  'pytorch-legacy',
  'zip',
  'tar',
  '7z',
  ...INERT_MODEL_FORMATS,
];

/** Compressed wrappers: the engine names a compressed model `<inner>-<wrapper>`, e.g. `pickle-gzip`. */
const WRAPPERS = ['gzip', 'bz2', 'xz', 'zstd', 'zlib', 'lzma'];

/** True when the engine can report this format name (used to warn about typos). */
export function isKnownFormat(name: string): boolean {
  if (MODEL_FORMATS.includes(name) || DEFAULT_EXEMPT_FORMATS.includes(name) || WRAPPERS.includes(name)) return true;
  const dash = name.lastIndexOf('-');
  return dash > 0 && WRAPPERS.includes(name.slice(dash + 1)) && isKnownFormat(name.slice(0, dash));
}
