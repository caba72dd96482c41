import type { Severity } from '../../core/severity.js';

/**
 * What the Keras rules know about Python names. The packages Keras resolves its own objects
 * in decide what is "inside Keras"; the deny tables only grade what falls outside and explain
 * why. Sources: keras/src/saving/serialization_lib.py (`_retrieve_class_or_fn`,
 * `NON_MODELING_APIS`, `BUILTIN_MODULES`), CVE-2025-1550, CVE-2025-8747, CVE-2025-9906.
 */

/** Packages whose modules Keras 3 imports itself when it deserializes (its own and its hubs). */
const KERAS_PACKAGES = /^(keras|tf_keras|keras_hub|keras_cv|keras_nlp|tensorflow\.keras|tensorflow\.python\.keras|tensorflow_hub)(\.|$)/;

/** True for a module inside Keras's own packages. */
export function isKerasModule(module: string): boolean {
  return KERAS_PACKAGES.test(module);
}

/**
 * Functions inside Keras that a config may not reach safely: `NON_MODELING_APIS` of Keras 3.11+
 * (file, network and model I/O, turning safe mode off) plus `func_load`, which unmarshals code.
 * Older Keras versions resolve all of them from a config.
 */
const KERAS_GADGETS: ReadonlyArray<[RegExp, Severity, string]> = [
  [/(^|\.)(enable_unsafe_deserialization)$/, 'critical', 'turns Keras safe mode off for the rest of the load (CVE-2025-9906)'],
  [/(^|\.)func_load$/, 'critical', 'unmarshals and runs Python bytecode'],
  [/(^|\.)get_file$/, 'high', 'downloads a file from a URL at load (CVE-2025-8747)'],
  [
    /(^|\.)(load_model|model_from_json|load_weights|deserialize_keras_object|save_model|save_weights|register_keras_serializable)$/,
    'high',
    'loads, saves or deserializes another model or object at load',
  ],
  [/(^|\.)(load_img|save_img|image_dataset_from_directory|text_dataset_from_directory|audio_dataset_from_directory)$/, 'high', 'reads or writes files at load'],
];

/** The gadget a Keras-internal `module.name` reaches, if any. */
export function kerasGadget(dotted: string): { severity: Severity; why: string } | undefined {
  for (const [pattern, severity, why] of KERAS_GADGETS) if (pattern.test(dotted)) return { severity, why };
  return undefined;
}

/** Modules whose reach is code, processes, files, the network or the interpreter itself. */
const DANGEROUS_MODULES: Record<string, string> = {
  os: 'processes and files',
  posix: 'processes and files (os on Unix)',
  nt: 'processes and files (os on Windows)',
  subprocess: 'processes',
  pty: 'processes',
  commands: 'processes',
  multiprocessing: 'processes',
  sys: 'the interpreter',
  importlib: 'imports',
  runpy: 'running code',
  code: 'running code',
  codeop: 'compiling code',
  ctypes: 'native code',
  marshal: 'code objects',
  pickle: 'unpickling',
  _pickle: 'unpickling',
  cPickle: 'unpickling',
  dill: 'unpickling',
  cloudpickle: 'unpickling',
  joblib: 'unpickling',
  shelve: 'unpickling',
  shutil: 'files',
  tempfile: 'files',
  pathlib: 'files',
  io: 'files',
  glob: 'files',
  socket: 'the network',
  urllib: 'the network',
  urllib2: 'the network',
  http: 'the network',
  httplib: 'the network',
  requests: 'the network',
  ftplib: 'the network',
  smtplib: 'the network',
  telnetlib: 'the network',
  webbrowser: 'processes',
  pydoc: 'resolving names',
  pkgutil: 'resolving names',
  operator: 'resolving attributes',
  _operator: 'resolving attributes',
  functools: 'wrapping calls',
  types: 'building code and functions',
  inspect: 'resolving attributes',
  asyncio: 'processes',
  timeit: 'running code',
  cProfile: 'running code',
  profile: 'running code',
  pdb: 'running code',
  doctest: 'running code',
  trace: 'running code',
  zipimport: 'imports',
  imp: 'imports',
  platform: 'processes',
};

/** Python builtins that run code, import, reach files or objects' internals. */
const DANGEROUS_BUILTINS = new Set(
  'eval exec compile __import__ open getattr setattr delattr globals locals vars breakpoint input exit quit help memoryview type object super __build_class__ __loader__ __spec__'.split(
    ' ',
  ),
);

/** The danger of `module`'s `name`, when its module or the name is in the tables above. */
export function dangerousModule(module: string, name: string | undefined): { severity: Severity; why: string } | undefined {
  const root = module.split('.')[0]!;
  if (root === 'builtins' || root === '__builtin__') {
    if (name !== undefined && DANGEROUS_BUILTINS.has(name)) return { severity: 'critical', why: `builtins.${name} runs code or reaches objects and files` };
    return undefined;
  }
  const reach = Object.hasOwn(DANGEROUS_MODULES, root) ? DANGEROUS_MODULES[root] : undefined;
  return reach ? { severity: 'critical', why: `${root} reaches ${reach}` } : undefined;
}

/**
 * Names whose use in lambda code means processes, code execution, reflection, files or the
 * network: `co_names` and string constants are checked against it. A name alone is evidence,
 * not proof, but a model's lambda has no reason to use any of them.
 */
const DANGEROUS_CODE_NAMES = new Set(
  [
    // processes
    'os posix nt system popen spawnl spawnv spawnlp spawnvp spawnve posix_spawn execl execle execlp execv execve execvp fork kill',
    'subprocess Popen check_call check_output getoutput getstatusoutput pty spawn commands',
    // code
    'eval exec compile __import__ import_module importlib builtins __builtins__ runpy run_path run_module marshal pickle loads ctypes cdll CDLL',
    // reflection
    'getattr setattr delattr globals locals vars __globals__ __subclasses__ __bases__ __mro__ __code__ __getattribute__ __reduce__ __reduce_ex__ breakpoint sys modules',
    // files
    'open remove unlink rmdir rmtree shutil chmod chown rename write_text write_bytes gfile GFile write_file',
    // network
    'socket urllib urlopen urlretrieve requests http httplib ftplib smtplib telnetlib webbrowser get_file',
  ]
    .join(' ')
    .split(' '),
);

/** The subset of `names` (co_names, string constants) that reach processes, code, files or the network. */
export function dangerousCodeNames(names: Iterable<string>): string[] {
  const out = new Set<string>();
  for (const n of names) if (DANGEROUS_CODE_NAMES.has(n)) out.add(n);
  return [...out];
}

/** Function names that run code, processes or I/O in whatever module they live. */
const GADGET_NAMES =
  /^(system|popen\w*|spawn\w*|exec\w*|eval|run|call|check_output|load|loads|open|urlopen|urlretrieve|get_file|download\w*|remove|unlink|rmtree|import_module|__import__|getattr|compile|read_file|write_file|py_func|py_function|numpy_function|load_library|load_op_library)$/;

/** True when a function or class name reads like a gadget (`system`, `load`, `urlopen`...). */
export function gadgetLikeName(name: string | undefined): boolean {
  return name !== undefined && GADGET_NAMES.test(name);
}
