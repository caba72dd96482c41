import { createRequire } from 'node:module';
import { Language, Parser, type Tree } from 'web-tree-sitter';
import { ModelgateError } from '../../core/errors.js';

/**
 * The tree-sitter Python parser. Loading WebAssembly is asynchronous, so `initPython` runs
 * once at startup; every parse after that is synchronous, as the engine is. tree-sitter only
 * builds a syntax tree: nothing it reads is executed.
 */
let parser: Parser | undefined;
let loading: Promise<void> | undefined;

const require = createRequire(import.meta.url);

/**
 * Loads the tree-sitter runtime and the Python grammar. Safe to call more than once; await it
 * before scanning Python sources or notebooks, which otherwise fail closed.
 */
export function initPython(): Promise<void> {
  loading ??= (async () => {
    await Parser.init();
    const language = await Language.load(require.resolve('tree-sitter-python/tree-sitter-python.wasm'));
    const p = new Parser();
    p.setLanguage(language);
    parser = p;
  })().catch((e: unknown) => {
    loading = undefined;
    throw new ModelgateError('UNSUPPORTED', `the Python parser could not be loaded: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  });
  return loading;
}

/** True once `initPython` has finished. */
export function isPythonReady(): boolean {
  return parser !== undefined;
}

/**
 * Parses Python text into a tree-sitter tree; the caller must `delete()` it. Throws an
 * UNSUPPORTED error when `initPython` has not finished, so callers fail closed.
 */
export function parseTree(text: string): Tree {
  if (!parser) throw new ModelgateError('UNSUPPORTED', 'the Python parser is not initialised (initPython was not awaited)');
  const tree = parser.parse(text);
  if (!tree) throw new ModelgateError('MALFORMED', 'tree-sitter returned no tree');
  return tree;
}
