import { statSync, writeFileSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { cannotWrite, missing, ModelgateError } from '../core/errors.js';
import type { ScanSummary } from '../core/report-types.js';
import type { ReportFormat } from '../report/formats.js';

/*
 * Conventions every command that prints a report shares: when to colour, how a report file is
 * written, which format a file name implies, and sizes with units.
 */

/**
 * Whether text for `stream` gets ANSI colours: never with --no-color (`flag` false); else never
 * when NO_COLOR is set and not empty (no-color.org); else always when FORCE_COLOR is set, unless
 * to `0` or `false`; else when the stream is a terminal.
 */
export function colorFor(flag: unknown, stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (flag === false) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  return stream.isTTY === true;
}

/**
 * Refuses, before any work, a report file whose folder does not exist or is not a folder
 * (`cannot write PATH: no such file or folder`).
 */
export function checkOutput(path: string): void {
  const folder = dirname(resolve(path));
  let isFolder: boolean;
  try {
    isFolder = statSync(folder).isDirectory();
  } catch (e) {
    throw cannotWrite(path, e);
  }
  if (!isFolder) throw cannotWrite(path, Object.assign(missing(), { code: 'ENOTDIR' }));
  try {
    if (statSync(path).isDirectory()) throw cannotWrite(path, Object.assign(missing(), { code: 'EISDIR' }));
  } catch (e) {
    if (e instanceof ModelgateError) throw e;
    // Not there yet: it will be created.
  }
}

/** Writes a report file; any failure is one line and exit 2, never a stack trace. */
export function writeReportFile(path: string, text: string): void {
  try {
    writeFileSync(path, text);
  } catch (e) {
    throw cannotWrite(path, e);
  }
}

/** The report format a file name implies: .json, .sarif (and .sarif.json), .html/.htm, .txt; else undefined. */
export function formatOfFile(path: string): ReportFormat | undefined {
  const name = path.toLowerCase();
  if (name.endsWith('.sarif') || name.endsWith('.sarif.json')) return 'sarif';
  const ext = extname(name);
  if (ext === '.json') return 'json';
  if (ext === '.html' || ext === '.htm') return 'html';
  if (ext === '.txt') return 'text';
  return undefined;
}

/** The format to print: --format when given, else the one `-o`'s extension implies, else text. */
export function reportFormat(format: unknown, output: unknown): ReportFormat {
  if (format !== undefined) return format as ReportFormat;
  return (typeof output === 'string' ? formatOfFile(output) : undefined) ?? 'text';
}

/** Multipliers of the size units: K, M, G, T and KiB… are binary (1024), KB, MB… decimal (1000). */
const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 2 ** 10,
  kib: 2 ** 10,
  m: 2 ** 20,
  mib: 2 ** 20,
  g: 2 ** 30,
  gib: 2 ** 30,
  t: 2 ** 40,
  tib: 2 ** 40,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
};

/**
 * A size in bytes: a number, optionally with a fraction, then optionally a unit (case does not
 * matter): B; K, KiB, M, MiB, G, GiB, T, TiB (binary: 1024, 1024², …); KB, MB, GB, TB (decimal).
 * `2GiB`, `512MB`, `1.5G`, `1048576`. Rounded down to whole bytes; undefined unless a whole
 * number of at least one byte and at most 2^53 - 1.
 */
export function parseSize(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  if (!m) return undefined;
  const unit = UNITS[m[2]!.toLowerCase()];
  if (unit === undefined) return undefined;
  const bytes = Math.floor(Number(m[1]) * unit);
  return Number.isSafeInteger(bytes) && bytes >= 1 ? bytes : undefined;
}

/**
 * The console line a scan prints on standard error when `-o` wrote its report:
 * `modelgate: 3 files: 1 malicious, 0 suspicious, 0 error, 2 clean; json report written to out.json`.
 */
export function summaryLine(summary: ScanSummary, format: ReportFormat, output: string, decision?: { allow: boolean }): string {
  const files = `${summary.files} ${summary.files === 1 ? 'file' : 'files'}`;
  const counts = `${summary.malicious} malicious, ${summary.suspicious} suspicious, ${summary.error} error, ${summary.clean} clean`;
  const policy = decision ? `; policy: ${decision.allow ? 'allow' : 'deny'}` : '';
  return `modelgate: ${files}: ${counts}${policy}; ${format} report written to ${output}\n`;
}

/**
 * The format of a screen or strip report (json, text, html): --format, else -o's extension; the
 * report file's folder is checked first. SARIF is refused: these reports are not code scanning's.
 */
export function screenFormat(format: unknown, output: string | undefined): 'json' | 'text' | 'html' {
  const chosen = reportFormat(format, output);
  if (chosen === 'sarif') throw new ModelgateError('USAGE', `${String(output)}: this command writes json, text or html reports, not sarif (give --format)`);
  if (output !== undefined) checkOutput(output);
  return chosen;
}
