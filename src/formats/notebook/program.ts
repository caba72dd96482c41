import type { MagicCommand, Pos } from '../python/model.js';
import { floorIndex, lineStarts, utf8Offset } from '../python/source.js';
import { transformCell } from './magics.js';
import type { CodeCell } from './parse.js';

/**
 * A notebook's code cells as one Python program (cells share one namespace when run in
 * order), with a map back from the program to each cell. Positions are reported in "cell
 * space": the cells' sources laid end to end in UTF-8, one separator byte between them, so
 * an offset names a cell (`cellOf`) and a byte offset inside its source.
 */
export interface NotebookProgram {
  text: string;
  commands: MagicCommand[];
  locate(at: number): Pos;
  /** The cell an offset in cell space falls in, and the offset inside its source. */
  cellOf(offset: number): { index: number; offset: number };
}

interface CellLayout {
  cell: CodeCell;
  /** First line of the cell in the program. */
  firstLine: number;
  /** First byte of the cell in cell space. */
  base: number;
  starts: number[];
  shift: Map<number, number>;
}

/** Lays out code cells as one program; `!`/`%` lines become `pass` and shell commands. */
export function buildProgram(cells: readonly CodeCell[]): NotebookProgram {
  const layouts: CellLayout[] = [];
  const parts: string[] = [];
  const pending: Array<{ layout: number; line: number; column: number; text: string; via: string }> = [];
  let line = 0;
  let base = 0;
  cells.forEach((cell, k) => {
    const code = transformCell(cell.source);
    layouts.push({ cell, firstLine: line, base, starts: lineStarts(cell.source), shift: code.shift });
    for (const c of code.commands) pending.push({ layout: k, line: c.line, column: c.column, text: c.text, via: c.via });
    parts.push(code.python);
    line += code.python.split('\n').length;
    base += Buffer.byteLength(cell.source, 'utf8') + 1;
  });
  const text = parts.join('\n');
  const programStarts = lineStarts(text);
  const firstLines = layouts.map((l) => l.firstLine);
  const bases = layouts.map((l) => l.base);

  const locate = (at: number): Pos => {
    const programLine = floorIndex(programStarts, at);
    const layout = layouts[floorIndex(firstLines, programLine)];
    if (!layout) return { offset: 0, where: 'notebook' };
    const local = programLine - layout.firstLine;
    const start = layout.starts[Math.min(local, layout.starts.length - 1)]!;
    const lineEnd = local + 1 < layout.starts.length ? layout.starts[local + 1]! - 1 : layout.cell.source.length;
    const column = Math.min(at - programStarts[programLine]! + (layout.shift.get(local) ?? 0), Math.max(0, lineEnd - start));
    const offset = layout.base + utf8Offset(layout.cell.source, start + column);
    return { offset, where: `cells/${layout.cell.index}, line ${local + 1}, column ${column + 1}` };
  };

  const commands: MagicCommand[] = pending.map((c) => {
    const at = programStarts[layouts[c.layout]!.firstLine + c.line]! + c.column;
    return { at, end: at, text: c.text, via: c.via };
  });

  const cellOf = (offset: number): { index: number; offset: number } => {
    const k = floorIndex(bases, offset);
    return { index: layouts[k]?.cell.index ?? 0, offset: offset - (bases[k] ?? 0) };
  };
  return { text, commands, locate, cellOf };
}
