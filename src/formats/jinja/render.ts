import { child, children, filterParts, type JNode, operator, text } from './node.js';

/** Longest rendered expression kept as evidence. */
const MAX_RENDERED = 200;
/** Nesting rendered before eliding with `…`. */
const MAX_RENDER_DEPTH = 24;
/** Arguments and list items rendered before eliding, so a huge literal costs nothing. */
const MAX_RENDER_ITEMS = 4;

function some(nodes: JNode[], depth: number): string {
  const shown = nodes.slice(0, MAX_RENDER_ITEMS).map((n) => show(n, depth + 1));
  if (nodes.length > MAX_RENDER_ITEMS) shown.push('…');
  return shown.join(', ');
}

function quote(s: string): string {
  const short = s.length > 40 ? `${s.slice(0, 40)}…` : s;
  return `'${short.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
}

function args(node: JNode, depth: number): string {
  return some(children(node, 'args'), depth);
}

function show(node: JNode | undefined, depth: number): string {
  if (!node) return '';
  if (depth > MAX_RENDER_DEPTH) return '…';
  switch (node.type) {
    case 'Identifier':
      return text(node) ?? '?';
    case 'StringLiteral':
      return quote(text(node) ?? '');
    case 'IntegerLiteral':
    case 'FloatLiteral':
      return String(node.value);
    case 'ArrayLiteral':
    case 'TupleLiteral': {
      const items = some(children(node, 'value'), depth);
      return node.type === 'ArrayLiteral' ? `[${items}]` : `(${items})`;
    }
    case 'ObjectLiteral':
      return '{…}';
    case 'MemberExpression': {
      const object = show(child(node, 'object'), depth + 1);
      const property = child(node, 'property');
      if (node.computed !== true) return `${object}.${show(property, depth + 1)}`;
      if (property?.type === 'SliceExpression') {
        const part = (f: string): string => show(child(property, f), depth + 1);
        return `${object}[${part('start')}:${part('stop')}${child(property, 'step') ? ':' + part('step') : ''}]`;
      }
      return `${object}[${show(property, depth + 1)}]`;
    }
    case 'CallExpression':
      return `${show(child(node, 'callee'), depth + 1)}(${args(node, depth)})`;
    case 'FilterExpression': {
      const { name } = filterParts(child(node, 'filter'));
      const filter = child(node, 'filter');
      const callArgs = filter?.type === 'CallExpression' ? `(${args(filter, depth)})` : '';
      return `${show(child(node, 'operand'), depth + 1)}|${name ?? '?'}${callArgs}`;
    }
    case 'BinaryExpression':
      return `${show(child(node, 'left'), depth + 1)} ${operator(node) ?? '?'} ${show(child(node, 'right'), depth + 1)}`;
    case 'UnaryExpression':
      return `${operator(node) ?? '?'} ${show(child(node, 'argument'), depth + 1)}`;
    case 'KeywordArgumentExpression':
      return `${show(child(node, 'key'), depth + 1)}=${show(child(node, 'value'), depth + 1)}`;
    case 'SpreadExpression':
      return `*${show(child(node, 'argument'), depth + 1)}`;
    case 'KeywordSpreadExpression':
      return `**${show(child(node, 'argument'), depth + 1)}`;
    case 'TestExpression':
      return `${show(child(node, 'operand'), depth + 1)} is ${node.negate === true ? 'not ' : ''}${show(child(node, 'test'), depth + 1)}`;
    case 'Ternary':
      return `${show(child(node, 'trueExpr'), depth + 1)} if ${show(child(node, 'condition'), depth + 1)} else ${show(child(node, 'falseExpr'), depth + 1)}`;
    case 'SelectExpression':
      return `${show(child(node, 'lhs'), depth + 1)} if ${show(child(node, 'test'), depth + 1)}`;
    default:
      return node.type;
  }
}

/** An expression as short Jinja text, for evidence (`lipsum.__globals__['os'].popen(…)`). */
export function renderExpression(node: JNode): string {
  const s = show(node, 0);
  return s.length > MAX_RENDERED ? `${s.slice(0, MAX_RENDERED)}…` : s;
}
