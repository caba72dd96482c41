import type { Call, Expr, PythonModule } from '../../formats/python/model.js';
import { calleePath, resolve } from '../../formats/python/resolve.js';
import type { Rule } from '../types.js';
import { shellUses, type ShellUse } from './commands.js';
import { isSocketOpen, pathMatcher } from './names.js';
import { place, shorten } from './report.js';
import { reverseShellText } from './shell-text.js';

const SHELL_PROGRAMS = /^(?:\S*\/)?(?:sh|bash|zsh|dash|ksh|ash|csh|tcsh|fish|cmd(?:\.exe)?|powershell(?:\.exe)?|pwsh)$/i;

/** The command starts an interactive shell (a shell with no script and no `-c`). */
function startsShell(use: ShellUse): boolean {
  if (use.via === 'pty.spawn') return true;
  const words = use.text.trim().split(/\s+/);
  return SHELL_PROGRAMS.test(words[0] ?? '') && !words.includes('-c') && words.slice(1).every((w) => w.startsWith('-') || SHELL_PROGRAMS.test(w));
}

/** A connection object: what socket.socket(), create_connection() or ssl wrapping return. */
const isSocketObject = pathMatcher(['socket.socket()', 'socket.create_connection()', 'socket.fromfd()', 'ssl.wrap_socket()', 'ssl.SSLContext().wrap_socket()']);

/** The call hands a socket to the child as its streams: `stdin=s.fileno()`, `stdout=s` and the like. */
function wiresSocket(model: PythonModule, call: Call | undefined): boolean {
  const streams = call?.kwargs.filter((k) => k.name === 'stdin' || k.name === 'stdout' || k.name === 'stderr') ?? [];
  const fileno = (e: Expr): boolean => e.k === 'call' && e.callee.k === 'attr' && e.callee.attr === 'fileno';
  return streams.some((k) => fileno(k.value) || isSocketObject(resolve(model, k.value)?.path));
}

/** A shell whose input and output are a network connection. */
export const reverseShell: Rule<PythonModule> = {
  meta: {
    id: 'python/reverse-shell',
    version: 2,
    defaultSeverity: 'critical',
    title: 'Reverse shell',
    description:
      'The code connects a shell to the network: a socket whose descriptors are duplicated onto stdin/stdout (os.dup2) before a shell or pty.spawn starts, a shell started with a socket as its streams, or a shell command such as `bash -i >& /dev/tcp/…`, `nc -e /bin/sh`, `socat exec:` or a mkfifo loop. Whoever listens at the other end controls the machine.',
    docs: 'docs/rules/python-reverse-shell.md',
    references: ['MITRE ATLAS AML.T0010', 'MITRE ATLAS AML.T0011', 'OWASP LLM03:2025', 'CWE-78', 'CWE-506'],
  },
  check(model, ctx) {
    const uses = shellUses(model);
    for (const use of uses) {
      const why = reverseShellText(use.text);
      if (!why) continue;
      const { location, where } = place(model, use);
      ctx.report({ message: `${use.via} at ${where}: ${why}: ${shorten(use.text, 120)}`, location, evidence: shorten(use.text) });
    }
    const socket = model.calls.find((c) => isSocketOpen(calleePath(model, c)));
    if (!socket) return;
    const dup2 = model.calls.find((c) => calleePath(model, c) === 'os.dup2');
    const shells = uses.filter(startsShell);
    const shell = shells.find((s) => wiresSocket(model, s.call)) ?? (dup2 ? shells[0] : undefined);
    if (!shell) return;
    const { location, where } = place(model, shell);
    const how = wiresSocket(model, shell.call) ? 'with a socket as its streams' : `after os.dup2 at ${place(model, dup2!).where} puts a socket on its streams`;
    ctx.report({
      message: `${shell.via} at ${where} starts a shell ${how} (socket opened at ${place(model, socket).where})`,
      location,
      evidence: shorten(model.text.slice(shell.at, shell.end)),
    });
  },
};
