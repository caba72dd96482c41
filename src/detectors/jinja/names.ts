/**
 * Names that matter in a Jinja template rendered outside a sandbox (llama-cpp-python before
 * 0.2.72 rendered GGUF chat templates with a plain `jinja2.Environment`, CVE-2024-34359). The
 * classic escapes walk from an object the environment provides, through Python's own
 * attributes, to a module that runs commands: `cycler.__init__.__globals__.os.popen(cmd)`.
 */

/** Python attributes that lead from any object to classes, functions, frames and globals. */
const INTERNAL_NAMES = new Set([
  'mro',
  'func_globals',
  'func_code',
  'func_closure',
  'f_globals',
  'f_locals',
  'f_builtins',
  'f_back',
  'f_code',
  'gi_frame',
  'gi_code',
  'cr_frame',
  'cr_code',
  'ag_frame',
  'ag_code',
  'tb_frame',
  'tb_next',
  'co_code',
  'im_func',
  'im_self',
  'im_class',
]);

/**
 * True for a Python-internal attribute: any dunder (`__class__`, `__globals__`, `__mro__`...),
 * a name-mangled private (`_TemplateReference__context`, how `self` reaches the render
 * context), or a frame/function/generator attribute. Jinja's own sandbox refuses all of them.
 */
export function isInternalName(name: string): boolean {
  return /^__\w+__$/.test(name) || /^_[A-Za-z][A-Za-z0-9]*__\w+$/.test(name) || INTERNAL_NAMES.has(name);
}

/**
 * Attributes that run commands or code, import modules or write files. A chat template has no
 * reason to read any of them; those that are also common words in data (`os`, `system`,
 * `open`...) count only together with a Python-internal attribute.
 */
const STRONG_EXEC_NAMES = new Set([
  'popen',
  'popen2',
  'subprocess',
  'Popen',
  'check_output',
  'check_call',
  'getoutput',
  'getstatusoutput',
  'spawnl',
  'spawnle',
  'spawnlp',
  'spawnv',
  'spawnve',
  'spawnvp',
  'spawnvpe',
  'execl',
  'execle',
  'execlp',
  'execv',
  'execve',
  'execvp',
  'execvpe',
  'forkpty',
  'startfile',
  'eval',
  'exec',
  'execfile',
  '__import__',
  'import_module',
  'load_module',
  'exec_module',
  'importlib',
  'builtins',
  '__builtins__',
  'runpy',
  'rmtree',
  'urlopen',
  'urlretrieve',
]);
const WEAK_EXEC_NAMES = new Set([
  'os',
  'posix',
  'nt',
  'system',
  'sys',
  'modules',
  'open',
  'fdopen',
  'remove',
  'unlink',
  'fork',
  'kill',
  'pty',
  'socket',
  'shutil',
  'compile',
  'marshal',
]);

/** `strong`: runs code on its own; `weak`: does so only in a chain through internals. */
export function execStrength(name: string): 'strong' | 'weak' | undefined {
  if (STRONG_EXEC_NAMES.has(name)) return 'strong';
  return WEAK_EXEC_NAMES.has(name) ? 'weak' : undefined;
}

/**
 * Free identifiers that are Python builtins or modules. No chat-template renderer defines
 * them; an environment that does hands the template a way to run code.
 */
export const EXEC_GLOBALS = new Set([
  'os',
  'subprocess',
  'sys',
  'builtins',
  '__builtins__',
  '__import__',
  'importlib',
  'eval',
  'exec',
  'compile',
  'open',
  'getattr',
  'setattr',
  'delattr',
  'globals',
  'locals',
  'vars',
  'breakpoint',
]);

/**
 * Objects Jinja (or Flask) puts in every template's globals, whose attributes are the usual
 * first step of an escape (`lipsum.__globals__`, `self._TemplateReference__context`,
 * `config.__class__`). Chat templates call `namespace(...)` and `range(...)`; they never read an
 * attribute of these objects themselves.
 */
export const ENGINE_GLOBALS = new Set([
  'self',
  'lipsum',
  'cycler',
  'joiner',
  'namespace',
  'range',
  'dict',
  'config',
  'request',
  'url_for',
  'get_flashed_messages',
]);
