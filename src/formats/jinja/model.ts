import type { ErrorCode } from '../../core/errors.js';

/** How a template names an attribute it reads. */
export type ReachVia =
  /** `x.name` */
  | 'dot'
  /** `x['name']`, the key a constant (Jinja's getitem falls back to getattr) */
  | 'subscript'
  /** `x|attr('name')` */
  | 'attr-filter'
  /** `xs|map(attribute='a.b')`, `selectattr('a')`, `sort(attribute=...)`...: dotted attribute paths */
  | 'attribute-argument'
  /** `'{0.name}'.format(x)`: str.format walks attributes of its arguments */
  | 'format-field'
  /** found in the token stream of a template the parser rejected */
  | 'token';

/** One attribute (or item) the template reads, with the expression that reads it. */
export interface Reach {
  /** The attribute or key name, after constant folding (`'__cla' ~ 'ss__'` is `__class__`). */
  name: string;
  via: ReachVia;
  /** The expression, rendered back to short Jinja text, for evidence. */
  chain: string;
  /** The identifier the expression starts from (`lipsum` in `lipsum.__globals__`), if any. */
  root?: string;
  /** True when `name` is read directly on `root`, and `root` is never assigned in the template. */
  onFreeRoot: boolean;
}

/** An identifier the template reads but never binds (`messages`, `cycler`, `os`...). */
export interface FreeName {
  name: string;
  /** Rendered expression where it is first used. */
  chain: string;
}

/** Why a template could not be analysed in full. */
export interface TemplateError {
  code: Extract<ErrorCode, 'MALFORMED' | 'LIMIT_DEPTH' | 'LIMIT_STRING'>;
  message: string;
}

/**
 * What a Jinja template reaches, read from its syntax tree and never rendered. When the
 * parser rejects the template, `error` says why, and the other fields hold what its tokens
 * still show.
 */
export interface TemplateAnalysis {
  /** Characters of template source. */
  length: number;
  error?: TemplateError;
  reaches: Reach[];
  freeNames: FreeName[];
  /** Attribute or item names computed at render time (`x|attr(name)`, `x[a ~ b]`). */
  dynamicNames: string[];
  /** Distinct string constants, literal or folded, wherever they appear (a named cap applies). */
  strings: string[];
}

/** A template found in a model file, named by where it was found. */
export interface ChatTemplate {
  /** Where it came from: `tokenizer.chat_template`, `chat_template[tool_use]`... */
  where: string;
  /** Byte offset of the template in its file, when known. */
  offset?: number;
  analysis: TemplateAnalysis;
}
