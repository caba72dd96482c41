/**
 * What modelgate reads from a Keras model: its configuration (the JSON in an `.h5` file's
 * `model_config` attribute or a `.keras` archive's `config.json`) flattened into the parts
 * that can run code or reach outside the file. Nothing here is ever deserialized by Keras.
 */

/** Where the configuration came from. */
export type KerasOrigin = 'keras-h5' | 'keras-v3' | 'json';

/** A serialized Keras object: a JSON object with a string `class_name`. */
export interface KerasObject {
  /** JSON path of the object, e.g. `$.config.layers[2]`. */
  path: string;
  className: string;
  /** `module` (Keras 3 format): the package Keras would resolve the class or function in. */
  module?: string;
  /** `registered_name` (Keras 3 format), e.g. `MyPackage>MyLayer` for a custom object. */
  registeredName?: string;
  /** For `class_name: "function"`, the function name, which Keras 3 keeps in `config`. */
  functionName?: string;
  /** `config.name` of the nearest enclosing layer (or of this object). */
  layerName?: string;
  /** String fields of `config` that name files or URLs (`filepath`, `handle`, ...). */
  locations: Record<string, string>;
}

/** What the marshalled code object of a lambda uses, read without unmarshalling it. */
export interface CodeSummary {
  /** Layouts of the code object that parsed (CPython versions differ; all readings count). */
  layouts: string[];
  /** `co_names` of the code object and every code object nested in its constants. */
  names: string[];
  /** String constants (`co_consts`), nested code objects included. */
  strings: string[];
  /** `co_name` of each code object (`<lambda>`, nested functions). */
  codeNames: string[];
  /** `co_filename` of the outer code object: where the model's author defined the lambda. */
  filename?: string;
}

/** Python code stored in the configuration: Keras loads it with `marshal.loads`. */
export interface KerasLambda {
  /** JSON path of the field holding the code. */
  path: string;
  /**
   * `keras2-list`: Keras 2 `Lambda` `function`/`output_shape` as `[code, defaults, closure]`
   * (or a bare code string with `function_type: "lambda"`); `keras3`: a
   * `{"class_name": "__lambda__", "config": {"code": ...}}` object, valid anywhere in a
   * Keras 3 config; `keras2-named`: a Keras 2 `Lambda` naming a function (`function_type:
   * "function"`), whose code is not in the file.
   */
  form: 'keras2-list' | 'keras3' | 'keras2-named';
  /** `config.name` of the enclosing layer. */
  layerName?: string;
  /** Keras 2 `Lambda` `module`: its namespace becomes the function's globals at load. */
  module?: string;
  /** For `keras2-named`: the function's name. */
  functionName?: string;
  /** The decoded code, when it could be decoded. */
  code?: CodeSummary;
  /** How the stored text became bytes: base64, or Keras's raw_unicode_escape fallback. */
  encoding?: 'base64' | 'raw';
  /** Why the code could not be decoded. */
  error?: string;
}

/** Encoded bytes in the configuration that loading deserialises. */
export interface KerasPayload {
  /** JSON path of the field, e.g. `$.config.layers[1].config.module`. */
  path: string;
  /** What loads it (`torch.load`). */
  loader: string;
  /** The field as written (base64). */
  base64: string;
}

/** A problem that stopped the reading early; what came before it is still in the model. */
export interface KerasBreak {
  code: 'MALFORMED' | 'TRUNCATED' | 'LIMIT_DEPTH' | 'LIMIT_ENTRIES' | 'LIMIT_STRING';
  message: string;
}

/** A Keras model configuration as the rules see it. */
export interface KerasModel {
  origin: KerasOrigin;
  kerasVersion?: string;
  backend?: string;
  /** Every serialized object with a `class_name`, in document order. */
  objects: KerasObject[];
  /** Every piece of marshalled or named Python code. */
  lambdas: KerasLambda[];
  /**
   * Serialized bytes a loader decodes and deserialises: a Keras 3 `TorchModuleWrapper`'s
   * `config.module`, base64 of `torch.save` output that `from_config` hands to `torch.load`
   * (keras/src/utils/torch_utils.py). Scanned as files of their own.
   */
  payloads?: KerasPayload[];
  /** Set when the walk stopped at a limit. */
  incomplete?: KerasBreak;
}
