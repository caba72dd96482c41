import { Composer, type CST, Parser } from 'yaml';
import { ModelgateError } from '../../core/errors.js';

/**
 * Deepest nesting of YAML collections read from a model card. The yaml package composes nodes
 * recursively: near 1000 levels it overflows the stack, and after such an overflow a later
 * parse in the same process can abort it outright (V8 "RegExpCompiler Allocation failed", seen
 * with yaml 2.9 on Node 20), so a card of nested brackets could kill a server. Real front matter
 * nests under 10 levels (model-index results).
 */
export const MAX_YAML_DEPTH = 64;

/**
 * A quick bound that catches deep nesting before the slower exact check: the open flow brackets
 * (quotes ignored, so brackets in strings count too) and, on each line, the run of block
 * indicators (`- `, `? `, `: `, with anchors and tags between) that nest collections on one
 * line. The yaml parser takes seconds over a MiB of either.
 */
function quickDepth(text: string): number {
  let flow = 0;
  let deepest = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) deepest = Math.max(deepest, ++flow);
    else if ((c === 0x5d || c === 0x7d) && flow > 0) flow--;
  }
  for (const m of text.matchAll(/^ *((?:(?:[-?:]|[!&]\S*)(?: +|$))+)/gm)) {
    const indicators = m[1]!.split(/ +/).filter((part) => part === '-' || part === '?' || part === ':').length;
    deepest = Math.max(deepest, indicators);
  }
  return deepest;
}

/** Exact nesting of collections in the yaml package's syntax tree (its parser keeps a stack of its own). */
function treeDepth(tokens: readonly CST.Token[], limit: number): number {
  const pending: Array<[CST.Token, number]> = tokens.map((token) => [token, 0]);
  let deepest = 0;
  while (pending.length > 0) {
    const [token, depth] = pending.pop()!;
    deepest = Math.max(deepest, depth);
    if (deepest > limit) break;
    if (token.type === 'document' && token.value) pending.push([token.value, depth]);
    if (token.type === 'block-map' || token.type === 'block-seq' || token.type === 'flow-collection') {
      for (const item of token.items) {
        if (item.key) pending.push([item.key, depth + 1]);
        if (item.value) pending.push([item.value, depth + 1]);
      }
    }
  }
  return deepest;
}

/**
 * One YAML document as plain data, as the yaml package's `parse` reads it (YAML 1.2 core schema,
 * unique keys), bounded: nesting past `maxDepth` (MAX_YAML_DEPTH) is refused before anything is
 * composed (LIMIT_DEPTH), and aliases past `maxAliasCount` by the package. Throws the package's
 * parse error, or a MALFORMED error for more than one document; warnings (unknown tags, which
 * stay plain values) are not printed.
 */
export function parseBoundedYaml(text: string, options: { maxAliasCount: number; maxDepth?: number }): unknown {
  const limit = options.maxDepth ?? MAX_YAML_DEPTH;
  const tooDeep = (): never => {
    throw new ModelgateError('LIMIT_DEPTH', `YAML nested deeper than ${limit} levels`);
  };
  if (quickDepth(text) > limit) tooDeep();
  // The syntax tree is built once: measured, then composed.
  const tokens = [...new Parser().parse(text)];
  if (treeDepth(tokens, limit) > limit) tooDeep();
  const docs = [...new Composer({ logLevel: 'error' }).compose(tokens, true, text.length)];
  if (docs.length !== 1) throw new ModelgateError('MALFORMED', `${docs.length} YAML documents where one was expected`);
  const doc = docs[0]!;
  if (doc.errors.length > 0) throw doc.errors[0]!;
  return doc.toJS({ maxAliasCount: options.maxAliasCount }) as unknown;
}
