import { staticString } from '../../formats/python/evaluate.js';
import type { Call, Expr, PythonModule, Span } from '../../formats/python/model.js';
import { walkFlow } from '../../formats/python/flow.js';
import { calleePath } from '../../formats/python/resolve.js';
import type { Rule } from '../types.js';
import { shellUses } from './commands.js';
import { ipythonMethod } from './names.js';
import { pathText } from './paths.js';
import { place, shorten, snippet } from './report.js';

/**
 * Places where a file, once written, runs again later without anyone loading the model: at
 * login, at every shell or Python start, on a timer, at boot, on a git command. Matched on
 * the path with `\` read as `/`, in lower case (Windows and macOS folders ignore case).
 */
const PERSISTENCE_PATHS: Array<[RegExp, string]> = [
  [
    /(?:^|\/)\.(?:bashrc|bash_profile|bash_login|bash_logout|profile|zshrc|zprofile|zshenv|zlogin|cshrc|tcshrc|kshrc|xprofile|xinitrc)$/,
    'a shell start-up file',
  ],
  [/^\/etc\/(?:profile|bash\.bashrc|bashrc|zshrc|zsh\/zshrc|environment)$|^\/etc\/profile\.d\//, 'a system-wide shell start-up file'],
  [/(?:^|\/)\.ssh\/authorized_keys2?$/, 'SSH authorized_keys (remote login)'],
  [/^\/etc\/(?:crontab$|anacrontab$|cron\.(?:d|hourly|daily|weekly|monthly)\/)|^\/var\/spool\/cron(?:\/|$)/, 'a cron table'],
  [/(?:^|\/)(?:sitecustomize|usercustomize)\.py$/, 'a Python start-up hook (runs at every interpreter start)'],
  [/(?:<site-packages>|site-packages|dist-packages)\/[^/]*\.pth$/, 'a .pth file in site-packages (runs at every interpreter start)'],
  [/^\/(?:etc|lib|usr\/lib|run)\/systemd\/(?:system|user)\/|(?:^|\/)\.config\/systemd\/user\//, 'a systemd unit'],
  [/(?:^|\/)\.config\/autostart\/|^\/etc\/xdg\/autostart\//, 'a desktop autostart entry'],
  [/(?:^|\/)library\/launch(?:agents|daemons)\//, 'a launchd job'],
  [/(?:^|\/)start menu\/programs\/startup\//, 'the Windows Startup folder'],
  [/(?:^|\/)\.git\/hooks\/(?![^/]*\.sample$)[^/]+$/, 'a git hook'],
  [/^\/etc\/(?:rc\.local$|init\.d\/)/, 'a boot script'],
  [/^\/etc\/ld\.so\.preload$/, 'the dynamic linker preload list'],
  [/^registry:/, 'a Windows Run registry key'],
];

/** The persistence place a path names, or undefined. */
export function persistencePlace(path: string): string | undefined {
  if (path.length > 4 * 1024) return undefined;
  const p = path
    .trim()
    .replace(/\\+/g, '/')
    .replace(/^\$\{?HOME\}?(?=\/|$)/, '~')
    .toLowerCase();
  if (p.length === 0 || p.length > 400) return undefined;
  for (const [pattern, what] of PERSISTENCE_PATHS) if (pattern.test(p)) return what;
  return undefined;
}

/** Calls that open a file by name; the mode is their second argument (or `mode=`). */
const OPENERS = new Set(['builtins.open', 'io.open', 'codecs.open', 'aiofiles.open']);
/** Path methods that write the file (or create a link) at the path they are called on. */
const PATH_WRITERS = new Set(['write_text', 'write_bytes', 'symlink_to', 'hardlink_to']);
/** Calls that put a file at their destination (second) argument. */
const COPIERS = new Set([
  'shutil.copy',
  'shutil.copy2',
  'shutil.copyfile',
  'shutil.copytree',
  'shutil.move',
  'os.rename',
  'os.replace',
  'os.symlink',
  'os.link',
]);
/** Registry writes: a value under a Run key starts a program at every logon. */
const REGISTRY_WRITES = new Set(['winreg.SetValueEx', 'winreg.SetValue', '_winreg.SetValueEx', '_winreg.SetValue']);
const RUN_KEY = /\\CurrentVersion\\(?:Run|RunOnce|RunServices|Policies\\Explorer\\Run)\b|\\Winlogon\b/i;
/** os.open flags that write. */
const WRITE_FLAGS = /\bO_(?:WRONLY|RDWR|APPEND|CREAT|TRUNC)\b/;

interface Write extends Span {
  /** The target path, as far as it is static. */
  path: string;
  via: string;
}

/** A file mode (`'w'`, `'ab'`, `'r+'` …) that writes. */
const writesMode = (mode: string | undefined): boolean => mode !== undefined && /^[rwxabtU+]{1,4}$/.test(mode) && /[wax+]/.test(mode);

/** The file a Python call writes, or undefined. */
function pythonWrite(model: PythonModule, call: Call): Write | undefined {
  const path = calleePath(model, call);
  const arg = (i: number, name: string): Expr | undefined => call.args[i] ?? call.kwargs.find((k) => k.name === name)?.value;
  const mode = (e: Expr | undefined): string | undefined => (e ? staticString(model, e) : undefined);
  const at = (target: Expr | undefined, via: string): Write | undefined =>
    target ? { at: call.at, end: call.end, path: pathText(model, target), via } : undefined;
  if (path !== undefined && OPENERS.has(path)) return writesMode(mode(arg(1, 'mode'))) ? at(arg(0, 'file'), path) : undefined;
  if (path === 'os.open') return call.args[1] && WRITE_FLAGS.test(model.text.slice(call.args[1].at, call.args[1].end)) ? at(call.args[0], path) : undefined;
  if (path !== undefined && COPIERS.has(path)) return at(arg(1, 'dst'), path);
  if (ipythonMethod(model, call) === 'run_cell_magic' && /^(?:writefile|file)$/.test(mode(call.args[0]) ?? '')) {
    const line = call.args[1] ? pathText(model, call.args[1]) : '';
    return { at: call.at, end: call.end, path: line.replace(/^\s*(?:-a\s+|--append\s+)?/, ''), via: '%%writefile' };
  }
  if (path !== undefined && REGISTRY_WRITES.has(path) && call.args[0]) {
    // The key handle comes from OpenKey/CreateKey(…, r'Software\Microsoft\Windows\CurrentVersion\Run').
    let runKey: string | undefined;
    walkFlow(model, call.args[0], (x) => {
      const text = x.k === 'str' ? x.value : undefined;
      if (text !== undefined && RUN_KEY.test(text)) runKey = text;
      return runKey === undefined;
    });
    return runKey === undefined ? undefined : { at: call.at, end: call.end, path: `registry:${runKey}`, via: path };
  }
  if (call.callee.k !== 'attr') return undefined;
  const { attr, object } = call.callee;
  if (PATH_WRITERS.has(attr)) return at(object, `.${attr}`);
  if (attr === 'open' && writesMode(mode(arg(0, 'mode')))) return at(object, '.open');
  return undefined;
}

const WORD = String.raw`("[^"]*"|'[^']*'|[^\s;&|()<>]+)`;
const unquote = (w: string): string => w.replace(/^(["'])(.*)\1$/, '$2');

/** Files a shell command writes: redirections, tee, and the destination of cp/mv/ln/install. */
function shellTargets(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(new RegExp(String.raw`(?:^|[^\d&<>])>>?\|?\s*${WORD}`, 'g'))) out.push(unquote(m[1]!));
  for (const m of text.matchAll(new RegExp(String.raw`\btee\s+(?:-\S+\s+)*${WORD}`, 'g'))) out.push(unquote(m[1]!));
  for (const stmt of text.split(/[;\n|]|&&/)) {
    const words = stmt.trim().split(/\s+/);
    if (words[0] === 'sudo') words.shift();
    if (/^(?:cp|mv|ln|install|rsync)$/.test(words[0] ?? '') && words.length >= 3) out.push(unquote(words[words.length - 1]!));
  }
  return out.filter((t) => !/^(?:&?\d|\/dev\/)/.test(t));
}

/** Shell commands that install a crontab, enable a service, or point git at a hooks folder. */
const SHELL_PERSISTENCE: Array<[RegExp, string]> = [
  [/\bcrontab(?:\s+-u\s+\S+)?(?:\s+(?!-[lreiu]\b)\S+|\s*(?:$|[;&|)]))/m, 'installs a crontab'],
  [/\bsystemctl\s+(?:--user\s+)?enable\b/, 'enables a systemd service'],
  [/\b(?:schtasks(?:\.exe)?\s+\/create|reg(?:\.exe)?\s+add\s+\S*\\currentversion\\run)/i, 'registers a Windows start-up task'],
];

/** Writes to places that run code later: start-up files, authorized_keys, cron, site-packages hooks. */
export const persistence: Rule<PythonModule> = {
  meta: {
    id: 'python/persistence',
    defaultSeverity: 'high',
    title: 'Python installs itself where code runs again later',
    description:
      'The code writes a file (open for writing, pathlib write_text/write_bytes, shutil copy/move, os.rename/symlink, a %%writefile magic, or a shell redirection, tee, cp or mv) to a place that runs code later: a shell start-up file (~/.bashrc, ~/.profile, ~/.zshrc …), ~/.ssh/authorized_keys, a cron table (/etc/cron.*, /var/spool/cron, or a crontab command), a .pth file, sitecustomize.py or usercustomize.py in site-packages, a systemd unit, an autostart entry or launchd job, a git hook, /etc/rc.local or /etc/ld.so.preload, or a value under a Windows Run registry key. Loading a model or running a notebook never needs that: it outlives the session and survives deleting the model.',
    docs: 'docs/rules/python-persistence.md',
    references: ['MITRE ATLAS AML.T0010', 'MITRE ATLAS AML.T0011', 'OWASP LLM03:2025', 'CWE-506', 'CWE-912'],
  },
  check(model, ctx) {
    for (const call of model.calls) {
      const write = pythonWrite(model, call);
      const what = write ? persistencePlace(write.path) : undefined;
      if (!write || !what) continue;
      const { location, where } = place(model, call);
      ctx.report({ message: `${write.via} at ${where} writes ${what}: ${shorten(write.path, 120)}`, location, evidence: snippet(model, call) });
    }
    for (const use of shellUses(model)) {
      const hits = shellTargets(use.text).flatMap((t) => {
        const what = persistencePlace(t);
        return what ? [`writes ${what}: ${t}`] : [];
      });
      for (const [pattern, why] of SHELL_PERSISTENCE) if (pattern.test(use.text)) hits.push(why);
      if (hits.length === 0) continue;
      const { location, where } = place(model, use);
      ctx.report({ message: `${use.via} at ${where} ${[...new Set(hits)].join('; ')}`, location, evidence: shorten(use.text) });
    }
  },
};
