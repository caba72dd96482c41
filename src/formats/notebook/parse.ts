/**
 * Jupyter notebooks (nbformat 4, and the `worksheets` of nbformat 3): the code of each code
 * cell and the binary outputs and attachments worth scanning. Reads the JSON document the
 * engine already parsed; every shape is checked, since the document may be hostile.
 */

/** Code cells read from one notebook; more are reported and skipped. */
export const MAX_CELLS = 20_000;
/** Base64 characters of outputs and attachments decoded, summed over the notebook. */
export const MAX_OUTPUT_CHARS = 64 * 1024 * 1024;

/** A code cell: its index in the notebook's cell list and its source text. */
export interface CodeCell {
  index: number;
  source: string;
}

/** A binary output or attachment (base64 in the JSON), decoded. */
export interface OutputBlob {
  /** `cells/3/outputs/0/image/png`, `cells/1/attachments/a.png/image/png` */
  path: string;
  cell: number;
  bytes: Buffer;
}

/** What a notebook holds that modelgate analyses. */
export interface NotebookContent {
  cells: CodeCell[];
  outputs: OutputBlob[];
  /** Shapes that are not a valid notebook: each one makes the file an error. */
  problems: string[];
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** nbformat: `source` is a string or a list of strings joined as they are. */
function text(x: unknown): string | undefined {
  if (typeof x === 'string') return x;
  if (Array.isArray(x) && x.every((s) => typeof s === 'string')) return x.join('');
  return undefined;
}

/** True for a JSON object with a `cells` list (or nbformat 3 `worksheets`) and `nbformat`. */
export function isNotebook(doc: unknown): boolean {
  if (!isObject(doc) || typeof doc.nbformat !== 'number') return false;
  return Array.isArray(doc.cells) || (Array.isArray(doc.worksheets) && doc.worksheets.some((w) => isObject(w) && Array.isArray(w.cells)));
}

/** MIME types whose values are text, not base64. */
const TEXT_MIME = /^(?:text\/|application\/(?:json|javascript|x-latex|xml)|.*\+(?:json|xml)$|latex$|text$|html$|svg$|markdown$|javascript$|json$)/;

/** Reads a notebook's code cells and binary payloads; shapes that do not fit become problems. */
export function readNotebook(doc: unknown): NotebookContent {
  const out: NotebookContent = { cells: [], outputs: [], problems: [] };
  if (!isObject(doc)) return { ...out, problems: ['the document is not a JSON object'] };
  const cells: unknown[] = Array.isArray(doc.cells)
    ? doc.cells
    : Array.isArray(doc.worksheets)
      ? doc.worksheets.flatMap((w) => (isObject(w) && Array.isArray(w.cells) ? w.cells : []))
      : [];
  if (!Array.isArray(doc.cells) && !Array.isArray(doc.worksheets)) out.problems.push('`cells` is not a list');
  let budget = MAX_OUTPUT_CHARS;
  let tooMany = false;
  const blobs = (cell: number, base: string, data: unknown): void => {
    if (!isObject(data)) return;
    for (const [mime, value] of Object.entries(data)) {
      const b64 = text(value);
      if (b64 === undefined || TEXT_MIME.test(mime) || b64.length > budget) continue;
      budget -= b64.length;
      out.outputs.push({ path: `${base}/${mime}`, cell, bytes: Buffer.from(b64.replace(/\s+/g, ''), 'base64') });
    }
  };
  cells.forEach((cell, index) => {
    if (!isObject(cell)) return void out.problems.push(`cell ${index} is not an object`);
    if (isObject(cell.attachments)) for (const [name, data] of Object.entries(cell.attachments)) blobs(index, `cells/${index}/attachments/${name}`, data);
    if (cell.cell_type !== 'code') return;
    if (out.cells.length >= MAX_CELLS) {
      if (!tooMany) out.problems.push(`more than ${MAX_CELLS} code cells; the rest were not read`);
      tooMany = true;
      return;
    }
    const source = text(cell.source ?? cell.input);
    if (source === undefined) return void out.problems.push(`cell ${index} has a source that is neither a string nor a list of strings`);
    out.cells.push({ index, source });
    if (Array.isArray(cell.outputs)) {
      cell.outputs.forEach((o, j) => {
        if (isObject(o)) blobs(index, `cells/${index}/outputs/${j}`, isObject(o.data) ? o.data : o);
      });
    }
  });
  return out;
}
