import { evaluate } from '../../formats/python/evaluate.js';
import type { Call, Expr, PythonModule } from '../../formats/python/model.js';
import { calleePath } from '../../formats/python/resolve.js';
import { bindingsOf } from '../../formats/python/scope.js';
import { ipythonMethod, shellRunner } from './names.js';
import { quoteWord } from './shell-text.js';

/** A shell command the code runs, as far as its text is static; `…` marks a run-time part. */
export interface ShellUse {
  text: string;
  /** What runs it: `os.system`, `subprocess.run`, `!`, `%%bash` … */
  via: string;
  at: number;
  end: number;
  /** The Python call that runs it (none for notebook shell lines). */
  call?: Call;
}

const HOLE = '…';
/** Nesting followed when building a command's text. */
const MAX_TEXT_DEPTH = 16;

/**
 * Characters of one command's text kept: command lines are bounded by ARG_MAX (2 MiB on
 * Linux), and a name bound to sums of names (`c2 = c1 + c1 …`) would otherwise double its text
 * at each step.
 */
const MAX_COMMAND_CHARS = 256 * 1024;

/** The text of a command argument, with `…` for parts known only at run time. */
export function commandText(model: PythonModule, e: Expr, depth = 0): string {
  const text = buildCommand(model, e, depth);
  return text.length > MAX_COMMAND_CHARS ? text.slice(0, MAX_COMMAND_CHARS) + HOLE : text;
}

function buildCommand(model: PythonModule, e: Expr, depth: number): string {
  if (depth > MAX_TEXT_DEPTH) return HOLE;
  const v = evaluate(model, e)?.value;
  if (v?.k === 'str') return v.v;
  if (v?.k === 'bytes') return v.v.toString('latin1');
  if (v?.k === 'list') return v.v.map((x) => quoteWord(x.k === 'str' ? x.v : x.k === 'bytes' ? x.v.toString('latin1') : HOLE)).join(' ');
  const sub = (x: Expr): string => commandText(model, x, depth + 1);
  switch (e.k) {
    case 'fstr':
      return e.parts.map((p) => (typeof p === 'string' ? p : sub(p))).join('');
    case 'binop':
      if (e.op === '+') return sub(e.left) + sub(e.right);
      if (e.op === '%') return sub(e.left).replace(/%[-#0 +]*\d*(?:\.\d+)?[sdrfx]/g, HOLE);
      return HOLE;
    case 'seq':
      return e.items.map((x) => quoteWord(sub(x))).join(' ');
    case 'name': {
      const b = bindingsOf(model, e.id, e.at);
      const only = b.length === 1 ? b[0] : undefined;
      return only?.kind === 'value' ? sub(only.value) : HOLE;
    }
    case 'call':
      if (e.callee.k === 'attr' && e.callee.attr === 'format') return sub(e.callee.object).replace(/\{[^{}]*\}/g, HOLE);
      if (e.callee.k === 'attr' && e.callee.attr === 'join' && e.args[0]) return sub(e.args[0]);
      if (calleePath(model, e) === 'shlex.join' && e.args[0]) return sub(e.args[0]);
      return HOLE;
    default:
      return HOLE;
  }
}

/** `get_ipython().system(…)` and friends: the code IPython writes for `!` lines and magics. */
function ipythonCommand(model: PythonModule, call: Call): ShellUse | undefined {
  const method = ipythonMethod(model, call);
  if (method === undefined) return undefined;
  const arg = (i: number): string | undefined => (call.args[i] ? commandText(model, call.args[i]) : undefined);
  let text: string | undefined;
  if (method === 'system' || method === 'getoutput' || method === 'system_raw' || method === 'system_piped') text = arg(0);
  else if (method === 'run_line_magic' && /^(system|sx)$/.test(arg(0) ?? '')) text = arg(1);
  else if (method === 'run_cell_magic' && /^(bash|sh|zsh|script|system|sx)$/.test(arg(0) ?? '')) text = arg(2);
  return text === undefined ? undefined : { text, via: `get_ipython().${method}`, at: call.at, end: call.end, call };
}

const memo = new WeakMap<PythonModule, ShellUse[]>();

/** Every shell command of the module: notebook shell lines, then calls that run a process. */
export function shellUses(model: PythonModule): ShellUse[] {
  const cached = memo.get(model);
  if (cached) return cached;
  const uses: ShellUse[] = model.commands.map((c) => ({ text: c.text, via: c.via, at: c.at, end: c.end }));
  for (const call of model.calls) {
    const path = calleePath(model, call);
    const runner = shellRunner(path);
    if (!runner) {
      const ipy = ipythonCommand(model, call);
      if (ipy) uses.push(ipy);
      continue;
    }
    const first = call.args[runner.arg] ?? call.kwargs.find((k) => k.name === 'args' || k.name === 'cmd' || k.name === 'command')?.value;
    if (!first) continue;
    const parts = [first, ...(runner.rest ? call.args.slice(runner.arg + 1) : [])];
    const text = parts.length === 1 ? commandText(model, first) : parts.map((p) => quoteWord(commandText(model, p))).join(' ');
    uses.push({ text, via: path!, at: call.at, end: call.end, call });
  }
  memo.set(model, uses);
  return uses;
}

/**
 * The commands a module starts, each with whether it runs on import: a call outside every
 * function body (module level or a class body) runs when the module is imported.
 */
export function importCommands(model: PythonModule): Array<ShellUse & { onImport: boolean }> {
  return shellUses(model).map((u) => ({ ...u, onImport: !model.scopes.some((s) => s.at <= u.at && u.at < s.end) }));
}
