import { evaluate, staticString } from '../../formats/python/evaluate.js';
import type { Call, Expr, PythonModule } from '../../formats/python/model.js';
import { calleePath, resolve } from '../../formats/python/resolve.js';
import { bindingsOf } from '../../formats/python/scope.js';

/**
 * File paths as far as code builds them statically: literals, `os.path.join`, `pathlib`
 * `/` and `joinpath`, `expanduser`, f-strings and `%`/`format`. The home folder reads as `~`,
 * Python's package folders (site.getsitepackages(), sysconfig's purelib …) as SITE, and
 * parts known only at run time as `…`.
 */

export const HOLE = '…';
/** Stands for a site-packages folder, whichever one code asked Python for. */
export const SITE = '<site-packages>';

/** Nesting followed when building a path's text. */
const MAX_PATH_DEPTH = 16;

/** Calls that return their (first) argument's path unchanged, for a static reading. */
const SAME_PATH = new Set([
  'os.path.expanduser',
  'os.path.expandvars',
  'os.path.abspath',
  'os.path.realpath',
  'os.path.normpath',
  'os.fspath',
  'builtins.str',
  'pathlib.Path',
  'pathlib.PurePath',
  'pathlib.PosixPath',
  'pathlib.WindowsPath',
]);
/** Methods of a path object that keep its path. */
const SAME_PATH_METHODS = new Set(['expanduser', 'resolve', 'absolute', 'as_posix']);
const JOINS = new Set(['os.path.join', 'posixpath.join', 'ntpath.join', 'pathlib.Path', 'pathlib.PurePath', 'pathlib.PosixPath']);
/** Where Python keeps installed packages: a `.pth` or sitecustomize.py there runs at every start. */
const SITE_CALLS = new Set([
  'site.getsitepackages',
  'site.getusersitepackages',
  'sysconfig.get_path',
  'sysconfig.get_paths',
  'distutils.sysconfig.get_python_lib',
  'site.USER_SITE',
  'site.USER_BASE',
]);
/** Environment variables that name the home folder, and what they stand for. */
const HOME_VARS: Record<string, string> = { HOME: '~', USERPROFILE: '~', APPDATA: '~/AppData/Roaming', XDG_CONFIG_HOME: '~/.config' };

/** The home-folder variable an environment read names (`os.environ['HOME']`, `os.getenv('HOME')`), as a path. */
function homeVar(model: PythonModule, e: Expr): string | undefined {
  let key: Expr | undefined;
  if (e.k === 'index' && resolve(model, e.object)?.path === 'os.environ') key = e.index;
  else if (e.k === 'call' && calleePath(model, e) === 'os.getenv') key = e.args[0];
  else if (e.k === 'call' && e.callee.k === 'attr' && e.callee.attr === 'get' && resolve(model, e.callee.object)?.path === 'os.environ') key = e.args[0];
  const name = key ? staticString(model, key) : undefined;
  return name !== undefined && Object.hasOwn(HOME_VARS, name) ? HOME_VARS[name] : undefined;
}

const join = (parts: string[]): string => parts.join('/').replace(/\/{2,}/g, '/');

/** The text of a path expression, `~` for home, SITE for site-packages, `…` for run-time parts. */
export function pathText(model: PythonModule, e: Expr): string {
  return buildPath(model, e, 0, { left: MAX_PATH_NODES, cuts: 0 });
}

/** Sub-expressions read for one path: names bound to sums of names would otherwise fan out. */
const MAX_PATH_NODES = 2_000;

/** Characters of one path kept: real paths are far shorter (PATH_MAX is 4096 on Linux). */
const MAX_PATH_CHARS = 4096;

/** Paths read in full (no bound cut them), by expression: shared bindings are read once. */
const complete = new WeakMap<Expr, string>();

function buildPath(model: PythonModule, e: Expr, depth: number, budget: { left: number; cuts: number }): string {
  const known = complete.get(e);
  if (known !== undefined) return known;
  if (depth > MAX_PATH_DEPTH || --budget.left < 0) {
    budget.cuts++;
    return HOLE;
  }
  const before = budget.cuts;
  let text = readPath(model, e, (x) => buildPath(model, x, depth + 1, budget));
  if (text.length > MAX_PATH_CHARS) {
    budget.cuts++;
    text = text.slice(0, MAX_PATH_CHARS) + HOLE;
  }
  if (budget.cuts === before) complete.set(e, text);
  return text;
}

function readPath(model: PythonModule, e: Expr, sub: (x: Expr) => string): string {
  const v = evaluate(model, e)?.value;
  if (v?.k === 'str') return v.v;
  if (v?.k === 'bytes') return v.v.toString('latin1');
  const home = homeVar(model, e);
  if (home) return home;
  switch (e.k) {
    case 'fstr':
      return e.parts.map((p) => (typeof p === 'string' ? p : sub(p))).join('');
    case 'binop':
      if (e.op === '+') return sub(e.left) + sub(e.right);
      if (e.op === '/') return join([sub(e.left), sub(e.right)]);
      if (e.op === '%') return sub(e.left).replace(/%[-#0 +]*\d*(?:\.\d+)?[sdr]/g, HOLE);
      return HOLE;
    case 'name': {
      const b = bindingsOf(model, e.id, e.at);
      const only = b.length === 1 ? b[0] : undefined;
      return only?.kind === 'value' ? sub(only.value) : HOLE;
    }
    case 'attr':
      return SITE_CALLS.has(resolve(model, e)?.path ?? '') ? SITE : HOLE;
    case 'index':
      // site.getsitepackages()[0], sysconfig.get_paths()['purelib']
      return e.object.k === 'call' && SITE_CALLS.has(calleePath(model, e.object) ?? '') ? SITE : HOLE;
    case 'call':
      return callPath(model, e, sub);
    default:
      return HOLE;
  }
}

function callPath(model: PythonModule, e: Call, sub: (x: Expr) => string): string {
  const path = calleePath(model, e);
  if (path === 'pathlib.Path.home' || path === 'pathlib.PosixPath.home') return '~';
  if (path !== undefined && SITE_CALLS.has(path)) return SITE;
  if (path !== undefined && JOINS.has(path) && e.args.length > 1) return join(e.args.map(sub));
  if (path !== undefined && SAME_PATH.has(path)) return e.args[0] ? sub(e.args[0]) : HOLE;
  if (e.callee.k === 'attr') {
    const { attr, object } = e.callee;
    if (SAME_PATH_METHODS.has(attr)) return sub(object);
    if (attr === 'joinpath') return join([sub(object), ...e.args.map(sub)]);
    if (attr === 'format') return sub(object).replace(/\{[^{}]*\}/g, HOLE);
  }
  return HOLE;
}
