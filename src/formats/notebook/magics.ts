/**
 * IPython's input syntax in a code cell, rewritten to plain Python the way IPython's
 * `inputtransformer2` does before running a cell, but statically: `!cmd`, `!!cmd`, `x = !cmd`,
 * `%system`/`%sx` and shell cell magics (`%%bash`, `%%sh`, `%%script bash`) become shell
 * commands; other magics become `pass` (or their Python body). Line numbers never change.
 */

/** A shell command a cell runs, with where it starts in the cell. */
export interface CellCommand {
  line: number;
  column: number;
  text: string;
  via: string;
}

/** A cell as Python: same lines as the source; `shift` maps a line's columns back to it. */
export interface CellCode {
  python: string;
  commands: CellCommand[];
  /** Characters removed from the start of a line (after its indentation), by line index. */
  shift: Map<number, number>;
}

const SHELL_CELLS = new Set(['bash', 'sh', 'system', 'sx', 'zsh']);
const PYTHON_CELLS = new Set(['time', 'timeit', 'capture', 'prun', 'python', 'python3', 'python2', 'pypy', 'debug', 'memit', 'px']);
const SHELL_PROGRAM = /^(?:\S*\/)?(?:ba|z|da|k|c|tc)?sh$/;
const PYTHON_PROGRAM = /^(?:\S*\/)?python[\d.]*$/;
/** Line magics that run the rest of the line as Python. */
const PYTHON_LINES = new Set(['time', 'timeit', 'prun', 'capture', 'debug', 'memit']);
/** Line magics that run the rest of the line as a shell command. */
const SHELL_LINES = new Set(['system', 'sx', 'pip', 'conda', 'mamba', 'uv']);
const HELP = /^(?:\?{1,2}[\w.]+|[\w.]+\?{1,2})$/;
/** `files = !ls`, `out = %sx ls` */
const ASSIGNED = /^([\w.,\s[\]()*]+?)\s*=\s*([!%].*)$/;

/** Reads a cell magic's first line into what its body is. */
function cellKind(first: string): { kind: 'shell' | 'python' | 'other'; name: string } {
  const [name = '', ...args] = first.slice(2).trim().split(/\s+/);
  if (SHELL_CELLS.has(name)) return { kind: 'shell', name };
  if (PYTHON_CELLS.has(name)) return { kind: 'python', name };
  if (name === 'script') {
    const program = args.find((a) => !a.startsWith('-')) ?? '';
    if (SHELL_PROGRAM.test(program)) return { kind: 'shell', name };
    if (PYTHON_PROGRAM.test(program)) return { kind: 'python', name };
  }
  if ((name === 'writefile' || name === 'file') && /\.pyw?$/.test(args[args.length - 1] ?? '')) return { kind: 'python', name };
  return { kind: 'other', name };
}

/** Joins a `!` line with the lines its trailing backslashes continue onto. */
function continued(lines: string[], i: number, first: string): { text: string; last: number } {
  let text = first;
  let last = i;
  while (text.endsWith('\\') && last + 1 < lines.length) {
    last++;
    text = `${text.slice(0, -1)} ${lines[last]!.trim()}`;
  }
  return { text, last };
}

/** Rewrites one code cell's source to Python with its shell commands taken out. */
export function transformCell(source: string): CellCode {
  const lines = source.split('\n');
  const commands: CellCommand[] = [];
  const shift = new Map<number, number>();
  const firstLine = lines.findIndex((l) => l.trim() !== '');
  let from = 0;
  if (firstLine >= 0 && lines[firstLine]!.trimStart().startsWith('%%')) {
    const { kind, name } = cellKind(lines[firstLine]!.trim());
    if (kind === 'shell') commands.push({ line: firstLine, column: 0, text: lines.slice(firstLine + 1).join('\n'), via: `%%${name}` });
    for (let i = firstLine; i < lines.length; i++) if (i === firstLine || kind !== 'python') lines[i] = '';
    if (kind !== 'python') return { python: lines.join('\n'), commands, shift };
    // A Python body (`%%capture`, `%%time` …) is IPython input too: read its lines on.
    from = firstLine + 1;
  }
  for (let i = from; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, '');
    const body = line.trimStart();
    const indent = line.slice(0, line.length - body.length);
    const assigned = ASSIGNED.exec(body);
    const escaped = assigned ? assigned[2]! : body;
    if (escaped.startsWith('!')) {
      const { text, last } = continued(lines, i, escaped.replace(/^!!?/, ''));
      commands.push({ line: i, column: indent.length, text, via: '!' });
      lines[i] = `${indent}pass`;
      for (let j = i + 1; j <= last; j++) lines[j] = '';
      i = last;
    } else if (escaped.startsWith('%')) {
      const m = /^%+(\w+)\s*(.*)$/.exec(escaped);
      const [name, rest] = m ? [m[1]!, m[2]!] : ['', ''];
      if (SHELL_LINES.has(name))
        commands.push({ line: i, column: indent.length, text: name === 'system' || name === 'sx' ? rest : `${name} ${rest}`, via: `%${name}` });
      if (PYTHON_LINES.has(name) && !assigned && rest.trim() !== '' && !rest.startsWith('-')) {
        // `%time x = f()` runs `x = f()`: keep it, remembering how far it moved left.
        lines[i] = indent + rest;
        shift.set(i, body.length - rest.length);
      } else lines[i] = `${indent}pass`;
    } else if (HELP.test(body)) lines[i] = `${indent}pass`;
  }
  return { python: lines.join('\n'), commands, shift };
}
