import { parse, tokenize } from '@huggingface/jinja';
import type { FreeName, Reach, ReachVia, TemplateAnalysis, TemplateError } from './model.js';
import { child, childNodes, children, filterParts, identifierName, isNode, type JNode } from './node.js';
import { fold, type Folded } from './fold.js';
import { renderExpression } from './render.js';
import { bindingsOf, constantsOf } from './bindings.js';
import { tokenFallback } from './tokens.js';

/**
 * Longest template analysed. Real chat templates are a few kilobytes (the longest published
 * ones, with tool-calling logic, stay under 50 KB); past this the parser's time and stack are
 * not worth spending, and the template is reported as not analysed.
 */
export const MAX_TEMPLATE_CHARS = 1_000_000;

/**
 * Brackets nested inside one another that a template may use. jinja2 itself cannot compile
 * much past 100; the parser here recurses once per level, so the bound is checked on the tokens
 * first and never left to the thread's stack size (a worker thread's stack is larger than the
 * main thread's, and the same template must give the same answer in both).
 */
export const MAX_TEMPLATE_NESTING = 256;

const OPENERS = new Set(['OpenParen', 'OpenSquareBracket', 'OpenCurlyBracket']);
const CLOSERS = new Set(['CloseParen', 'CloseSquareBracket', 'CloseCurlyBracket']);

/** The deepest bracket nesting of a token list. */
function bracketDepth(tokens: ReadonlyArray<{ type: string }>): number {
  let depth = 0;
  let deepest = 0;
  for (const t of tokens) {
    if (OPENERS.has(t.type)) deepest = Math.max(deepest, ++depth);
    else if (CLOSERS.has(t.type)) depth = Math.max(0, depth - 1);
  }
  return deepest;
}
/** Longest string constant kept in `strings`: Python-internal names are short. */
const MAX_KEPT_STRING = 128;

/** Filters whose `attribute=` keyword (or first argument) is a dotted attribute path (Jinja filters.py). */
const ATTRIBUTE_KEYWORD_FILTERS = new Set(['map', 'sort', 'groupby', 'sum', 'min', 'max', 'unique']);
const ATTRIBUTE_POSITIONAL_FILTERS = new Set(['selectattr', 'rejectattr', 'groupby']);

/** The identifier an access chain starts from: `lipsum` in `lipsum.__globals__['os'].popen`. */
function rootOf(node: JNode | undefined): string | undefined {
  for (let n = node, i = 0; n && i < 10_000; i++) {
    if (n.type === 'Identifier') return identifierName(n);
    n = child(n, 'object') ?? child(n, 'callee') ?? child(n, 'operand');
  }
  return undefined;
}

/** Whether an unfoldable key expression builds a string at render time (`a ~ b`, `|join`...). */
function buildsString(node: JNode): boolean {
  if (node.type === 'BinaryExpression') {
    const op = node.operator as { value?: string } | undefined;
    if (op?.value === '~' || op?.value === '%') return true;
    return op?.value === '+' && [child(node, 'left'), child(node, 'right')].some((n) => n?.type === 'StringLiteral' || (n !== undefined && buildsString(n)));
  }
  if (node.type === 'FilterExpression')
    return ['join', 'format', 'replace', 'reverse', 'string', 'lower', 'upper', 'first', 'last'].includes(filterParts(child(node, 'filter')).name ?? '');
  if (node.type === 'CallExpression') return ['join', 'format', 'replace'].includes(identifierName(child(child(node, 'callee') ?? node, 'property')) ?? '');
  return false;
}

/** Attribute and key names a `str.format` string walks: `{0.__class__}`, `{x[__globals__]}`. */
function formatFieldNames(format: string): string[] {
  const names: string[] = [];
  for (const m of format.replace(/\{\{|\}\}/g, '').matchAll(/\{([^{}!:]*)/g)) {
    for (const part of m[1]!.matchAll(/\.([^.[]+)|\[([^\]]+)\]/g)) {
      const name = part[1] ?? part[2];
      if (name !== undefined && !/^\d+$/.test(name)) names.push(name);
    }
  }
  return names;
}

class Collector {
  readonly reaches = new Map<string, Reach>();
  readonly free = new Map<string, FreeName>();
  readonly dynamic = new Set<string>();
  readonly strings = new Set<string>();

  constructor(
    readonly bound: ReadonlySet<string>,
    readonly env: ReadonlyMap<string, Folded>,
  ) {}

  reach(name: string, via: ReachVia, at: JNode, object: JNode | undefined): void {
    const root = rootOf(object);
    const onFreeRoot = object?.type === 'Identifier' && root !== undefined && !this.bound.has(root);
    const key = `${name}\0${via}\0${root ?? ''}\0${onFreeRoot}`;
    if (!this.reaches.has(key)) this.reaches.set(key, { name, via, chain: renderExpression(at), root, onFreeRoot });
    this.string(name);
  }

  string(value: Folded | undefined): void {
    if (typeof value === 'string' && value.length <= MAX_KEPT_STRING) this.strings.add(value);
  }

  /** A name read at `at`: constant-folded, or else recorded as computed at render time. */
  named(nameNode: JNode | undefined, via: ReachVia, at: JNode, object: JNode | undefined, always: boolean): void {
    if (!nameNode) return;
    const name = fold(nameNode, this.env);
    if (typeof name === 'string') this.reach(name, via, at, object);
    else if (name === undefined && (always || buildsString(nameNode))) this.dynamic.add(renderExpression(at));
  }

  visit(node: JNode): JNode[] {
    switch (node.type) {
      case 'Identifier': {
        const name = identifierName(node);
        if (name !== undefined && !this.bound.has(name) && !this.free.has(name)) this.free.set(name, { name, chain: name });
        return [];
      }
      case 'StringLiteral':
        this.string(fold(node, this.env));
        return [];
      case 'MemberExpression': {
        const object = child(node, 'object');
        const property = child(node, 'property');
        if (node.computed !== true) {
          const name = identifierName(property);
          if (name !== undefined) this.reach(name, 'dot', node, object);
          return object ? [object] : [];
        }
        if (property && property.type !== 'SliceExpression') this.named(property, 'subscript', node, object, false);
        this.string(fold(node, this.env));
        return [object, property].filter(isNode);
      }
      case 'FilterExpression':
      case 'FilterStatement': {
        const operand = child(node, 'operand');
        const { name, args } = filterParts(child(node, 'filter'));
        const positional = args.filter((a) => a.type !== 'KeywordArgumentExpression');
        if (name === 'attr') this.named(positional[0], 'attr-filter', node, operand, true);
        for (const a of args) {
          const isAttributeKeyword = a.type === 'KeywordArgumentExpression' && identifierName(child(a, 'key')) === 'attribute';
          const path =
            isAttributeKeyword && ATTRIBUTE_KEYWORD_FILTERS.has(name ?? '')
              ? child(a, 'value')
              : a === positional[0] && ATTRIBUTE_POSITIONAL_FILTERS.has(name ?? '')
                ? a
                : undefined;
          const folded = path ? fold(path, this.env) : undefined;
          if (typeof folded === 'string') for (const part of folded.split('.')) this.reach(part, 'attribute-argument', node, undefined);
        }
        this.string(fold(node, this.env));
        return [operand, ...args, ...children(node, 'body')].filter(isNode);
      }
      case 'CallExpression': {
        const callee = child(node, 'callee');
        const method = callee?.type === 'MemberExpression' && callee.computed !== true ? identifierName(child(callee, 'property')) : undefined;
        if (method === 'format' || method === 'format_map') {
          const format = fold(child(callee as JNode, 'object'), this.env);
          if (typeof format === 'string') for (const name of formatFieldNames(format)) this.reach(name, 'format-field', node, undefined);
        }
        this.string(fold(node, this.env));
        return [callee, ...children(node, 'args')].filter(isNode);
      }
      case 'BinaryExpression':
        this.string(fold(node, this.env));
        return childNodes(node);
      case 'TestExpression':
        return [child(node, 'operand')].filter(isNode);
      case 'KeywordArgumentExpression':
        return [child(node, 'value')].filter(isNode);
      case 'For':
        return [child(node, 'iterable'), ...children(node, 'body'), ...children(node, 'defaultBlock')].filter(isNode);
      case 'Set': {
        const assignee = child(node, 'assignee');
        const reads = assignee?.type === 'MemberExpression' ? [assignee] : [];
        return [...reads, child(node, 'value'), ...children(node, 'body')].filter(isNode);
      }
      case 'Macro':
        return [...children(node, 'args').map((a) => child(a, 'value')), ...children(node, 'body')].filter(isNode);
      case 'CallStatement':
        return [child(node, 'call'), ...children(node, 'body')].filter(isNode);
      default:
        return childNodes(node);
    }
  }
}

function emptyAnalysis(length: number, error?: TemplateError): TemplateAnalysis {
  return { length, error, reaches: [], freeNames: [], dynamicNames: [], strings: [] };
}

/**
 * Parses a Jinja template with `@huggingface/jinja` (never rendering it) and returns what it
 * reaches: attribute and item names after constant folding, free identifiers, names computed at
 * render time and string constants. A template the parser rejects gets `error`, with what its
 * tokens show.
 */
export function analyzeTemplate(template: string): TemplateAnalysis {
  if (template.length > MAX_TEMPLATE_CHARS) {
    return emptyAnalysis(template.length, { code: 'LIMIT_STRING', message: `template of ${template.length} characters is longer than ${MAX_TEMPLATE_CHARS}` });
  }
  let tokens: ReturnType<typeof tokenize>;
  try {
    tokens = tokenize(template);
  } catch (e) {
    return emptyAnalysis(template.length, { code: 'MALFORMED', message: `template does not tokenize: ${(e as Error).message}` });
  }
  const nesting = bracketDepth(tokens);
  if (nesting > MAX_TEMPLATE_NESTING) {
    return {
      ...tokenFallback(tokens),
      length: template.length,
      error: { code: 'LIMIT_DEPTH', message: `template nests brackets ${nesting} deep, over ${MAX_TEMPLATE_NESTING}` },
    };
  }
  let program: JNode;
  try {
    program = parse(tokens) as unknown as JNode;
  } catch (e) {
    const deep = e instanceof RangeError;
    const error: TemplateError = deep
      ? { code: 'LIMIT_DEPTH', message: 'template nests too deeply to parse' }
      : { code: 'MALFORMED', message: `template does not parse: ${(e as Error).message}` };
    return { ...tokenFallback(tokens), length: template.length, error };
  }
  const { bound, sets } = bindingsOf(program);
  const collector = new Collector(bound, constantsOf(sets));
  const stack: JNode[] = [program];
  for (let node = stack.pop(); node; node = stack.pop()) for (const next of collector.visit(node)) stack.push(next);
  return {
    length: template.length,
    reaches: [...collector.reaches.values()],
    freeNames: [...collector.free.values()],
    dynamicNames: [...collector.dynamic],
    strings: [...collector.strings],
  };
}
