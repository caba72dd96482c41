import { staticString } from '../../formats/python/evaluate.js';
import type { Call, Expr, PythonModule } from '../../formats/python/model.js';
import { calleePath } from '../../formats/python/resolve.js';
import { bindingsOf } from '../../formats/python/scope.js';
import type { Rule } from '../types.js';
import { shellUses } from './commands.js';
import { provenance } from './provenance.js';
import { place, shorten, snippet } from './report.js';
import { base, downloadToShell as judgeCommand } from './shell-text.js';

/** Python calls that save a URL to a file, with the argument that names the file. */
const SAVERS: Record<string, number> = { 'urllib.request.urlretrieve': 1, 'urllib.urlretrieve': 1, 'wget.download': 1 };
/** Python calls that run a file as code. */
const FILE_RUNNERS = new Set(['runpy.run_path', 'builtins.execfile']);

/** The static file name an `open(F, 'w…')` handle writes to, for a `handle.write(…)` call. */
function writtenFile(model: PythonModule, call: Call): string | undefined {
  if (call.callee.k !== 'attr' || call.callee.attr !== 'write') return undefined;
  let handle = call.callee.object;
  const isOpen = (e: Expr): e is Call => e.k === 'call' && calleePath(model, e) === 'builtins.open' && e.args[0] !== undefined;
  if (handle.k === 'name') {
    // The handle's own binding (`with open(…) as f`, `f = open(…)`); writes to it bind it too.
    const opened = bindingsOf(model, handle.id, handle.at).flatMap((b) => (b.kind === 'value' && isOpen(b.value) ? [b.value] : []));
    if (opened.length !== 1) return undefined;
    handle = opened[0]!;
  }
  if (!isOpen(handle)) return undefined;
  const mode = handle.args[1] ? staticString(model, handle.args[1]) : undefined;
  return mode !== undefined && /[wax]/.test(mode) ? staticString(model, handle.args[0]!) : undefined;
}

/** Files the Python code saves from the network: file name → what downloaded it. */
function pythonDownloads(model: PythonModule): Map<string, string> {
  const saved = new Map<string, string>();
  for (const call of model.calls) {
    const path = calleePath(model, call);
    if (path !== undefined && Object.hasOwn(SAVERS, path)) {
      const file = call.args[SAVERS[path]!] ? staticString(model, call.args[SAVERS[path]!]!) : undefined;
      if (file) saved.set(base(file), path);
      continue;
    }
    const file = writtenFile(model, call);
    const from = file !== undefined && call.args[0] ? provenance(model, call.args[0]).network : undefined;
    if (file && from) saved.set(base(file), from);
  }
  return saved;
}

/** Shell commands that download code and run it: `curl … | sh`, `bash <(wget …)`. */
export const downloadToShell: Rule<PythonModule> = {
  meta: {
    id: 'python/download-to-shell',
    version: 2,
    defaultSeverity: 'critical',
    title: 'Shell command runs downloaded code',
    description:
      'A shell command run by os.system, subprocess, pty, os.exec*, or a notebook `!` line or `%%bash` cell downloads something and runs it: piped into sh/bash/python, substituted into `sh -c "$(curl …)"` or `bash <(…)`, or saved to a file (by the shell or by Python: urlretrieve, a write of fetched data) that is then run, made executable, or run with runpy. Whatever the server sends runs on the machine that loads the model or opens the notebook.',
    docs: 'docs/rules/python-download-to-shell.md',
    references: ['MITRE ATLAS AML.T0010', 'MITRE ATLAS AML.T0011', 'OWASP LLM03:2025', 'CWE-78', 'CWE-494', 'CWE-506'],
  },
  check(model, ctx) {
    const saved = pythonDownloads(model);
    for (const use of shellUses(model)) {
      const why = judgeCommand(use.text, saved);
      if (!why) continue;
      const { location, where } = place(model, use);
      ctx.report({ message: `${use.via} at ${where} ${why}: ${shorten(use.text, 120)}`, location, evidence: shorten(use.text) });
    }
    for (const call of model.calls) {
      const path = calleePath(model, call);
      const file = FILE_RUNNERS.has(path ?? '') && call.args[0] ? staticString(model, call.args[0]) : undefined;
      if (!file || !saved.has(base(file))) continue;
      const { location, where } = place(model, call);
      ctx.report({ message: `${path} at ${where} runs ${file}, which ${saved.get(base(file))} downloaded`, location, evidence: snippet(model, call) });
    }
  },
};
