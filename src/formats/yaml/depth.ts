import type { CST } from 'yaml';

/**
 * A quick bound that catches deep nesting before the slower exact check: the open flow brackets
 * (quotes ignored, so brackets in strings count too) and, on each line, the run of block
 * indicators (`- `, `? `, `: `, with anchors and tags between) that nest collections on one
 * line. The yaml parser takes seconds over a MiB of either.
 */
export function quickDepth(text: string): number {
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
export function treeDepth(tokens: readonly CST.Token[], limit: number): number {
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
