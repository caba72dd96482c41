import type { Severity } from '../../core/severity.js';
import type { Expr, PythonModule } from '../../formats/python/model.js';
import { calleePath, resolve } from '../../formats/python/resolve.js';
import type { Rule } from '../types.js';
import { ipythonShellMethod, isCodeExec, pathMatcher } from './names.js';
import { describeDecoders, directDecoders } from './provenance.js';
import { place, snippet } from './report.js';

/** Functions that run code, processes or connections: reaching one by lookup hides a call. */
const isDangerous = pathMatcher([
  'builtins.exec',
  'builtins.eval',
  'builtins.compile',
  'builtins.execfile',
  'builtins.__import__',
  'builtins.getattr',
  'builtins.globals',
  'os.system',
  'os.popen*',
  'os.exec*',
  'os.spawn*',
  'os.posix_spawn*',
  'subprocess.run',
  'subprocess.call',
  'subprocess.check_call',
  'subprocess.check_output',
  'subprocess.Popen',
  'subprocess.getoutput',
  'subprocess.getstatusoutput',
  'commands.getoutput',
  'commands.getstatusoutput',
  'pty.spawn',
  'socket.socket',
  'socket.create_connection',
  'marshal.loads',
  'pickle.loads',
  'importlib.import_module',
  'runpy.run_path',
  'runpy.run_module',
  'ctypes.CDLL',
  'ctypes.cdll.LoadLibrary',
  'ctypes.windll*',
  'ctypes.pythonapi*',
  'ctypes.memmove',
  'IPython.get_ipython().run_cell',
  'IPython.get_ipython().run_line_magic',
  'IPython.get_ipython().run_cell_magic',
  'IPython.get_ipython().system',
  'IPython.get_ipython().getoutput',
  'IPython.get_ipython().ex',
  'IPython.get_ipython().ev',
]);

/** IPython shell methods that run Python source or shell commands. */
const IPYTHON_RUNNERS = new Set([
  'run_cell',
  'run_cell_async',
  'ex',
  'ev',
  'run_code',
  'runcode',
  'run_source',
  'system',
  'system_raw',
  'system_piped',
  'getoutput',
  'run_line_magic',
  'run_cell_magic',
]);

/** Modules that ordinary code imports by name; importing them through __import__ hides it. */
const SENSITIVE_MODULES = new Set(['os', 'subprocess', 'pty', 'socket', 'builtins', 'marshal', 'commands', 'ctypes', 'runpy']);
const IMPORT_VIA = new Set(['__import__', 'import_module', 'sys.modules']);

/** Calls that look a name up: their name (or module) argument, by position. */
const LOOKUP_CALLS: Record<string, number> = {
  'builtins.getattr': 1,
  'builtins.object.__getattribute__': 1,
  'builtins.__import__': 0,
  'importlib.import_module': 0,
  'importlib.__import__': 0,
};

/** Class-hierarchy walks that escape to every loaded class (the classic sandbox escape). */
const HIERARCHY = new Set(['__class__', '__base__', '__bases__', '__mro__']);

function hierarchyWalk(e: Expr): boolean {
  if (e.k !== 'attr' || e.attr !== '__subclasses__') return false;
  for (let o: Expr = e.object; o.k === 'attr' || o.k === 'index' || o.k === 'call'; o = o.k === 'call' ? o.callee : o.object) {
    if (o.k === 'attr' && HIERARCHY.has(o.attr)) return true;
  }
  return false;
}

/** The name argument of a lookup (`x[key]`, `getattr(o, key)`, `__import__(key)`), if `e` is one. */
function lookupKey(model: PythonModule, e: Expr): Expr | undefined {
  if (e.k === 'index') return e.index;
  if (e.k !== 'call') return undefined;
  const path = calleePath(model, e);
  return path !== undefined && Object.hasOwn(LOOKUP_CALLS, path) ? e.args[LOOKUP_CALLS[path]!] : undefined;
}

interface Verdict {
  why: string;
  severity?: Severity;
}

/** Why `e` reaches a builtin or a dangerous name by lookup or aliasing, or undefined. */
function judge(model: PythonModule, e: Expr): Verdict | undefined {
  if (hierarchyWalk(e)) return { why: 'walks the class hierarchy to __subclasses__ (reaches every loaded class)' };
  if (model.writes.has(`${e.at}:${e.end}`)) return undefined;
  const r = resolve(model, e);
  const key = lookupKey(model, e);
  const decoders = key ? directDecoders(model, key) : undefined;
  if (decoders && decoders.size > 0) return { why: `looks up a name hidden by ${describeDecoders(decoders)}${r && !r.hidden ? `: ${r.path}` : ''}` };
  if (!r) return undefined;
  const via = [...new Set(r.via)].join(', ');
  // Aliasing: exec or eval called under another name.
  if (r.alias && isCodeExec(r.path) && e.k === 'name' && r.via.length === 0) return { why: `reaches ${r.path} under the alias ${r.alias}` };
  // IPython writes `get_ipython().system(…)` for `!` lines: its code- and command-running methods held under another name only hide the call.
  if (r.alias && e.k === 'name' && r.via.length === 0 && IPYTHON_RUNNERS.has(ipythonShellMethod(r.path) ?? ''))
    return { why: `reaches ${r.path} under the alias ${r.alias}` };
  // A plain name bound to a lookup is reported where the lookup is written, not at each use;
  // an attribute stored by setattr is read back by a plain attribute no candidate holds, so its use counts.
  if (r.via.length === 0 || (e.k === 'name' && !r.via.every((v) => v === 'setattr'))) return undefined;
  if (r.hidden)
    return r.path === 'builtins.<computed>' ? { why: `looks up a name computed at run time in builtins (through ${via})`, severity: 'low' } : undefined;
  if (isDangerous(r.path)) return { why: `reaches ${r.path} through ${via}` };
  if (SENSITIVE_MODULES.has(r.path) && r.via.some((v) => IMPORT_VIA.has(v))) return { why: `imports ${r.path} dynamically (through ${via})` };
  if (r.path === 'builtins' && r.via.some((v) => v === 'globals()' || v === '__globals__')) return { why: `reaches the builtins namespace through ${via}` };
  return undefined;
}

/** Builtins and dangerous functions reached by getattr, globals(), __import__ and aliases. */
export const builtinsLookup: Rule<PythonModule> = {
  meta: {
    id: 'python/builtins-lookup',
    version: 3,
    defaultSeverity: 'high',
    title: 'Python reaches builtins or dangerous functions by lookup or aliasing',
    description:
      'The code reaches exec, eval, __import__, os.system, subprocess and the like without naming them plainly: getattr(__builtins__, "exec"), globals()["__builtins__"], vars(builtins)["exec"], __import__("os").system, importlib.import_module of a decoded name, an alias such as e = exec or sh = get_ipython().system, a function stored by setattr(obj, \'x\', os.system) and called as obj.x, or a walk up the class hierarchy to __subclasses__. Ordinary code names what it calls; this is how payloads hide from reviewers and scanners. A name computed at run time and looked up in builtins is low (type-name mapping does that).',
    docs: 'docs/rules/python-builtins-lookup.md',
    references: ['MITRE ATLAS AML.T0010', 'MITRE ATLAS AML.T0011', 'OWASP LLM03:2025', 'CWE-94', 'CWE-506'],
  },
  check(model, ctx) {
    const candidates: Expr[] = [...model.lookups];
    for (const call of model.calls) candidates.push(call, call.callee);
    const hits: Array<{ e: Expr } & Verdict> = [];
    for (const e of candidates) {
      const verdict = judge(model, e);
      if (verdict) hits.push({ e, ...verdict });
    }
    hits.sort((a, b) => a.e.at - b.e.at || b.e.end - a.e.end);
    const kept: typeof hits = [];
    let keptEnd = -1;
    for (const h of hits) {
      // The outermost expression of a chain speaks for it: getattr(__import__('os'), 'system').
      // Syntax spans nest or are disjoint, so starting before the last kept end means inside it.
      if (h.e.at < keptEnd) continue;
      kept.push(h);
      keptEnd = h.e.end;
    }
    for (const { e, why, severity } of kept) {
      const { location, where } = place(model, e);
      ctx.report({ severity, message: `at ${where}: ${why}`, location, evidence: snippet(model, e) });
    }
  },
};
