/**
 * The typed model of a Python source (or of a notebook's code cells) that rules read: a plain
 * expression tree lowered from tree-sitter's syntax tree, plus the name bindings, calls and
 * literals the rules need. Positions are indices into the parsed text; `locate` turns one
 * into a byte offset and a line/column for reports.
 */

/** A span of the parsed text: [at, end) in UTF-16 code units, as tree-sitter reports them. */
export interface Span {
  at: number;
  end: number;
}

/** Where something is, for a report. */
export interface Pos {
  /** Byte offset in the file (for notebooks: in the cells' sources laid end to end). */
  offset: number;
  /** `line 3, column 5`, or `cell 2, line 3, column 5` in a notebook. */
  where: string;
}

/** A keyword argument; `name` is null for `**mapping`. */
export interface Keyword {
  name: string | null;
  value: Expr;
}

/**
 * An expression. Kinds a rule has no use for become `other`, keeping their sub-expressions so
 * that data flow through them is still seen; `deep` stands for nesting past the lowering bound.
 */
export type Expr = Span &
  (
    | { k: 'str'; value: string }
    | { k: 'bytes'; value: Buffer }
    /** An f-string: literal parts, and interpolated expressions. */
    | { k: 'fstr'; parts: Array<string | Expr> }
    | { k: 'num'; value: number }
    | { k: 'name'; id: string }
    | { k: 'attr'; object: Expr; attr: string }
    | { k: 'index'; object: Expr; index: Expr }
    | { k: 'slice'; start?: Expr; stop?: Expr; step?: Expr }
    | { k: 'call'; callee: Expr; args: Expr[]; kwargs: Keyword[] }
    | { k: 'binop'; op: string; left: Expr; right: Expr }
    /** list, tuple or set display. */
    | { k: 'seq'; items: Expr[] }
    | { k: 'dict'; keys: Expr[]; values: Expr[] }
    /** `element for name in iter` (one clause, no condition): list, set or generator. */
    | { k: 'comp'; element: Expr; name: string; iter: Expr }
    | { k: 'other'; children: Expr[] }
    | { k: 'deep' }
  );

/** A call expression. */
export type Call = Expr & { k: 'call' };

/** A function body: names bound inside it are local to it (Python's LEGB rule). */
export interface Scope extends Span {
  /** Index of the enclosing function's scope, or -1 for the module. */
  parent: number;
}

/** What a name may be bound to. A name bound several times keeps every binding. */
export type Binding = Span & {
  /** The function scope the binding belongs to (index into `scopes`), or -1 for the module. */
  scope: number;
} &
  /** `import a.b as c` binds c to `a.b`; `import a.b` binds a to `a`; `from a import b` binds b to `a.b`. */
  (
    | { kind: 'import'; path: string }
    /** Assignment, augmented assignment, walrus, `for` target, `with … as`, container mutation. */
    /** `via` names a dynamic store that made the binding (`setattr(o, 'x', v)` binds `o.x`). */
    | { kind: 'value'; value: Expr; via?: string }
    /** A function: its `return`/`yield` values, so data flow follows calls to it. */
    | { kind: 'def'; returns: Expr[] }
    | { kind: 'class' }
    | { kind: 'param' }
  );

/** A string or bytes literal (adjacent literals joined into one). */
export interface StringLiteral extends Span {
  value: string | Buffer;
  /** The literal is a whole statement: a docstring or a bare string. */
  statement: boolean;
  /** An f-string: `value` holds only its literal parts. */
  formatted: boolean;
}

/** A shell command a notebook runs (`!cmd`, `%system`, `%%bash` …). */
export interface MagicCommand extends Span {
  text: string;
  /** How the notebook runs it: `!`, `%system`, `%%bash` … */
  via: string;
}

/** How well the text parsed. */
export interface SyntaxSummary {
  /** Characters covered by ERROR nodes, and missing tokens tree-sitter had to assume. */
  errorChars: number;
  missing: number;
  totalChars: number;
  /** Nodes nested past the walking bound were not read. */
  tooDeep: boolean;
}

/** Everything rules know about one Python source. */
export interface PythonModule {
  /** Every call expression, in source order. */
  calls: Call[];
  /** Subscripts and dunder attribute accesses, in source order (dynamic lookups start here). */
  lookups: Expr[];
  /** Every binding of each name (and of `a.b` attribute targets); see scope.ts to look one up. */
  bindings: Map<string, Binding[]>;
  /** Function scopes, in source order. */
  scopes: Scope[];
  /** Spans (`at:end`) of subscripts and attributes that are written, not read. */
  writes: Set<string>;
  /** Modules of `from m import *`, in order. */
  starImports: string[];
  strings: StringLiteral[];
  commands: MagicCommand[];
  syntax: SyntaxSummary;
  /** The parsed text, for evidence. */
  text: string;
  locate(at: number): Pos;
  /**
   * The static text of an expression (a str, or bytes read as Latin-1) as evaluate.ts computes
   * it, bound to this module: name resolution reads computed keys (`getattr(os, 'sys' + 'tem')`)
   * through it, so resolve.ts and evaluate.ts, which call each other, do not import each other.
   */
  staticString(e: Expr): string | undefined;
}
