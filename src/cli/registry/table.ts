/** Text output of the registry commands: aligned tables and labelled fields, no colour. */

/** A value as a cell: `-` for nothing. */
export function cell(value: unknown): string {
  if (value === null || value === undefined || value === '') return '-';
  return String(value).replace(/[\r\n\t]+/g, ' ');
}

/** An ISO time to the second, in UTC: `2025-01-02 03:04:05Z`. */
export function when(iso: string | null | undefined): string {
  if (!iso) return '-';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${d.toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

/** Code points, not UTF-16 units: a name in another script still lines up. */
const width = (text: string): number => [...text].length;

/**
 * Columns padded to their widest cell, two spaces apart, the header in capitals; each line
 * indented by `indent`. An empty table is one line saying so.
 */
export function table(headers: readonly string[], rows: ReadonlyArray<readonly unknown[]>, indent = ''): string {
  if (rows.length === 0) return `${indent}(none)\n`;
  const cells = [headers.map((h) => h.toUpperCase()), ...rows.map((r) => r.map(cell))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => width(r[i] ?? ''))));
  const line = (r: readonly string[]): string =>
    indent +
    r
      .map((c, i) => (i === r.length - 1 ? c : c + ' '.repeat((widths[i] ?? 0) - width(c))))
      .join('  ')
      .trimEnd();
  return `${cells.map(line).join('\n')}\n`;
}

/** `label  value` lines, the labels padded to the longest; empty values are left out. */
export function fields(pairs: ReadonlyArray<readonly [string, unknown]>, indent = ''): string {
  const shown = pairs.filter(([, v]) => v !== undefined && v !== null && v !== '');
  const pad = Math.max(0, ...shown.map(([k]) => width(k)));
  return shown.map(([k, v]) => `${indent}${k}${' '.repeat(pad - width(k))}  ${cell(v)}\n`).join('');
}

/** `1 version`, `2 versions`. */
export function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
