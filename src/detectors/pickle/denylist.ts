import type { Severity } from '../../core/severity.js';
import { canonicalModule } from '../../formats/pickle/names.js';

/**
 * The deny-list only grades and explains: a name missing from here is still judged by the
 * allow-list (anything not allowed is at least `medium`). Patterns match a whole dotted path
 * or any path below it (`os` covers `os.system` and `os.path.join`).
 */
export type DenyCategory =
  | 'code-execution'
  | 'process'
  | 'code-object'
  | 'nested-unpickling'
  | 'dynamic-import'
  | 'resolver'
  | 'file-access'
  | 'network'
  | 'native-code'
  | 'module-table';

interface DenyRule {
  severity: Extract<Severity, 'high' | 'critical'>;
  category: DenyCategory;
  why: string;
  patterns: string[];
}

const RULES: DenyRule[] = [
  {
    severity: 'critical',
    category: 'code-execution',
    why: 'runs Python code or a debugger/profiler over code it is given',
    patterns: [
      'builtins.eval',
      'builtins.exec',
      'builtins.compile',
      'builtins.breakpoint',
      'builtins.execfile',
      'runpy',
      'code',
      'codeop',
      'bdb',
      'pdb',
      'timeit',
      'cProfile',
      'profile',
      'trace',
      'doctest',
      'idlelib',
      'lib2to3',
      'test',
      'numpy.testing',
      'numpy.f2py',
      'numpy.distutils',
      'IPython',
      'torch.jit',
      'torch.fx',
      'torch._dynamo',
      'torch.package',
      'torch.utils.cpp_extension',
      'keras.src.utils.python_utils',
      'sympy.parsing',
      'pandas.eval',
      'pandas.core.computation',
      'jinja2',
      'mako',
      'string.Template',
      'site',
      'sitecustomize',
      'atexit',
      '_testcapi',
      '_testinternalcapi',
      '_xxsubinterpreters',
      '_interpreters',
      'interpreters',
      'compileall',
      'py_compile',
      'torch._inductor',
      'torch.testing',
    ],
  },
  {
    severity: 'critical',
    category: 'process',
    why: 'starts processes or shell commands',
    patterns: [
      'os',
      'subprocess',
      'pty',
      'commands',
      'popen2',
      'platform',
      'pip',
      'setuptools',
      'distutils',
      'venv',
      'ensurepip',
      'multiprocessing',
      'asyncio',
      'concurrent',
      'webbrowser',
      'uuid._get_command_stdout',
      '_osx_support',
      '_aix_support',
      'imaplib.IMAP4_stream',
      '_pyrepl',
      'pydoc.pipepager',
      'pydoc.tempfilepager',
      'pydoc.getpager',
      'pydoc.pager',
      'torch.utils.collect_env',
      'torch.multiprocessing',
      'torch.distributed',
      'torch.utils.data.DataLoader',
      'torch.utils.data.dataloader',
      'signal',
      'threading',
      'sched',
      'ctypes.util',
      'antigravity',
    ],
  },
  {
    severity: 'critical',
    category: 'code-object',
    why: 'builds functions or code objects from bytes',
    patterns: [
      'marshal',
      'types.CodeType',
      'types.FunctionType',
      'types.LambdaType',
      'types.MethodType',
      'types.ModuleType',
      'types.new_class',
      'dill',
      'cloudpickle',
      'srsly.cloudpickle',
      'joblib.externals.cloudpickle',
      'builtins.type',
      'builtins.classmethod',
      'builtins.staticmethod',
      'builtins.property',
      'builtins.memoryview',
    ],
  },
  {
    severity: 'critical',
    category: 'nested-unpickling',
    why: 'unpickles or loads nested data, which runs whatever that data says',
    patterns: [
      'pickle',
      'cPickle',
      'shelve',
      'jsonpickle',
      'joblib.load',
      'joblib.numpy_pickle.load',
      'numpy.load',
      'numpy.lib.npyio',
      'numpy.lib.format.read_array',
      'numpy.core.numeric.load',
      'torch.load',
      'torch.serialization',
      'torch.storage._load_from_bytes',
      'torch._utils._rebuild_from_bytes',
      'pandas.read_pickle',
      'pandas.io.pickle',
      'keras.models.load_model',
      'keras.saving',
      'tensorflow.keras.models.load_model',
      'yaml.load',
      'yaml.unsafe_load',
      'torch.utils.model_zoo',
    ],
  },
  {
    severity: 'critical',
    category: 'native-code',
    why: 'loads native libraries or calls native code',
    patterns: ['ctypes', 'cffi', '_ctypes', 'numpy.ctypeslib', 'torch.ops.load_library', 'torch.classes.load_library', 'torch._C._jit'],
  },
  {
    severity: 'critical',
    category: 'module-table',
    why: 'reads or rewrites the interpreter module table or runtime state',
    patterns: ['sys', 'builtins.globals', 'builtins.locals', 'builtins.vars', 'builtins.__build_class__', 'gc', 'inspect.currentframe'],
  },
  {
    severity: 'high',
    category: 'dynamic-import',
    why: 'imports modules by name at load time',
    patterns: ['builtins.__import__', 'importlib', 'imp', 'zipimport', 'pkgutil', 'pydoc', 'torch.hub', 'modulefinder'],
  },
  {
    severity: 'high',
    category: 'resolver',
    why: 'resolves attributes or binds calls at load time, reaching any function',
    patterns: [
      'builtins.getattr',
      'builtins.setattr',
      'builtins.delattr',
      'builtins.hasattr',
      'builtins.dir',
      'operator',
      'functools',
      'inspect',
      'copyreg.add_extension',
      'copy',
      'builtins.map',
      'builtins.filter',
      'builtins.apply',
      'builtins.callable',
      'builtins.super',
      'builtins.object.__getattribute__',
      'itertools.starmap',
    ],
  },
  {
    severity: 'high',
    category: 'file-access',
    why: 'opens, reads, writes or deletes files',
    patterns: [
      'builtins.open',
      'builtins.input',
      'io',
      'codecs.open',
      'codecs.EncodedFile',
      'pathlib',
      'shutil',
      'tempfile',
      'glob',
      'fileinput',
      'logging',
      'zipfile',
      'tarfile',
      'gzip',
      'bz2',
      'lzma',
      'sqlite3',
      'dbm',
      'mmap',
      'linecache',
      'filecmp',
      'numpy.memmap',
      'numpy.fromfile',
      'numpy.save',
      'numpy.savetxt',
      'numpy.loadtxt',
      'numpy.genfromtxt',
      'numpy.lib._datasource',
      'torch.save',
      'torch.from_file',
      'torch.UntypedStorage.from_file',
    ],
  },
  {
    severity: 'high',
    category: 'network',
    why: 'opens network connections',
    patterns: [
      'socket',
      'ssl',
      'urllib',
      'http',
      'ftplib',
      'smtplib',
      'poplib',
      'imaplib',
      'telnetlib',
      'nntplib',
      'xmlrpc',
      'socketserver',
      'asyncore',
      'asynchat',
      'requests',
      'httpx',
      'aiohttp',
      'urllib3',
      'huggingface_hub',
      'smtpd',
    ],
  },
];

export interface DenyGrade {
  severity: 'high' | 'critical';
  category: DenyCategory;
  why: string;
  /** The pattern that matched, e.g. `os`. */
  pattern: string;
  /** The part of the path that matched, e.g. `os.system` in `torch.serialization.os.system`. */
  matched: string;
}

const BY_PATTERN = new Map<string, DenyRule>();
for (const rule of RULES) for (const p of rule.patterns) BY_PATTERN.set(p, rule);

function matchPath(path: string): DenyGrade | undefined {
  // Longest matching prefix first, so `builtins.getattr` wins over a broader pattern.
  const parts = path.split('.');
  for (let n = parts.length; n >= 1; n--) {
    const prefix = parts.slice(0, n).join('.');
    const rule = BY_PATTERN.get(prefix);
    if (rule) return { severity: rule.severity, category: rule.category, why: rule.why, pattern: prefix, matched: path };
  }
  return undefined;
}

/**
 * Module names distinctive enough to judge when an attribute walk reaches them mid-path;
 * common words (`io`, `code`, `test`) would misjudge library submodules of the same name.
 */
const WALK_TARGETS = new Set([
  'os',
  '_os',
  'posix',
  'nt',
  'subprocess',
  'builtins',
  '__builtins__',
  'sys',
  '_sys',
  'pty',
  'socket',
  'marshal',
  'importlib',
  'ctypes',
  'shutil',
  'runpy',
  'pydoc',
  'pkgutil',
  'pickle',
  '_pickle',
  'cPickle',
  'shelve',
  'dill',
  'cloudpickle',
  'functools',
  '_functools',
  'operator',
  '_operator',
  'copyreg',
  'inspect',
  'types',
  'threading',
  '_thread',
  'multiprocessing',
  'webbrowser',
  'tempfile',
  'pathlib',
  'timeit',
  'cProfile',
  'pdb',
  'bdb',
]);

/**
 * Module names too common to judge alone mid-path (`pandas.io`), judged when followed by one of
 * their dangerous names: `torch.storage.io.open` opens files whatever module it is reached from.
 */
const WALK_TAILS = new Set([
  'io.open',
  'io.FileIO',
  'io.open_code',
  '_io.open',
  '_io.FileIO',
  'codecs.open',
  'code.interact',
  'code.InteractiveInterpreter',
  'code.InteractiveConsole',
]);

/** Attributes that lead from any function or class to the interpreter's internals. */
const INTROSPECTION = new Set([
  '__globals__',
  '__builtins__',
  '__dict__',
  '__class__',
  '__bases__',
  '__base__',
  '__mro__',
  '__subclasses__',
  '__getattribute__',
  '__code__',
  '__closure__',
  '__func__',
  '__self__',
  '__loader__',
  '__spec__',
  '__import__',
  '__reduce__',
  '__reduce_ex__',
  '__init_subclass__',
  '__kwdefaults__',
  '__defaults__',
]);

/** A walk through an introspection attribute (`numpy.load.__globals__`) reaches anything: a resolver. */
function introspectionWalk(parts: string[]): DenyGrade | undefined {
  const at = parts.findIndex((p, i) => i > 0 && INTROSPECTION.has(p));
  if (at < 0) return undefined;
  return {
    severity: 'high',
    category: 'resolver',
    why: `walks through ${parts[at]}, which leads from any object to the interpreter's internals`,
    pattern: parts[at]!,
    matched: parts.slice(0, at + 1).join('.'),
  };
}

/**
 * Grades a dotted path (`module.qualname`) against the deny-list: the path itself with its
 * first module canonicalised (`posix` → `os`), then every tail of it, since an attribute walk
 * can reach a module through another (`torch.serialization.os.system`).
 */
export function denyGrade(path: string): DenyGrade | undefined {
  const parts = path.split('.');
  let best: DenyGrade | undefined = introspectionWalk(parts);
  for (let i = 0; i < parts.length; i++) {
    if (i > 0 && !WALK_TARGETS.has(parts[i]!) && !WALK_TAILS.has(`${parts[i]}.${parts[i + 1]}`)) continue;
    const tail = canonicalModule(parts.slice(i).join('.'));
    const grade = matchPath(tail);
    if (grade && (!best || (grade.severity === 'critical' && best.severity !== 'critical'))) {
      best = { ...grade, matched: tail };
    }
    if (best?.severity === 'critical') break;
  }
  return best;
}
