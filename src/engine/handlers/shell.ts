import type { ByteSource } from '../../core/byte-source.js';
import { MALFORMED_CONTAINER } from '../../detectors/container/index.js';
import type { MagicCommand } from '../../formats/python/model.js';
import { MAX_PYTHON_SOURCE_BYTES, parsePython } from '../../formats/python/parse.js';
import { decodeSource, plainLocator } from '../../formats/python/source.js';
import type { ScanContext } from '../context.js';
import { analysePython, readyToAnalyse } from './python.js';

export { isShellScript } from './names.js';

/**
 * The script's logical lines as shell commands at their own character offsets: a line ending
 * in a backslash goes on to the next (POSIX 2.2.1); blank lines and comments are left out.
 */
function scriptCommands(text: string, via: string): MagicCommand[] {
  const commands: MagicCommand[] = [];
  let at = 0;
  let pending: { at: number; parts: string[] } | undefined;
  for (const line of text.split('\n')) {
    const start = at;
    at += line.length + 1;
    const body = line.replace(/\r$/, '');
    const current = pending ?? { at: start, parts: [] };
    if (body.endsWith('\\')) {
      current.parts.push(body.slice(0, -1));
      pending = current;
      continue;
    }
    current.parts.push(body);
    pending = undefined;
    const command = current.parts.join(' ');
    if (command.trim() === '' || command.trimStart().startsWith('#')) continue;
    commands.push({ text: command, via, at: current.at, end: start + body.length });
  }
  return commands;
}

/**
 * Reads a shell script as the shell would run it, line by line, through the same shell-command
 * rules as a notebook's `!` lines and Python's subprocess calls (downloads piped to a shell,
 * reverse shells). Returns `shell-script`.
 */
export function scanShellScript(source: ByteSource, ctx: ScanContext): string {
  if (!readyToAnalyse(ctx, 'shell script')) return 'shell-script';
  const limit = Math.min(MAX_PYTHON_SOURCE_BYTES, ctx.limits.maxMemberBytes);
  if (source.size > limit) {
    ctx.report(MALFORMED_CONTAINER, {
      message: `shell script of ${source.size} bytes is over the ${limit}-byte limit; not analysed`,
      fatal: true,
      code: 'LIMIT_MEMBER_BYTES',
    });
    return 'shell-script';
  }
  const decoded = decodeSource(source.read(0, source.size));
  const commands = scriptCommands(decoded.text, 'shell script');
  // No Python here: an empty program of the same lines carries the commands to the rules.
  const blank = decoded.text.replace(/[^\n]/g, ' ');
  const model = parsePython(blank, { locate: plainLocator(decoded), commands });
  analysePython(model, ctx, (offset) => ({ ctx, offset }));
  return 'shell-script';
}
