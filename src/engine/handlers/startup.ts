import { BufferSource, type ByteSource } from '../../core/byte-source.js';
import { MALFORMED_CONTAINER } from '../../detectors/container/index.js';
import { STARTUP_FILE } from '../../detectors/python/startup-file.js';
import { MAX_PYTHON_SOURCE_BYTES } from '../../formats/python/parse.js';
import type { ScanContext } from '../context.js';
import { scanPython } from './python.js';

export { startupRole } from './names.js';

/** Reports that a site customisation module runs at every interpreter start; its code is judged as Python. */
export function reportStartupModule(ctx: ScanContext): void {
  ctx.report(STARTUP_FILE, {
    message: `${ctx.name} is imported by site.py at every interpreter start once it is on sys.path; its own findings follow`,
  });
}

/**
 * Bytes that end a line for Python's str.splitlines() (site.py of Python 3.13+ splits a `.pth`
 * with it; earlier versions iterate a text file, which splits at \n, \r and \r\n only). Every
 * reading is followed: a line starts after any of them. UTF-8 NEL (C2 85) and the line and
 * paragraph separators (E2 80 A8/A9) are multi-byte.
 */
const SINGLE_BYTE_BREAKS = new Set([0x0a, 0x0b, 0x0c, 0x0d, 0x1c, 0x1d, 0x1e]);

/** The length of the line break at `i`, or 0. */
function breakAt(bytes: Buffer, i: number): number {
  const b = bytes[i]!;
  if (SINGLE_BYTE_BREAKS.has(b)) return 1;
  if (b === 0xc2 && bytes[i + 1] === 0x85) return 2;
  if (b === 0xe2 && bytes[i + 1] === 0x80 && (bytes[i + 2] === 0xa8 || bytes[i + 2] === 0xa9)) return 3;
  return 0;
}

const IMPORT = Buffer.from('import');

/**
 * The lines site.py runs, at their own offsets: every other byte becomes a space and every line
 * break a `\n`, so the result is Python whose findings point into the `.pth` file itself.
 * Lib/site.py addpackage: a line that starts with `import ` or `import\t` is exec()'d; `#`
 * lines, blank lines and paths are not. A UTF-8 BOM is dropped (the file is decoded utf-8-sig).
 */
export function pthExecLines(bytes: Buffer): { code: Buffer; lines: Array<{ at: number; text: string }> } {
  const code = Buffer.alloc(bytes.length, 0x20);
  const lines: Array<{ at: number; text: string }> = [];
  let start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  let i = start;
  while (i <= bytes.length) {
    const len = i === bytes.length ? 0 : breakAt(bytes, i);
    if (i < bytes.length && len === 0) {
      i++;
      continue;
    }
    const runs = bytes.subarray(start, start + IMPORT.length).equals(IMPORT) && (bytes[start + 6] === 0x20 || bytes[start + 6] === 0x09);
    if (runs) {
      bytes.copy(code, start, start, i);
      lines.push({ at: start, text: bytes.toString('utf8', start, Math.min(i, start + 200)) });
    }
    if (i < bytes.length) code[i + len - 1] = 0x0a;
    i += Math.max(len, 1);
    start = i;
  }
  return { code, lines };
}

/**
 * Reads a `.pth` file as site.py does: its `import` lines are code run at every interpreter
 * start (reported, then judged as Python), its other lines paths. Returns `pth`.
 */
export function scanPth(source: ByteSource, ctx: ScanContext, opts: { quiet?: boolean } = {}): string {
  const limit = Math.min(MAX_PYTHON_SOURCE_BYTES, ctx.limits.maxMemberBytes);
  if (source.size > limit) {
    if (!opts.quiet) {
      ctx.report(MALFORMED_CONTAINER, {
        message: `.pth file of ${source.size} bytes is over the ${limit}-byte limit for start-up code; not read`,
        fatal: true,
        code: 'LIMIT_MEMBER_BYTES',
      });
    }
    return 'pth';
  }
  const { code, lines } = pthExecLines(source.read(0, source.size));
  if (lines.length === 0) return 'pth';
  const first = lines[0]!;
  ctx.report(STARTUP_FILE, {
    message: `${lines.length} line${lines.length === 1 ? '' : 's'} of this .pth file start${lines.length === 1 ? 's' : ''} with \`import\`: site.py runs ${lines.length === 1 ? 'it' : 'them'} with exec() at every interpreter start once the file is in site-packages; their own findings follow`,
    location: { offset: first.at },
    evidence: first.text.trimEnd(),
  });
  scanPython(new BufferSource(code), ctx);
  return 'pth';
}
