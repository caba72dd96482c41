import type { tokenize } from '@huggingface/jinja';
import type { FreeName, Reach, TemplateAnalysis } from './model.js';

type Token = ReturnType<typeof tokenize>[number];

/** Tokens either side of a reach quoted as its evidence. */
const CONTEXT_TOKENS = 4;
/** Longest string token kept in `strings`, as in the tree analysis. */
const MAX_KEPT_STRING = 128;

function around(tokens: Token[], i: number): string {
  return tokens
    .slice(Math.max(0, i - CONTEXT_TOKENS), i + CONTEXT_TOKENS)
    .map((t) => (t.type === 'StringLiteral' ? `'${t.value}'` : t.value))
    .join('')
    .slice(0, 200);
}

/**
 * What the token stream of a template shows when the parser rejects it (an `{% import %}`,
 * a syntax error, nesting too deep): attribute names after `.`, string constants and the
 * identifiers used. Coarser than the tree analysis, but a rejected template that reaches
 * `__globals__` still says so.
 */
export function tokenFallback(tokens: Token[]): Omit<TemplateAnalysis, 'length' | 'error'> {
  const reaches = new Map<string, Reach>();
  const freeNames = new Map<string, FreeName>();
  const strings = new Set<string>();
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const afterDot = tokens[i - 1]?.type === 'Dot';
    if (t.type === 'StringLiteral' && t.value.length <= MAX_KEPT_STRING) strings.add(t.value);
    if (t.type !== 'Identifier') continue;
    if (afterDot) {
      const root = tokens[i - 2]?.type === 'Identifier' && tokens[i - 3]?.type !== 'Dot' ? tokens[i - 2].value : undefined;
      const key = `${t.value}\0${root ?? ''}`;
      if (!reaches.has(key)) reaches.set(key, { name: t.value, via: 'token', chain: around(tokens, i), root, onFreeRoot: root !== undefined });
    } else if (!freeNames.has(t.value)) {
      freeNames.set(t.value, { name: t.value, chain: around(tokens, i) });
    }
  }
  return { reaches: [...reaches.values()], freeNames: [...freeNames.values()], dynamicNames: [], strings: [...strings] };
}
