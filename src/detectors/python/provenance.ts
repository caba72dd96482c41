import { decodeStep } from '../../formats/python/decoders.js';
import { evaluate, staticString } from '../../formats/python/evaluate.js';
import { childrenOf, walkFlow } from '../../formats/python/flow.js';
import type { Call, Expr, PythonModule } from '../../formats/python/model.js';
import { calleePath } from '../../formats/python/resolve.js';
import { isNetworkCall } from './names.js';

/** Where the data an expression evaluates to may come from. */
export interface Provenance {
  /** Decoders applied on the way (`base64`, `hex`, `zlib` …), with the calls that apply them. */
  decoders: Map<string, string>;
  /** A network call the data may come from. */
  network?: string;
}

const TEXT_CODECS = /^(utf-?8|utf_8|ascii|latin-?1|latin_1|iso-?8859-?1|l1)?$/i;

/** The decoder a call applies, with the name it was called by, or undefined. */
export function decoderOf(model: PythonModule, call: Call): { label: string; by: string } | undefined {
  const path = calleePath(model, call);
  const step = path ? decodeStep(path) : undefined;
  if (step) return { label: step.label, by: path! };
  // `x.decode('rot13')`, `codecs.decode(x, 'hex')`: a codec named by a string.
  const codecArg =
    path === 'codecs.decode' || path === 'codecs.encode'
      ? call.args[1]
      : call.callee.k === 'attr' && (call.callee.attr === 'decode' || call.callee.attr === 'encode')
        ? call.args[0]
        : undefined;
  const codec = codecArg ? staticString(model, codecArg)?.toLowerCase() : undefined;
  if (codec === undefined || TEXT_CODECS.test(codec)) return undefined;
  const byCodec = decodeStep(`codecs:${codec}`);
  return byCodec ? { label: byCodec.label, by: `codecs ${codec}` } : undefined;
}

/** `b ^ key for b in data`: a comprehension that XORs each item, the simplest cipher. */
function xorsItems(comp: Expr & { k: 'comp' }): boolean {
  const stack: Expr[] = [comp.element];
  for (let n = 0; stack.length > 0 && n < 200; n++) {
    const x = stack.pop()!;
    if (x.k === 'binop' && x.op === '^') return true;
    stack.push(...childrenOf(x));
  }
  return false;
}

/** Follows the data flow into `e` and says which decoders and network reads it passes. */
export function provenance(model: PythonModule, e: Expr): Provenance {
  const out: Provenance = { decoders: new Map() };
  walkFlow(model, e, (x) => {
    if (x.k === 'comp' && xorsItems(x)) out.decoders.set('xor', 'a byte-wise XOR');
    if (x.k !== 'call') return;
    const d = decoderOf(model, x);
    if (d && !out.decoders.has(d.label)) out.decoders.set(d.label, d.by);
    const path = calleePath(model, x);
    if (out.network === undefined && isNetworkCall(path)) out.network = path;
  });
  return out;
}

/** `base64 (base64.b64decode), zlib (zlib.decompress)` */
export function describeDecoders(decoders: Map<string, string>): string {
  return [...decoders].map(([label, by]) => (label === by ? label : `${label} (${by})`)).join(', ');
}

/** Sub-expressions looked at by `directDecoders`. */
const MAX_DIRECT_NODES = 2_000;

/**
 * Decoders applied to `e` itself: in its own sub-expressions, or on the way to its static
 * value. Unlike `provenance`, names are not followed to whatever else they are bound to, so
 * data decoded elsewhere and parsed later does not count.
 */
export function directDecoders(model: PythonModule, e: Expr): Map<string, string> {
  const found = new Map<string, string>();
  for (const step of evaluate(model, e)?.steps ?? []) found.set(step.label, step.label);
  const stack = [e];
  for (let n = 0; stack.length > 0 && n < MAX_DIRECT_NODES; n++) {
    const x = stack.pop()!;
    if (x.k === 'comp' && xorsItems(x)) found.set('xor', 'a byte-wise XOR');
    if (x.k === 'call') {
      const d = decoderOf(model, x);
      if (d && !found.has(d.label)) found.set(d.label, d.by);
    }
    stack.push(...childrenOf(x));
  }
  return found;
}
