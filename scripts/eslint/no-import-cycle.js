// @ts-check
/**
 * ESLint rule `modelgate/no-import-cycle`: no import cycles among the TypeScript files under one
 * folder (src/). Every import counts, `import type` included, so it finds the same cycles as
 * shared/hooks/import-cycles.mjs; import-x/no-cycle skips type-only imports and would miss a
 * cycle made of them.
 *
 * The import graph of the folder is read with TypeScript's `preProcessFile` (imports, re-exports,
 * dynamic imports, `import()` types; no type checking) and reused between files for a moment;
 * after that, only the files whose modification time changed are read again. Each import of the linted file whose target lies in the same
 * strongly connected component is reported, with one way back to the file.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

/** @typedef {{ mtimeMs: number, imports: string[] }} FileEdges */

/** Per root folder: the imports of each file, with the modification time they were read at. */
const parsed = new Map();
/** Per root folder: the last graph and its components. */
const analyses = new Map();
/** How long a graph is reused before the folder is looked at again. */
const FRESH_MS = 2000;

/** @param {string} dir @returns {string[]} */
function listSources(dir) {
  /** @type {string[]} */
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listSources(path));
    else if (/\.(ts|mts|tsx)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/**
 * The file a relative specifier names ('./x.js' is './x.ts' under NodeNext), or undefined.
 * @param {string} from @param {string} specifier @param {Set<string>} files
 */
function resolveSpecifier(from, specifier, files) {
  if (!specifier.startsWith('.')) return undefined;
  const base = resolve(dirname(from), specifier);
  const candidates = [base.replace(/\.(m?js)$/, '.ts'), base.replace(/\.(m?js)$/, '.mts'), base, `${base}.ts`, join(base, 'index.ts')];
  return candidates.find((c) => files.has(c));
}

/** @param {string} root @returns {Map<string, string[]>} file -> files it imports */
function loadGraph(root) {
  /** @type {Map<string, FileEdges>} */
  const cache = parsed.get(root) ?? new Map();
  parsed.set(root, cache);
  let paths;
  try {
    paths = listSources(root);
  } catch {
    return new Map();
  }
  const files = new Set(paths);
  for (const key of cache.keys()) if (!files.has(key)) cache.delete(key);
  /** @type {Map<string, string[]>} */
  const graph = new Map();
  for (const file of paths) {
    const mtimeMs = statSync(file).mtimeMs;
    let entry = cache.get(file);
    if (!entry || entry.mtimeMs !== mtimeMs) {
      const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
      entry = { mtimeMs, imports: info.importedFiles.map((f) => f.fileName) };
      cache.set(file, entry);
    }
    /** @type {string[]} */
    const targets = [];
    for (const specifier of entry.imports) {
      const target = resolveSpecifier(file, specifier, files);
      if (target) targets.push(target);
    }
    graph.set(file, targets);
  }
  return graph;
}

/**
 * The strongly connected components of the graph (Tarjan's algorithm), by file; a file in no
 * cycle maps to a component of its own.
 * @param {Map<string, string[]>} graph @returns {Map<string, Set<string>>}
 */
function components(graph) {
  /** @type {Map<string, Set<string>>} */
  const componentOf = new Map();
  /** @type {Map<string, number>} */
  const index = new Map();
  /** @type {Map<string, number>} */
  const low = new Map();
  /** @type {string[]} */
  const stack = [];
  const onStack = new Set();
  /** @param {string} v */
  const visit = (v) => {
    index.set(v, index.size);
    low.set(v, index.get(v) ?? 0);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) ?? 0, index.get(w) ?? 0));
      }
    }
    if (low.get(v) !== index.get(v)) return;
    const component = new Set();
    let w;
    do {
      w = /** @type {string} */ (stack.pop());
      onStack.delete(w);
      component.add(w);
      componentOf.set(w, component);
    } while (w !== v);
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return componentOf;
}

/**
 * The graph and its components, rebuilt when older than FRESH_MS: an ESLint run lints hundreds of
 * files in a row, and an editor sees an edit to another file within that time.
 * @param {string} root
 */
function analysis(root) {
  const now = Date.now();
  const known = analyses.get(root);
  if (known && now - known.at < FRESH_MS) return known;
  const graph = loadGraph(root);
  const result = { at: now, graph, files: new Set(graph.keys()), componentOf: components(graph) };
  analyses.set(root, result);
  return result;
}

/**
 * A shortest way from `from` back to `to`, inside `component`.
 * @param {Map<string, string[]>} graph @param {string} from @param {string} to @param {Set<string>} component
 */
function pathBack(graph, from, to, component) {
  /** @type {Map<string, string>} */
  const parent = new Map();
  const queue = [from];
  const seen = new Set([from]);
  while (queue.length > 0) {
    const f = /** @type {string} */ (queue.shift());
    if (f === to) break;
    for (const t of graph.get(f) ?? []) {
      if (component.has(t) && !seen.has(t)) {
        seen.add(t);
        parent.set(t, f);
        queue.push(t);
      }
    }
  }
  const path = [to];
  while (path[0] !== from && parent.has(path[0])) path.unshift(/** @type {string} */ (parent.get(path[0])));
  return path;
}

/** @type {import('eslint').Rule.RuleModule} */
export default {
  meta: {
    type: 'problem',
    docs: { description: 'Forbid import cycles (type-only imports included) among the files of a folder (`root`, absolute or from the working directory)' },
    schema: [{ type: 'object', properties: { root: { type: 'string' } }, additionalProperties: false }],
    messages: { cycle: '[cycle] import cycle of {{count}} files: {{path}}' },
  },
  create(context) {
    const root = resolve(context.cwd, context.options[0]?.root ?? 'src');
    const filename = context.physicalFilename;
    if (relative(root, filename).startsWith('..')) return {};
    const { graph, files, componentOf } = analysis(root);
    const component = componentOf.get(filename);
    if (!component) return {};
    /** @param {import('estree').Node} node @param {unknown} value */
    function check(node, value) {
      if (typeof value !== 'string') return;
      const target = resolveSpecifier(filename, value, files);
      if (!target || (target !== filename && !component.has(target))) return;
      const way = target === filename ? [filename] : [filename, ...pathBack(graph, target, filename, component)];
      context.report({
        node,
        messageId: 'cycle',
        data: { count: String(component.size), path: way.map((f) => relative(context.cwd, f)).join(' → ') },
      });
    }
    return {
      ImportDeclaration: (node) => check(node.source, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node.source, node.source.value),
      ExportAllDeclaration: (node) => check(node.source, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node.source, node.source.value),
      // `import('./x.js').T` in a type (typescript-eslint's node; not in ESLint's own types).
      /** @param {any} node */
      TSImportType: (node) => node.argument?.type === 'TSLiteralType' && check(node.argument, node.argument.literal?.value),
    };
  },
};
