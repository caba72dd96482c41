import type { PValue } from './model.js';

/** Limits on rendered evidence, so a huge argument does not flood a report. */
const MAX_ITEMS = 8;
const MAX_TEXT = 120;
const MAX_DEPTH = 6;

function pyString(s: string): string {
  const cut = s.length > MAX_TEXT ? s.slice(0, MAX_TEXT) + '…' : s;
  return `'${cut.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r')}'`;
}

function pyBytes(b: Buffer | null, len: number, prefix: string): string {
  if (b === null) return `<${len} bytes, not read>`;
  let out = '';
  for (const c of b.subarray(0, MAX_TEXT)) {
    if (c === 0x5c) out += '\\\\';
    else if (c === 0x27) out += "\\'";
    else if (c >= 0x20 && c < 0x7f) out += String.fromCharCode(c);
    else out += '\\x' + c.toString(16).padStart(2, '0');
  }
  return `${prefix}'${out}${len > MAX_TEXT ? '…' : ''}'`;
}

function items(values: PValue[], depth: number): string {
  const shown = values.slice(0, MAX_ITEMS).map((v) => renderValue(v, depth + 1));
  if (values.length > MAX_ITEMS) shown.push(`… ${values.length - MAX_ITEMS} more`);
  return shown.join(', ');
}

/** A symbolic value as readable pseudo-Python: `os.system('echo hi')`. */
export function renderValue(v: PValue, depth = 0): string {
  if (depth > MAX_DEPTH) return '…';
  switch (v.k) {
    case 'none':
      return 'None';
    case 'bool':
      return v.v ? 'True' : 'False';
    case 'int':
      return String(v.v);
    case 'float':
      return Number.isFinite(v.v) ? String(v.v) : `float('${v.v}')`;
    case 'str':
      return pyString(v.v);
    case 'bytes':
      return pyBytes(v.v, v.len, v.bytearray ? 'bytearray(b' : 'b') + (v.bytearray ? ')' : '');
    case 'tuple':
      return v.items.length === 1 ? `(${renderValue(v.items[0]!, depth + 1)},)` : `(${items(v.items, depth)})`;
    case 'list':
      return `[${items(v.items, depth)}]`;
    case 'set':
      return v.frozen ? `frozenset({${items(v.items, depth)}})` : `{${items(v.items, depth)}}`;
    case 'dict': {
      const shown = v.entries.slice(0, MAX_ITEMS).map(([k, val]) => `${renderValue(k, depth + 1)}: ${renderValue(val, depth + 1)}`);
      if (v.entries.length > MAX_ITEMS) shown.push(`… ${v.entries.length - MAX_ITEMS} more`);
      return `{${shown.join(', ')}}`;
    }
    case 'global':
      return v.ref.path;
    case 'persid':
      return `persistent_load(${renderValue(v.pid, depth + 1)})`;
    case 'ext':
      return `copyreg._extension_registry[${v.code}]`;
    case 'buffer':
      return '<out-of-band buffer>';
    case 'obj':
      return renderCall(v, depth);
  }
}

function renderCall(v: Extract<PValue, { k: 'obj' }>, depth: number): string {
  const callee = v.callee.k === 'str' && v.callee.v === '<dynamic import>' ? 'find_class' : renderValue(v.callee, depth + 1);
  let args = items(v.args, depth);
  if (v.kwargs) args += `${args ? ', ' : ''}**${renderValue(v.kwargs, depth + 1)}`;
  return v.op === 'NEWOBJ' || v.op === 'NEWOBJ_EX' ? `${callee}.__new__(${callee}${args ? ', ' + args : ''})` : `${callee}(${args})`;
}
