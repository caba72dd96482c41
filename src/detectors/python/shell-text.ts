/**
 * Reading shell command lines statically (POSIX shell grammar, simplified): statements split
 * on `;`, `&&`, `||`, `&` and newlines, pipelines on `|`, words on blanks outside quotes.
 * Command substitutions `$(…)`, backticks and process substitutions `<(…)` are read as
 * statements of their own too.
 */

interface Command {
  program: string;
  args: string[];
  raw: string;
}

const DOWNLOADERS = new Set([
  'curl',
  'wget',
  'fetch',
  'aria2c',
  'lwp-download',
  'lwp-request',
  'get',
  'http',
  'https',
  'iwr',
  'irm',
  'invoke-webrequest',
  'invoke-restmethod',
  'bitsadmin',
  'certutil',
  'tftp',
]);
const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'ash', 'csh', 'tcsh', 'fish', 'busybox', 'cmd', 'cmd.exe', 'powershell', 'powershell.exe', 'pwsh']);
const INTERPRETERS = new Set(['python', 'python2', 'python3', 'perl', 'ruby', 'node', 'php', 'lua']);
const EVALUATORS = new Set(['eval', 'source', '.', 'iex', 'invoke-expression', 'exec']);
/** Words that run the command after them. */
const PREFIXES = new Set(['sudo', 'env', 'nohup', 'command', 'time', 'nice', 'builtin', 'doas', 'stdbuf', 'timeout']);

/** Splits on `seps` outside quotes; `|` alone is a separator only when `pipes` is set. */
function split(text: string, pipes: boolean): string[] {
  const out: string[] = [];
  let cur = '';
  let quote = '';
  let paren = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = '';
      cur += c;
      continue;
    }
    if (c === "'" || c === '"' || c === '`') quote = c;
    else if (c === '(') paren++;
    else if (c === ')') paren = Math.max(0, paren - 1);
    const two = text.slice(i, i + 2);
    const isSep =
      paren === 0 &&
      (pipes
        ? c === '|' && two !== '||' && text[i - 1] !== '|'
        : c === '\n' || c === ';' || two === '&&' || two === '||' || (c === '&' && text[i - 1] !== '>' && text[i + 1] !== '>'));
    if (isSep) {
      out.push(cur);
      cur = '';
      if (!pipes && (two === '&&' || two === '||')) i++;
      continue;
    }
    cur += c;
  }
  out.push(cur);
  return out.map((s) => s.trim()).filter((s) => s !== '');
}

function words(stage: string): string[] {
  return (stage.match(/"[^"]*"|'[^']*'|\S+/g) ?? []).map((w) => w.replace(/^["']|["']$/g, ''));
}

/** `sh -c` scripts read inside one another. */
const MAX_SCRIPT_DEPTH = 4;

/** The file name a path ends in, lower-cased: saved downloads are matched by it. */
export const base = (w: string): string => w.slice(w.lastIndexOf('/') + 1).toLowerCase();

function command(stage: string): Command | undefined {
  const ws = words(stage);
  let i = 0;
  while (i < ws.length && (PREFIXES.has(base(ws[i]!)) || /^\w+=/.test(ws[i]!) || (i > 0 && ws[i]!.startsWith('-') && PREFIXES.has(base(ws[i - 1]!))))) i++;
  if (i >= ws.length) return undefined;
  return { program: base(ws[i]!), args: ws.slice(i + 1), raw: stage };
}

/** Every statement, including those inside `$(…)`, backticks and `<(…)`. */
function statements(text: string): string[] {
  const found = split(text, false);
  const inner = /\$\(([^()]*)\)|`([^`]*)`|<\(([^()]*)\)/g;
  for (const m of text.matchAll(inner)) found.push(...split(m[1] ?? m[2] ?? m[3] ?? '', false));
  return found;
}

const isDownloader = (c: Command | undefined): boolean =>
  c !== undefined && (DOWNLOADERS.has(c.program) || (c.program === 'powershell' && /downloadstring|webclient|invoke-webrequest/i.test(c.raw)));

/** True when the command runs what it reads on standard input as code. */
function runsStdin(c: Command | undefined): boolean {
  if (!c) return false;
  const positional = c.args.filter((a) => !a.startsWith('-'));
  if (SHELLS.has(c.program)) return !c.args.includes('-c') && (positional.length === 0 || c.args.includes('-s'));
  if (INTERPRETERS.has(c.program) || /^python\d/.test(c.program)) return c.args.length === 0 || c.args.includes('-');
  if (EVALUATORS.has(c.program)) return positional.length === 0 || positional.some((p) => p === '-' || p === '/dev/stdin');
  return false;
}

const isRunner = (c: Command | undefined): boolean =>
  c !== undefined && (SHELLS.has(c.program) || INTERPRETERS.has(c.program) || /^python\d/.test(c.program) || EVALUATORS.has(c.program));

/** Where a download is saved: `-o F`, `-O F`, `--output F`, `> F`. */
function savedTo(c: Command): string | undefined {
  const i = c.args.findIndex((a) => /^(-o|-O|--output|--output-document|-OutFile|>)$/.test(a));
  const target = i >= 0 ? c.args[i + 1] : /(?:^|\s)>\s*(\S+)/.exec(c.raw)?.[1];
  return target && target !== '-' && target !== '/dev/stdout' ? base(target) : undefined;
}

/**
 * How the command text runs downloaded code, or undefined: a download piped to a shell or
 * interpreter, a download inside `$(…)`/`<(…)` that a shell or `eval` runs, or a file saved
 * by a download (here, or earlier in `saved`: file name → what downloaded it) that a
 * statement runs or makes executable. Downloads with an output file are added to `saved`.
 */
export function downloadToShell(text: string, saved: Map<string, string> = new Map(), depth = 0): string | undefined {
  for (const stmt of statements(text)) {
    const stages = split(stmt, true).map(command);
    // `sh -c 'script'`: the script is a command line of its own.
    for (const c of stages) {
      const script = c && SHELLS.has(c.program) && c.args.includes('-c') ? c.args[c.args.indexOf('-c') + 1] : undefined;
      const inner = script !== undefined && depth < MAX_SCRIPT_DEPTH ? downloadToShell(script, saved, depth + 1) : undefined;
      if (inner) return inner;
    }
    const d = stages.findIndex(isDownloader);
    if (d >= 0) {
      const runner = stages.slice(d + 1).find(runsStdin);
      if (runner) return `pipes a download (${stages[d]!.program}) into ${runner.program}`;
      const file = savedTo(stages[d]!);
      if (file) saved.set(file, stages[d]!.program);
    }
    const first = stages[0];
    if (isRunner(first) && /\$\(|`|<\(/.test(stmt)) {
      const inner = [...stmt.matchAll(/\$\(([^()]*)\)|`([^`]*)`|<\(([^()]*)\)/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? '');
      const dl = inner
        .flatMap((t) => split(t, false).flatMap((s) => split(s, true)))
        .map(command)
        .find(isDownloader);
      if (dl) return `runs the output of a download (${dl.program}) with ${first!.program}`;
    }
    if (first && d < 0) {
      const named = (w: string): string | undefined => (saved.has(base(w)) ? base(w) : undefined);
      const chmod = first.program === 'chmod' && first.args.some((a) => /^(?:[ugoa]*\+[rw]*x|\d*[1357]\d*)$/.test(a));
      const file = named(first.program) ?? (isRunner(first) || chmod ? first.args.map(named).find((f) => f !== undefined) : undefined);
      if (file) return `${chmod ? 'makes executable' : 'runs'} ${file}, which ${saved.get(file)} downloaded`;
    }
  }
  return undefined;
}

/** The decoder a shell command is (`base64 -d`, `xxd -r`, `openssl base64 -d` …), or undefined. */
function shellDecoder(c: Command | undefined): string | undefined {
  if (!c) return undefined;
  const flag = (re: RegExp): boolean => c.args.some((a) => re.test(a));
  if ((c.program === 'base64' || c.program === 'base32' || c.program === 'basenc') && flag(/^(?:--decode|-[a-zA-Z]*[dD][a-zA-Z]*)$/)) return `${c.program} -d`;
  if (c.program === 'xxd' && flag(/^-[a-z]*r[a-z]*$/)) return 'xxd -r';
  if (c.program === 'openssl' && flag(/^(?:base64|enc)$/) && flag(/^-(?:d|a|base64)$/) && flag(/^-d$/)) return 'openssl base64 -d';
  if (c.program === 'uudecode') return 'uudecode';
  return undefined;
}

/** `NAME=value`, `export NAME=value` …: the name and the value text, or undefined. */
function assignment(stmt: string): { name: string; value: string } | undefined {
  const m = /^(?:(?:export|local|readonly|typeset|declare(?:\s+-\w+)*)\s+)?([A-Za-z_]\w*)=([\s\S]*)$/.exec(stmt);
  return m ? { name: m[1]!, value: m[2]! } : undefined;
}

/** The decoder inside `$(…)` or backticks of a text, or undefined. */
function decoderInSubstitution(text: string): string | undefined {
  for (const m of text.matchAll(/\$\(([^()]*)\)|`([^`]*)`|<\(([^()]*)\)/g)) {
    const d = split(m[1] ?? m[2] ?? m[3] ?? '', false)
      .flatMap((s) => split(s, true))
      .map((s) => shellDecoder(command(s)))
      .find((x) => x !== undefined);
    if (d) return d;
  }
  return undefined;
}

/** The first variable of `decoded` a text expands (`$L`, `${L}`), or undefined. */
function expandsDecoded(text: string, decoded: Map<string, string>): string | undefined {
  if (decoded.size === 0) return undefined;
  for (const m of text.matchAll(/\$\{?([A-Za-z_]\w*)/g)) if (decoded.has(m[1]!)) return m[1];
  return undefined;
}

/**
 * The text a runner runs as code, or undefined: every argument of `eval`/`source`/`exec`, the
 * `-c`/`-e` script of a shell or interpreter, or a `<(…)` it reads its script from. Arguments
 * handed to a script file are data, not code.
 */
function codeText(c: Command): string | undefined {
  if (EVALUATORS.has(c.program)) return c.args.join(' ');
  if (!isRunner(c)) return undefined;
  const i = c.args.findIndex((a) => a === '-c' || a === '-e');
  const parts = [i >= 0 ? (c.args[i + 1] ?? '') : '', ...[...c.raw.matchAll(/<\(([^()]*)\)/g)].map((m) => m[0])];
  const text = parts.filter((p) => p !== '').join(' ');
  return text === '' ? undefined : text;
}

/**
 * How the command text runs code it decoded, or undefined: decoded data piped into a shell or
 * interpreter (`echo … | base64 -d | sh`), a decoder's output substituted into a runner
 * (`eval "$(… | base64 -d)"`, `bash <(…)`), or a variable assigned decoded data (here, or
 * earlier in `decoded`: name → decoder) that `eval`, `sh -c`, a pipe into a shell, or the
 * command position runs. Variables assigned decoded data are added to `decoded`.
 */
export function decodedToShell(text: string, decoded: Map<string, string> = new Map(), depth = 0): string | undefined {
  for (const stmt of statements(text)) {
    const stages = split(stmt, true).map(command);
    const set = assignment(stmt);
    if (set && stages.length === 1) {
      const from = decoderInSubstitution(set.value) ?? decoded.get(expandsDecoded(set.value, decoded) ?? '');
      if (from) decoded.set(set.name, from);
      else decoded.delete(set.name);
      continue;
    }
    // A pipeline: decoded data (a decoder, or a decoded variable echoed) feeding a shell or interpreter.
    const d = stages.findIndex((c) => shellDecoder(c) !== undefined || (c !== undefined && expandsDecoded(c.raw, decoded) !== undefined));
    if (d >= 0) {
      const runner = stages.slice(d + 1).find(runsStdin);
      if (runner) {
        const name = expandsDecoded(stages[d]!.raw, decoded);
        return name !== undefined && !shellDecoder(stages[d])
          ? `pipes $${name}, decoded by ${decoded.get(name)}, into ${runner.program}`
          : `pipes data decoded by ${shellDecoder(stages[d])} into ${runner.program}`;
      }
    }
    const first = stages[0];
    if (!first) continue;
    const code = codeText(first);
    if (code !== undefined) {
      const sub = decoderInSubstitution(code);
      if (sub) return `runs the output of ${sub} with ${first.program}`;
      const name = expandsDecoded(code, decoded);
      if (name !== undefined) return `runs $${name}, decoded by ${decoded.get(name)}, with ${first.program}`;
    }
    // `sh -c 'script'`: the script is a command line of its own.
    for (const c of stages) {
      const script = c && SHELLS.has(c.program) && c.args.includes('-c') ? c.args[c.args.indexOf('-c') + 1] : undefined;
      const inner = script !== undefined && depth < MAX_SCRIPT_DEPTH ? decodedToShell(script, decoded, depth + 1) : undefined;
      if (inner) return inner;
    }
    // `$L` or `$(… | base64 -d)` in the command position runs the decoded text as a command.
    const head = words(first.raw)[0] ?? '';
    const named = /^\$\{?[A-Za-z_]/.test(head) ? expandsDecoded(head, decoded) : undefined;
    if (named !== undefined) return `runs $${named}, decoded by ${decoded.get(named)}, as a command`;
    if (/^(?:\$\(|`)/.test(first.raw.trimStart())) {
      const sub = decoderInSubstitution(first.raw);
      if (sub) return `runs the output of ${sub} as a command`;
    }
  }
  return undefined;
}

const REVERSE_SHELL_PATTERNS: Array<[RegExp, string]> = [
  [/\/dev\/(?:tcp|udp)\/[^\s/]+\/\d+/, 'redirects a shell to /dev/tcp (bash network redirection)'],
  [
    /\b(?:nc|ncat|netcat|nc\.traditional|nc\.openbsd)\b[^|;&\n]*\s(?:-e|-c|--exec|--sh-exec|--lua-exec)\s/,
    'netcat with -e/-c runs a program for the remote end',
  ],
  [/\bsocat\b[^\n]*\b(?:exec|system):/i, 'socat connects a program to the network'],
  [/\bmkfifo\b[\s\S]*\b(?:nc|ncat|netcat|telnet|openssl\s+s_client)\b/, 'a named pipe loops a shell through a network client'],
  [/\b(?:bash|sh)\s+-i\b[^\n]*[<>]&/, 'an interactive shell with its streams redirected'],
  [/Net\.Sockets\.TCPClient/i, 'a PowerShell TCP client loop'],
  [/\b(?:fsockopen|TCPSocket\.(?:new|open))\b[\s\S]*(?:\/bin\/(?:ba)?sh|cmd\.exe|exec)/, 'a script opens a socket and starts a shell on it'],
  [/\bsocket\b[\s\S]*\bdup2\b[\s\S]*(?:\/bin\/(?:ba)?sh|pty\.spawn|subprocess)/, 'an inline script connects a socket to a shell (dup2)'],
];

/** The reverse-shell shape a command text shows, or undefined. */
export function reverseShellText(text: string): string | undefined {
  for (const [pattern, why] of REVERSE_SHELL_PATTERNS) if (pattern.test(text)) return why;
  return undefined;
}

/** Quotes an argv item for a command line when it would otherwise split or mean syntax. */
export function quoteWord(word: string): string {
  return /[\s|&;<>()$`"']/.test(word) ? `'${word.replace(/'/g, `'\\''`)}'` : word;
}
