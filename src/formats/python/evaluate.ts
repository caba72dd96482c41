import { decodeStep, type DecodeStep } from './decoders.js';
import type { Expr, PythonModule } from './model.js';
import { crossingDepth, enterCrossing, leaveCrossing, resolve } from './resolve.js';
import { bindingsOf } from './scope.js';

/**
 * Static values: what an expression evaluates to when it is built only from literals and
 * pure text operations (concatenation, join, reversal, chr, encode/decode) and the decoders
 * obfuscated code uses (base64, hex, zlib, gzip, bz2, rot13). Nothing is executed: each
 * operation is re-implemented here on data, bounded in size.
 */
export type Value = { k: 'str'; v: string } | { k: 'bytes'; v: Buffer } | { k: 'num'; v: number } | { k: 'list'; v: Value[] };

/** A static value and the decoders applied on the way, outermost last. */
export interface Evaluated {
  value: Value;
  steps: DecodeStep[];
}

/** Bytes one static value may reach; payloads that run code are far smaller. */
export const MAX_STATIC_BYTES = 8 * 1024 * 1024;
/** Operations nested in one evaluation, and list items kept. */
const MAX_EVAL_DEPTH = 32;
const MAX_LIST_ITEMS = 100_000;

const TEXT_CODECS = new Set(['utf-8', 'utf8', 'utf_8', 'ascii', 'latin-1', 'latin1', 'latin_1', 'iso-8859-1', 'l1']);

const memo = new WeakMap<Expr, Evaluated | null>();
/**
 * Static values found at any nesting, by expression. A name bound to a sum of names is read
 * once, not once per use (`p2 = p1 + p1; p3 = p2 + p2 …` would otherwise double at each step).
 */
const found = new WeakMap<Expr, Evaluated>();
/** Expressions read in full that have no static value. */
const notStatic = new WeakSet<Expr>();

const sizeOf = (v: Value): number => (v.k === 'str' || v.k === 'bytes' ? v.v.length : v.k === 'list' ? v.v.length : 8);
const asBytes = (v: Value): Buffer | undefined => (v.k === 'bytes' ? v.v : v.k === 'str' ? Buffer.from(v.v, 'latin1') : undefined);

class Evaluator {
  readonly steps: DecodeStep[] = [];
  private depth = 0;
  /** Times a bound (depth, a name's cycle guard, crossing) cut the reading: results then depend on where it started. */
  private cuts = 0;
  private readonly names = new Set<string>();
  /** Comprehension variables bound while their element is evaluated. */
  private readonly locals = new Map<string, Value>();
  constructor(private readonly model: PythonModule) {}

  eval(e: Expr | undefined): Value | undefined {
    if (!e) return undefined;
    if (this.depth >= MAX_EVAL_DEPTH) {
      this.cuts++;
      return undefined;
    }
    const known = this.locals.size === 0 ? found.get(e) : undefined;
    if (known) {
      this.steps.push(...known.steps);
      return known.value;
    }
    if (this.locals.size === 0 && notStatic.has(e)) return undefined;
    const mark = this.steps.length;
    const cutsBefore = this.cuts;
    this.depth++;
    try {
      const v = this.build(e);
      if (!v || sizeOf(v) > MAX_STATIC_BYTES) {
        // Not static whatever bound was left: no depth cut or cycle guard decided it.
        if (this.cuts === cutsBefore && this.locals.size === 0) notStatic.add(e);
        return undefined;
      }
      // A value found is the value, whatever bound was left; outside comprehensions it is kept.
      if (this.locals.size === 0) found.set(e, { value: v, steps: this.steps.slice(mark) });
      return v;
    } finally {
      this.depth--;
    }
  }

  private build(e: Expr): Value | undefined {
    switch (e.k) {
      case 'str':
        return { k: 'str', v: e.value };
      case 'bytes':
        return { k: 'bytes', v: e.value };
      case 'num':
        return { k: 'num', v: e.value };
      case 'fstr':
        return e.parts.every((p) => typeof p === 'string') ? { k: 'str', v: e.parts.join('') } : undefined;
      case 'seq': {
        if (e.items.length > MAX_LIST_ITEMS) return undefined;
        const items = e.items.map((i) => this.eval(i));
        return items.every((i): i is Value => i !== undefined) ? { k: 'list', v: items } : undefined;
      }
      case 'comp':
        return this.comprehension(e);
      case 'name': {
        const local = this.locals.get(e.id);
        if (local) return local;
        const bindings = bindingsOf(this.model, e.id, e.at);
        const only = bindings?.length === 1 ? bindings[0] : undefined;
        if (only?.kind !== 'value') return undefined;
        if (this.names.has(e.id)) {
          this.cuts++;
          return undefined;
        }
        this.names.add(e.id);
        try {
          return this.eval(only.value);
        } finally {
          this.names.delete(e.id);
        }
      }
      case 'binop':
        return this.binop(e.op, this.eval(e.left), this.eval(e.right));
      case 'index': {
        const o = this.eval(e.object);
        if (!o) return undefined;
        const i = e.index;
        if (i.k === 'slice' && !i.start && !i.stop && i.step?.k === 'num' && i.step.value === -1) {
          if (o.k === 'str') return { k: 'str', v: [...o.v].reverse().join('') };
          if (o.k === 'bytes') return { k: 'bytes', v: Buffer.from(o.v).reverse() };
          if (o.k === 'list') return { k: 'list', v: [...o.v].reverse() };
        }
        const n = this.eval(i);
        if (n?.k === 'num' && (o.k === 'list' || o.k === 'str')) {
          const item = o.v.at(n.v);
          return item === undefined ? undefined : typeof item === 'string' ? { k: 'str', v: item } : item;
        }
        return undefined;
      }
      case 'call':
        return this.call(e);
      default:
        return undefined;
    }
  }

  /** `f(x) for x in <static>`: the element evaluated for each item. */
  private comprehension(e: Expr & { k: 'comp' }): Value | undefined {
    const iter = this.eval(e.iter);
    let items: Value[];
    if (iter?.k === 'list') items = iter.v;
    else if (iter?.k === 'bytes') items = [...iter.v].map((b) => ({ k: 'num', v: b }));
    else if (iter?.k === 'str') items = [...iter.v].map((c) => ({ k: 'str', v: c }));
    else return undefined;
    if (items.length > MAX_LIST_ITEMS || this.locals.has(e.name)) return undefined;
    const out: Value[] = [];
    try {
      for (const item of items) {
        this.locals.set(e.name, item);
        const v = this.eval(e.element);
        if (!v) return undefined;
        out.push(v);
      }
    } finally {
      this.locals.delete(e.name);
    }
    return { k: 'list', v: out };
  }

  private binop(op: string, l: Value | undefined, r: Value | undefined): Value | undefined {
    if (!l || !r) return undefined;
    if (op === '+') {
      // Refuse before building: a sum past the bound is not kept anyway.
      if (l.k !== 'num' && r.k !== 'num' && sizeOf(l) + sizeOf(r) > MAX_STATIC_BYTES) return undefined;
      if (l.k === 'str' && r.k === 'str') return { k: 'str', v: l.v + r.v };
      if (l.k === 'bytes' && r.k === 'bytes') return { k: 'bytes', v: Buffer.concat([l.v, r.v]) };
      if (l.k === 'list' && r.k === 'list') return { k: 'list', v: [...l.v, ...r.v] };
      if (l.k === 'num' && r.k === 'num') return { k: 'num', v: l.v + r.v };
    }
    if (op === '*' && l.k === 'str' && r.k === 'num' && l.v.length * r.v <= MAX_STATIC_BYTES) return { k: 'str', v: l.v.repeat(Math.max(0, r.v)) };
    if (l.k === 'num' && r.k === 'num') {
      const ops: Record<string, (a: number, b: number) => number> = {
        '^': (a, b) => a ^ b,
        '-': (a, b) => a - b,
        '*': (a, b) => a * b,
        '%': (a, b) => (b === 0 ? NaN : ((a % b) + b) % b),
        '&': (a, b) => a & b,
        '|': (a, b) => a | b,
      };
      const v = ops[op]?.(l.v, r.v);
      return v === undefined || Number.isNaN(v) ? undefined : { k: 'num', v };
    }
    return undefined;
  }

  private call(e: Expr & { k: 'call' }): Value | undefined {
    const args = e.args;
    const codec = (i: number): string | undefined => {
      const a = args[i] ?? e.kwargs.find((k) => k.name === 'encoding')?.value;
      const v = a ? this.eval(a) : undefined;
      return v?.k === 'str' ? v.v.toLowerCase() : undefined;
    };
    if (e.callee.k === 'attr') {
      // Methods of a static str or bytes value.
      const self = this.eval(e.callee.object);
      if (self) return this.method(self, e.callee.attr, args, codec(0));
    }
    // Inside another resolve or evaluate, the shared crossing bound may cut name resolution.
    if (crossingDepth() > 1) this.cuts++;
    const path = resolve(this.model, e.callee)?.path;
    if (!path) return undefined;
    const first = this.eval(args[0]);
    if (path === 'builtins.chr')
      return first?.k === 'num' && Number.isInteger(first.v) && first.v >= 0 && first.v <= 0x10ffff
        ? { k: 'str', v: String.fromCodePoint(first.v) }
        : undefined;
    if (path === 'builtins.ord') return first?.k === 'str' && first.v.length >= 1 ? { k: 'num', v: first.v.codePointAt(0)! } : undefined;
    if (path === 'builtins.str') return first?.k === 'str' ? first : undefined;
    if (path === 'builtins.bytes' || path === 'builtins.bytearray') {
      if (first?.k === 'list' && first.v.every((x) => x.k === 'num'))
        return { k: 'bytes', v: Buffer.from(first.v.map((x) => (x.k === 'num' ? x.v & 0xff : 0))) };
      if (first?.k === 'str') return this.textCodec(first, codec(1) ?? 'utf-8', 'encode');
      return first?.k === 'bytes' ? first : undefined;
    }
    if (path === 'builtins.map' && args[0]?.k === 'name' && resolve(this.model, args[0])?.path === 'builtins.chr') {
      const list = this.eval(args[1]);
      if (list?.k !== 'list') return undefined;
      return { k: 'list', v: list.v.map((x) => ({ k: 'str', v: x.k === 'num' ? String.fromCharCode(x.v & 0xffff) : '' })) };
    }
    if (path === 'codecs.decode' || path === 'codecs.encode') {
      const name = codec(1) ?? 'utf-8';
      if (!first) return undefined;
      if (TEXT_CODECS.has(name)) return this.textCodec(first, name, path === 'codecs.decode' ? 'decode' : 'encode');
      return this.decode(`codecs:${name}`, first);
    }
    return first ? this.decode(path, first) : undefined;
  }

  private method(self: Value, name: string, args: Expr[], codec: string | undefined): Value | undefined {
    switch (name) {
      case 'decode':
      case 'encode':
        if (codec === undefined || TEXT_CODECS.has(codec)) return this.textCodec(self, codec ?? 'utf-8', name);
        return this.decode(`codecs:${codec}`, self);
      case 'join': {
        const list = this.eval(args[0]);
        if (list?.k !== 'list') return undefined;
        if (self.k === 'str' && list.v.every((x) => x.k === 'str')) return { k: 'str', v: list.v.map((x) => x.v).join(self.v) };
        if (self.k === 'bytes' && list.v.every((x) => x.k === 'bytes'))
          return { k: 'bytes', v: Buffer.concat(list.v.flatMap((x, i) => (i === 0 ? [x.v as Buffer] : [self.v, x.v as Buffer]))) };
        return undefined;
      }
      case 'replace': {
        const [a, b] = [this.eval(args[0]), this.eval(args[1])];
        if (self.k === 'str' && a?.k === 'str' && b?.k === 'str' && a.v !== '') return { k: 'str', v: self.v.split(a.v).join(b.v) };
        return undefined;
      }
      case 'strip':
        return self.k === 'str' && args.length === 0 ? { k: 'str', v: self.v.trim() } : undefined;
      case 'lower':
      case 'upper':
        return self.k === 'str' ? { k: 'str', v: name === 'lower' ? self.v.toLowerCase() : self.v.toUpperCase() } : undefined;
      default:
        return undefined;
    }
  }

  private textCodec(v: Value, codec: string, dir: string): Value | undefined {
    const latin = codec.startsWith('latin') || codec.startsWith('iso') || codec === 'l1';
    if (dir === 'encode' && v.k === 'str') return { k: 'bytes', v: Buffer.from(v.v, latin ? 'latin1' : 'utf8') };
    if (dir === 'decode' && v.k === 'bytes') return { k: 'str', v: v.v.toString(latin ? 'latin1' : 'utf8') };
    return v.k === 'str' && dir === 'decode' ? v : undefined;
  }

  private decode(path: string, input: Value): Value | undefined {
    const bytes = asBytes(input);
    if (!bytes) return undefined;
    const step = decodeStep(path);
    if (!step) return undefined;
    const out = step.apply(bytes, MAX_STATIC_BYTES);
    if (out === undefined) return undefined;
    this.steps.push(step);
    return typeof out === 'string' ? { k: 'str', v: out } : { k: 'bytes', v: out };
  }
}

/** The static value of `e` with the decoders applied, or undefined when it is not static. */
export function evaluate(model: PythonModule, e: Expr): Evaluated | undefined {
  const cached = memo.get(e);
  if (cached !== undefined) return cached ?? undefined;
  const topLevel = crossingDepth() === 0;
  if (!enterCrossing()) return undefined;
  try {
    const ev = new Evaluator(model);
    const value = ev.eval(e);
    const result = value ? { value, steps: ev.steps } : null;
    // Only a top-level evaluation saw every bound in full: only its result is kept.
    if (topLevel) memo.set(e, result);
    return result ?? undefined;
  } finally {
    leaveCrossing();
  }
}

/** The static text of `e` (str, or bytes read as Latin-1), or undefined. */
export function staticString(model: PythonModule, e: Expr): string | undefined {
  const v = evaluate(model, e)?.value;
  return v?.k === 'str' ? v.v : v?.k === 'bytes' ? v.v.toString('latin1') : undefined;
}

/** The static bytes of `e` (str as UTF-8), or undefined. */
export function staticBytes(model: PythonModule, e: Expr): Buffer | undefined {
  const v = evaluate(model, e)?.value;
  return v?.k === 'bytes' ? v.v : v?.k === 'str' ? Buffer.from(v.v, 'utf8') : undefined;
}
