import { ModelgateError } from '../../core/errors.js';
import { decodeJsonBytes, isJsonObject, parsePythonJson, type JsonObject, type JsonValue } from './json.js';
import { lambdaBytes } from './lambda-code.js';
import { readCodeObject } from './marshal.js';
import type { KerasBreak, KerasLambda, KerasModel, KerasOrigin } from './model.js';

/**
 * Keras configurations are JSON trees of serialized objects (Keras docs, "Serialization and
 * saving"; keras/src/saving/serialization_lib.py): `{"class_name", "config", "module",
 * "registered_name"}` in Keras 3, `{"class_name", "config"}` in Keras 2. Layers nest in
 * `config.layers` (Sequential, Functional, nested Models), wrappers keep theirs in
 * `config.layer` (TimeDistributed, Bidirectional), and `build_config`, `compile_config`,
 * losses and optimizers are objects too. The walk visits every object, not only known keys,
 * so code hidden in an unusual place is still seen.
 */

/** Bytes of one config document. Real configs are KB to a few MB (vocabularies included). */
export const MAX_CONFIG_BYTES = 64 * 1024 * 1024;
/** Nesting of JSON objects and arrays. Each nested model or wrapper adds 3–4 levels; real configs stay under 60. */
export const MAX_CONFIG_DEPTH = 256;
/** Objects and arrays visited in one model: bounds the walk over documents not parsed here. */
const MAX_CONFIG_NODES = 2_000_000;

/** Keys of a layer's config that name a file, folder or URL a layer loads from. */
const LOCATION_KEYS = ['filepath', 'handle', 'path', 'url', 'uri', 'model_path', 'saved_model_dir', 'export_dir'];

/** An empty model to add documents to. */
export function emptyKerasModel(origin: KerasOrigin): KerasModel {
  return { origin, objects: [], lambdas: [] };
}

/** Parses one config document from bytes, checking its size first. */
export function parseConfigBytes(bytes: Buffer, what: string): JsonValue {
  if (bytes.length > MAX_CONFIG_BYTES)
    throw new ModelgateError('LIMIT_MEMBER_BYTES', `${what} is ${bytes.length} bytes, over the ${MAX_CONFIG_BYTES}-byte limit for configs`);
  return parseConfigText(decodeJsonBytes(bytes), what);
}

/** Parses one config document from text (an HDF5 string attribute). */
export function parseConfigText(text: string, what: string): JsonValue {
  if (text.length > MAX_CONFIG_BYTES) throw new ModelgateError('LIMIT_STRING', `${what} is ${text.length} characters, over the limit for configs`);
  try {
    // Everything JSON.parse accepts, json.loads reads the same way (last duplicate key wins),
    // and V8's parser is not recursive, so deep documents reach the walk and its depth limit.
    return JSON.parse(text) as JsonValue;
  } catch {
    // NaN/Infinity (Python's extensions) or a real error: the Python-compatible parser decides.
  }
  try {
    return parsePythonJson(text, MAX_CONFIG_DEPTH);
  } catch (e) {
    if (e instanceof ModelgateError) throw new ModelgateError(e.code, `${what}: ${e.message}`, { cause: e });
    throw e;
  }
}

const str = (v: JsonValue | undefined): string | undefined => (typeof v === 'string' ? v : undefined);

/** Decodes the code of a lambda as far as it goes; failures are kept in `error`. */
function decodeLambda(lambda: KerasLambda, code: JsonValue | undefined): KerasLambda {
  // func_load unpacks a list as (code, defaults, closure).
  const text = Array.isArray(code) ? code[0] : code;
  if (typeof text !== 'string') return { ...lambda, error: `its code is ${text === null ? 'null' : typeof text}, not a string` };
  const { bytes, encoding } = lambdaBytes(text);
  try {
    return { ...lambda, encoding, code: readCodeObject(bytes) };
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    return { ...lambda, encoding, error: `${encoding === 'raw' ? 'not base64; as raw text, ' : ''}${why}` };
  }
}

/** Keras 2 `Lambda` fields that hold functions: `function`/`function_type`, `output_shape`/`output_shape_type`. */
function keras2Lambdas(config: JsonObject, path: string, layerName: string | undefined, into: KerasLambda[]): void {
  const module = str(config.module);
  for (const [field, typeField] of [
    ['function', 'function_type'],
    ['output_shape', 'output_shape_type'],
  ] as const) {
    const value = config[field];
    const kind = config[typeField];
    const base: KerasLambda = { path: `${path}.config.${field}`, form: 'keras2-list', layerName, module };
    if (Array.isArray(value) || (typeof value === 'string' && kind === 'lambda')) into.push(decodeLambda(base, value));
    else if (typeof value === 'string' && field === 'function' && kind === 'function') into.push({ ...base, form: 'keras2-named', functionName: value });
  }
}

/** One serialized object: its class reference, and the lambdas it holds. */
function visitObject(node: JsonObject, path: string, layerName: string | undefined, model: KerasModel): void {
  const className = str(node.class_name);
  if (className === undefined) return;
  const config = node.config;
  const locations: Record<string, string> = {};
  if (isJsonObject(config)) for (const key of LOCATION_KEYS) if (typeof config[key] === 'string') locations[key] = config[key] as string;
  model.objects.push({
    path,
    className,
    module: str(node.module),
    registeredName: str(node.registered_name),
    functionName: className === 'function' ? str(config) : undefined,
    layerName,
    locations,
  });
  if (className === '__lambda__') {
    const code = isJsonObject(config) ? config.code : undefined;
    model.lambdas.push(decodeLambda({ path: `${path}.config.code`, form: 'keras3', layerName }, code));
  } else if (/(^|[.>])Lambda$/.test(className) && isJsonObject(config)) {
    keras2Lambdas(config, path, layerName, model.lambdas);
  } else if (/(^|[.>])TorchModuleWrapper$/.test(className) && isJsonObject(config) && typeof config.module === 'string') {
    // keras/src/utils/torch_utils.py TorchModuleWrapper.from_config: base64-decodes
    // config["module"] and torch.load()s it with weights_only=False (when safe_mode is off).
    (model.payloads ??= []).push({ path: `${path}.config.module`, loader: 'torch.load', base64: config.module });
  }
}

const childPath = (path: string, key: string | number): string =>
  typeof key === 'number' ? `${path}[${key}]` : /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;

/**
 * Walks one config document into `model`: every object with a `class_name`, every lambda.
 * Bounded in depth and in nodes; a limit ends the walk below that point and is recorded in
 * `model.incomplete`, while everything before it stays in the model.
 */
export function walkKerasConfig(doc: unknown, root: string, model: KerasModel): void {
  const stack: Array<{ value: unknown; path: string; depth: number; layer: string | undefined }> = [{ value: doc, path: root, depth: 0, layer: undefined }];
  let nodes = 0;
  const stop = (b: KerasBreak): void => {
    model.incomplete ??= b;
  };
  while (stack.length > 0) {
    const { value, path, depth, layer } = stack.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    if (depth > MAX_CONFIG_DEPTH) {
      stop({ code: 'LIMIT_DEPTH', message: `config nests deeper than ${MAX_CONFIG_DEPTH} levels at ${path}` });
      continue;
    }
    if (++nodes > MAX_CONFIG_NODES) {
      stop({ code: 'LIMIT_ENTRIES', message: `config has more than ${MAX_CONFIG_NODES} objects and arrays` });
      break;
    }
    let inner = layer;
    if (!Array.isArray(value)) {
      const node = value as JsonObject;
      // A layer's config has a name and (base Layer.get_config) `trainable`/`dtype`; an
      // optimizer's or a dtype policy's has a name but is no layer.
      const config = node.config;
      const isLayer = isJsonObject(config) && typeof config.name === 'string' && ('trainable' in config || 'dtype' in config || 'layers' in config);
      if (typeof node.class_name === 'string' && isLayer) inner = config.name as string;
      visitObject(node, path, inner, model);
    }
    // Pushed in reverse so objects come out in document order; scalars are not pushed at all.
    const push = (key: string | number, child: unknown): void => {
      if (typeof child === 'object' && child !== null) stack.push({ value: child, path: childPath(path, key), depth: depth + 1, layer: inner });
    };
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) push(i, value[i]);
    } else {
      const keys = Object.keys(value);
      for (let i = keys.length - 1; i >= 0; i--) push(keys[i]!, (value as Record<string, unknown>)[keys[i]!]);
    }
  }
}

/**
 * True when a JSON document looks like a Keras model or layer config: an object with a string
 * `class_name` and an object `config`, plus a Keras 3 `module`, a `layers` list, a
 * `build_config`/`compile_config`, or a model class name.
 */
export function looksLikeKerasConfig(doc: unknown): boolean {
  if (!isJsonObject(doc) || typeof doc.class_name !== 'string' || !isJsonObject(doc.config)) return false;
  if (typeof doc.module === 'string' && /^(keras|tf_keras|tensorflow|keras_hub|keras_cv|keras_nlp)(\.|$)/.test(doc.module)) return true;
  if (Array.isArray(doc.config.layers) || 'build_config' in doc || 'compile_config' in doc) return true;
  return ['Sequential', 'Functional', 'Model'].includes(doc.class_name);
}
