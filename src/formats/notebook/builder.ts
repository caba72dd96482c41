/**
 * Test-only: builds nbformat 4 documents from a short description, so tests state the cells
 * they mean instead of pasting JSON.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A code cell; `source` as nbformat writes it (a list of lines) unless given as one string. */
export function codeCell(source: string | string[], outputs: Json[] = []): Json {
  const lines = typeof source === 'string' ? source.split(/(?<=\n)/) : source;
  return { cell_type: 'code', execution_count: null, metadata: {}, outputs, source: lines };
}

/** A markdown cell. */
export function markdownCell(source: string): Json {
  return { cell_type: 'markdown', metadata: {}, source };
}

/** A `display_data` output holding base64 bytes under `mime`. */
export function dataOutput(mime: string, bytes: Buffer): Json {
  return { output_type: 'display_data', metadata: {}, data: { [mime]: bytes.toString('base64'), 'text/plain': ['<data>'] } };
}

/** A `stream` output (text printed by the cell). */
export function streamOutput(text: string): Json {
  return { output_type: 'stream', name: 'stdout', text: [text] };
}

/** A whole notebook around `cells`. */
export function notebook(cells: Json[], extra: Record<string, Json> = {}): Json {
  return {
    cells,
    metadata: { kernelspec: { display_name: 'Python 3', language: 'python', name: 'python3' }, language_info: { name: 'python' } },
    nbformat: 4,
    nbformat_minor: 5,
    ...extra,
  };
}
