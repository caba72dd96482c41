import { child, children, filterParts, identifierName, type JNode, operator, text } from './node.js';

/** A value known before rendering: what string-building obfuscation folds to. */
export type Folded = string | number | Folded[];

/** Constants bound by `{% set name = ... %}`, for folding identifiers. */
export type FoldEnv = ReadonlyMap<string, Folded>;

/** Nesting of one folded expression. Obfuscated names are built in a few steps, not hundreds. */
const MAX_FOLD_DEPTH = 64;
/** Longest string a fold may produce: attribute names are short, and `'a' * 10**9` must not allocate. */
export const MAX_FOLDED_CHARS = 4096;

const tooLong = (v: Folded): boolean => typeof v === 'string' && v.length > MAX_FOLDED_CHARS;

/** Python's `str()` of a folded value, close enough for names: lists are not names. */
function str(v: Folded): string | undefined {
  if (typeof v === 'string') return v;
  return typeof v === 'number' ? String(v) : undefined;
}

/** Python slice semantics (`s[start:stop:step]`) over a length. */
function sliceIndices(length: number, start?: number, stop?: number, step = 1): number[] | undefined {
  if (step === 0 || !Number.isInteger(step)) return undefined;
  const norm = (i: number | undefined, dflt: number): number => {
    if (i === undefined) return dflt;
    if (i < 0) i += length;
    return step > 0 ? Math.min(Math.max(i, 0), length) : Math.min(Math.max(i, -1), length - 1);
  };
  const from = norm(start, step > 0 ? 0 : length - 1);
  const to = norm(stop, step > 0 ? length : -1);
  const out: number[] = [];
  for (let i = from; step > 0 ? i < to : i > to; i += step) out.push(i);
  return out;
}

/** printf-style `'%c%s' % args` and `|format(args)`: the conversions names are built with. */
function printf(format: string, args: Folded[]): string | undefined {
  let i = 0;
  let failed = false;
  const out = format.replace(/%([%sdicrxo])/g, (_m, conv: string) => {
    if (conv === '%') return '%';
    const arg = args[i++];
    if (arg === undefined) {
      failed = true;
      return '';
    }
    if (conv === 'c') return typeof arg === 'number' ? String.fromCodePoint(arg) : (str(arg) ?? '');
    if (conv === 'x' || conv === 'o') return typeof arg === 'number' ? arg.toString(conv === 'x' ? 16 : 8) : '';
    return str(arg) ?? '';
  });
  return failed ? undefined : out;
}

/** `'{}{}'.format(a, b)` with plain positional fields; fields that walk attributes do not fold. */
function strFormat(format: string, args: Folded[]): string | undefined {
  let next = 0;
  let failed = false;
  const out = format.replace(/\{\{|\}\}|\{([^{}]*)\}/g, (m, field: string | undefined) => {
    if (m === '{{') return '{';
    if (m === '}}') return '}';
    const index = field === '' ? next++ : /^\d+$/.test(field ?? '') ? Number(field) : -1;
    const arg = index >= 0 ? args[index] : undefined;
    const s = arg === undefined ? undefined : str(arg);
    if (s === undefined) failed = true;
    return s ?? '';
  });
  return failed ? undefined : out;
}

function iterate(v: Folded): Folded[] {
  return Array.isArray(v) ? v : typeof v === 'string' ? [...v] : [];
}

function applyFilter(name: string, value: Folded, args: Folded[]): Folded | undefined {
  const s = typeof value === 'string' ? value : undefined;
  switch (name) {
    case 'join': {
      const parts = iterate(value).map(str);
      return parts.every((p) => p !== undefined) ? parts.join(str(args[0] ?? '') ?? '') : undefined;
    }
    case 'string':
      return str(value);
    case 'lower':
      return s?.toLowerCase();
    case 'upper':
      return s?.toUpperCase();
    case 'trim':
      return s?.trim();
    case 'capitalize':
      return s === undefined ? undefined : s.charAt(0).toUpperCase() + s.slice(1).toLowerCase();
    case 'reverse':
      return s !== undefined ? [...s].reverse().join('') : Array.isArray(value) ? [...value].reverse() : undefined;
    case 'first':
      return iterate(value)[0];
    case 'last':
      return iterate(value).at(-1);
    case 'list':
      return iterate(value);
    case 'replace': {
      const [from, to] = args.map(str);
      return s !== undefined && from !== undefined && to !== undefined ? s.split(from).join(to) : undefined;
    }
    case 'format':
      return s === undefined ? undefined : printf(s, args);
    default:
      return undefined;
  }
}

function applyMethod(name: string, s: string, args: Folded[]): Folded | undefined {
  switch (name) {
    case 'join':
      return args.length === 1 ? applyFilter('join', args[0]!, [s]) : undefined;
    case 'format':
      return strFormat(s, args);
    case 'replace':
    case 'lower':
    case 'upper':
      return applyFilter(name, s, args);
    case 'strip':
      return s.trim();
    case 'lstrip':
      return s.trimStart();
    case 'rstrip':
      return s.trimEnd();
    default:
      return undefined;
  }
}

function foldAll(nodes: JNode[], env: FoldEnv, depth: number): Folded[] | undefined {
  const out: Folded[] = [];
  for (const n of nodes) {
    const v = fold(n, env, depth + 1);
    if (v === undefined) return undefined;
    out.push(v);
  }
  return out;
}

function foldBinary(node: JNode, env: FoldEnv, depth: number): Folded | undefined {
  const left = fold(child(node, 'left'), env, depth + 1);
  const right = fold(child(node, 'right'), env, depth + 1);
  if (left === undefined || right === undefined) return undefined;
  switch (operator(node)) {
    case '~': {
      const [a, b] = [str(left), str(right)];
      return a === undefined || b === undefined ? undefined : a + b;
    }
    case '+':
      if (typeof left === 'string' && typeof right === 'string') return left + right;
      if (typeof left === 'number' && typeof right === 'number') return left + right;
      return Array.isArray(left) && Array.isArray(right) ? [...left, ...right] : undefined;
    case '*': {
      const [s, n] = typeof left === 'string' ? [left, right] : [right, left];
      if (typeof s === 'string' && typeof n === 'number' && Number.isInteger(n)) {
        return n <= 0 ? '' : s.length * n > MAX_FOLDED_CHARS ? undefined : s.repeat(n);
      }
      return typeof left === 'number' && typeof right === 'number' ? left * right : undefined;
    }
    case '-':
      return typeof left === 'number' && typeof right === 'number' ? left - right : undefined;
    case '%':
      if (typeof left === 'string') return printf(left, Array.isArray(right) ? right : [right]);
      return typeof right === 'number' && typeof left === 'number' && right !== 0 ? left % right : undefined;
    default:
      return undefined;
  }
}

function foldMember(node: JNode, env: FoldEnv, depth: number): Folded | undefined {
  if (node.computed !== true) return undefined;
  const object = fold(child(node, 'object'), env, depth + 1);
  const property = child(node, 'property');
  if (object === undefined || property === undefined || typeof object === 'number') return undefined;
  const items = typeof object === 'string' ? [...object] : object;
  if (property.type === 'SliceExpression') {
    const bound = (f: string): number | undefined | null => {
      const n = child(property, f);
      if (!n) return undefined;
      const v = fold(n, env, depth + 1);
      return typeof v === 'number' ? v : null;
    };
    const [start, stop, step] = [bound('start'), bound('stop'), bound('step')];
    if (start === null || stop === null || step === null) return undefined;
    const picked = sliceIndices(items.length, start, stop, step)?.map((i) => items[i]);
    // A fractional bound (`'x'[0.5:]`, a TypeError in Jinja) indexes nothing: the slice is unknown.
    if (!picked || !picked.every((item): item is Folded => item !== undefined)) return undefined;
    return typeof object === 'string' ? picked.join('') : picked;
  }
  const index = fold(property, env, depth + 1);
  if (typeof index !== 'number' || !Number.isInteger(index)) return undefined;
  return items[index < 0 ? items.length + index : index];
}

function foldCall(node: JNode, env: FoldEnv, depth: number): Folded | undefined {
  const callee = child(node, 'callee');
  const argNodes = children(node, 'args');
  // dict(a=1, b=2) iterates as its keys: `dict(__class__=1)|first` names `__class__`.
  if (identifierName(callee) === 'dict') {
    if (!argNodes.every((a) => a.type === 'KeywordArgumentExpression')) return undefined;
    const keys = argNodes.map((a) => identifierName(child(a, 'key')));
    return keys.every((k) => k !== undefined) ? (keys as string[]) : undefined;
  }
  if (callee?.type !== 'MemberExpression' || callee.computed === true) return undefined;
  const object = fold(child(callee, 'object'), env, depth + 1);
  const method = identifierName(child(callee, 'property'));
  const args = foldAll(argNodes, env, depth);
  if (typeof object !== 'string' || method === undefined || args === undefined) return undefined;
  return applyMethod(method, object, args);
}

/**
 * The value of an expression when it is built only from constants (literals, `{% set %}`
 * constants, `~`, `+`, `*`, `%`, slicing and the string filters and methods obfuscation uses),
 * else undefined. Pure: nothing is rendered.
 */
export function fold(node: JNode | undefined, env: FoldEnv, depth = 0): Folded | undefined {
  if (!node || depth > MAX_FOLD_DEPTH) return undefined;
  let v: Folded | undefined;
  switch (node.type) {
    case 'StringLiteral':
      v = text(node);
      break;
    case 'IntegerLiteral':
    case 'FloatLiteral':
      v = typeof node.value === 'number' ? node.value : undefined;
      break;
    case 'ArrayLiteral':
    case 'TupleLiteral':
      v = foldAll(children(node, 'value'), env, depth);
      break;
    case 'Identifier':
      v = env.get(text(node) ?? '');
      break;
    case 'UnaryExpression': {
      const arg = fold(child(node, 'argument'), env, depth + 1);
      v = operator(node) === '-' && typeof arg === 'number' ? -arg : operator(node) === '+' ? arg : undefined;
      break;
    }
    case 'BinaryExpression':
      v = foldBinary(node, env, depth);
      break;
    case 'FilterExpression': {
      const operand = fold(child(node, 'operand'), env, depth + 1);
      const { name, args } = filterParts(child(node, 'filter'));
      const folded = foldAll(args, env, depth);
      v = operand === undefined || name === undefined || folded === undefined ? undefined : applyFilter(name, operand, folded);
      break;
    }
    case 'MemberExpression':
      v = foldMember(node, env, depth);
      break;
    case 'CallExpression':
      v = foldCall(node, env, depth);
      break;
    default:
      v = undefined;
  }
  return v === undefined || tooLong(v) ? undefined : v;
}
