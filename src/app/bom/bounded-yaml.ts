import { Composer, Parser } from 'yaml';
import { ModelgateError } from '../../core/errors.js';
import { quickDepth, treeDepth } from '../../formats/yaml/depth.js';

/**
 * Deepest nesting of YAML collections read from a model card. The yaml package composes nodes
 * recursively: near 1000 levels it overflows the stack, and after such an overflow a later
 * parse in the same process can abort it outright (V8 "RegExpCompiler Allocation failed", seen
 * with yaml 2.9 on Node 20), so a card of nested brackets could kill a server. Real front matter
 * nests under 10 levels (model-index results).
 */
export const MAX_YAML_DEPTH = 64;

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
