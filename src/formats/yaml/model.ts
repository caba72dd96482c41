/**
 * What modelgate reads from a YAML config: the places where a loader selects Python by a
 * dotted path, and the encoded bytes it would deserialise. Nothing is ever constructed.
 */

/** Which loader convention selects the code. */
export type YamlConvention = 'pyyaml' | 'hyperpyyaml' | 'instantiate' | 'mlflow';

/** What the loader does with the dotted path it is given. */
export type CodeAction = 'call' | 'reference' | 'import';

/** One dotted path a YAML config makes a loader import, resolve or call. */
export interface YamlCodeRef {
  /** Path of the node in the document (`$.model.encoder`, `$[2]`, `$.flavors.python_function.loader_module`). */
  where: string;
  convention: YamlConvention;
  /** The tag or key as the loader reads it: `!!python/object/apply`, `!new`, `_target_`, `loader_module`. */
  via: string;
  /** The dotted path: `os.system`, `speechbrain.nnet.linear.Linear`, `custom.Encoder`. */
  callable: string;
  action: CodeAction;
  /** Byte offset of the node in the text. */
  offset?: number;
}

/** A `!!binary` value: bytes a loader decodes, which a python/object/apply can hand to pickle.loads. */
export interface YamlPayload {
  where: string;
  bytes: Buffer;
  offset?: number;
}

/** A YAML config as the yaml rules see it. */
export interface YamlConfig {
  refs: YamlCodeRef[];
  payloads: YamlPayload[];
  /**
   * MLflow `flavors.python_function.code`: a folder of the model's own Python that
   * mlflow.pyfunc.load_model puts on sys.path before importing the loader module.
   */
  codePaths?: Array<{ where: string; path: string; offset?: number }>;
  /** Set when the walk stopped at a limit; what came before it is kept. */
  incomplete?: { code: 'LIMIT_ENTRIES' | 'LIMIT_DEPTH'; message: string };
}
