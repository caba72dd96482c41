import { collect } from './collect.js';
import { staticString } from './evaluate.js';
import type { MagicCommand, Pos, PythonModule, SyntaxSummary } from './model.js';
import { parseTree } from './runtime.js';

/**
 * Bytes of one Python source that are parsed. The largest real sources (generated protobuf
 * modules, vendored single-file libraries) are a few megabytes; tree-sitter's tree takes
 * tens of bytes per source byte, so this bounds memory near half a gigabyte.
 */
export const MAX_PYTHON_SOURCE_BYTES = 8 * 1024 * 1024;

/** Share of the text inside ERROR nodes past which the text is not taken to be Python. */
export const MOSTLY_ERRORS = 0.5;

/** How to map positions, and the shell commands a notebook reader already found. */
export interface ParseOptions {
  /** Maps an index of `text` to a report position. */
  locate: (at: number) => Pos;
  /** Shell commands a notebook runs, already found by its own reader. */
  commands?: MagicCommand[];
}

/**
 * Parses Python text with tree-sitter into the model rules read. A text with syntax errors
 * is still modelled: tree-sitter recovers, and what it recovered is analysed. Throws
 * UNSUPPORTED when the parser was not initialised.
 */
export function parsePython(text: string, options: ParseOptions): PythonModule {
  const tree = parseTree(text);
  try {
    const collected = collect(tree, text);
    const module: PythonModule = { ...collected, commands: options.commands ?? [], text, locate: options.locate, staticString: (e) => staticString(module, e) };
    return module;
  } finally {
    tree.delete();
  }
}

/** True when most of the text did not parse: it is prose or data, not Python. */
export function isMostlyErrors(syntax: SyntaxSummary): boolean {
  return syntax.totalChars > 0 && syntax.errorChars / syntax.totalChars > MOSTLY_ERRORS;
}
