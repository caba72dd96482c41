import type { Severity } from '../../core/severity.js';
import { evaluate } from '../../formats/python/evaluate.js';
import { strictlyInside } from '../../formats/python/flow.js';
import type { Call, Expr, PythonModule } from '../../formats/python/model.js';
import { calleePath, resolve, type Resolved } from '../../formats/python/resolve.js';
import { bindingsOf } from '../../formats/python/scope.js';
import type { Rule } from '../types.js';
import { isCodeExec } from './names.js';
import { describeDecoders, provenance } from './provenance.js';
import { place, reachedThrough, shorten, snippet } from './report.js';

/** A call of exec, eval, compile or execfile, however it was reached. */
export interface ExecSink {
  call: Call;
  /** `exec`, `eval` … */
  name: string;
  callee: Resolved;
  /** The code argument. */
  payload?: Expr;
}

/** Every call that runs Python source or a code object, in source order. */
export function execSinks(model: PythonModule): ExecSink[] {
  const sinks: ExecSink[] = [];
  for (const call of model.calls) {
    const callee = resolve(model, call.callee);
    if (!callee || !isCodeExec(callee.path)) continue;
    const payload = call.args[0] ?? call.kwargs.find((k) => k.name === 'source' || k.name === 'object' || k.name === 'expression')?.value;
    sinks.push({ call, name: callee.path.slice('builtins.'.length), callee, payload });
  }
  return sinks;
}

const READERS = new Set(['read', 'read_text', 'read_bytes']);
const OPENERS = new Set(['builtins.open', 'io.open', 'pathlib.Path', 'codecs.open']);

/** `open('version.py').read()` (possibly through a name): code read from a named local file. */
function readsLocalFile(model: PythonModule, e: Expr, hops = 0): boolean {
  if (e.k === 'name' && hops < 4) {
    const b = bindingsOf(model, e.id, e.at);
    return b.length === 1 && b[0].kind === 'value' && readsLocalFile(model, b[0].value, hops + 1);
  }
  if (e.k !== 'call' || e.callee.k !== 'attr' || !READERS.has(e.callee.attr)) return false;
  const opener = e.callee.object;
  return opener.k === 'call' && OPENERS.has(calleePath(model, opener) ?? '') && opener.args[0] !== undefined && evaluate(model, opener.args[0]) !== undefined;
}

/** How severe running this payload is, and why. */
function grade(model: PythonModule, payload: Expr | undefined): { severity: Severity; why: string } {
  if (!payload) return { severity: 'medium', why: 'with arguments known only at run time' };
  const from = provenance(model, payload);
  const value = evaluate(model, payload);
  const preview = value && (value.value.k === 'str' || value.value.k === 'bytes') ? `: ${shorten(value.value.v.toString('latin1'), 120)}` : '';
  if (from.decoders.size > 0) return { severity: 'critical', why: `data decoded by ${describeDecoders(from.decoders)}${preview}` };
  if (from.network) return { severity: 'critical', why: `code fetched over the network (${from.network})` };
  if (value) return { severity: 'low', why: `a literal${preview}` };
  if (readsLocalFile(model, payload)) return { severity: 'low', why: 'code read from a named local file, as an import would (that file is scanned on its own)' };
  return { severity: 'medium', why: 'data known only at run time' };
}

/** exec/eval/compile of decoded, downloaded or computed data. */
export const dynamicExec: Rule<PythonModule> = {
  meta: {
    id: 'python/dynamic-exec',
    defaultSeverity: 'critical',
    title: 'Python runs code from decoded or computed data',
    description:
      'The code calls exec, eval, compile or execfile. Running data decoded from base64, hex, zlib, gzip, bz2, marshal or a codec such as rot13, or fetched over the network, is how malicious model code hides its payload: critical. Running other computed data is medium; running a plain literal is low (the literal is scanned as Python on its own).',
    docs: 'docs/rules/python-dynamic-exec.md',
    references: ['MITRE ATLAS AML.T0010', 'MITRE ATLAS AML.T0011', 'OWASP LLM03:2025', 'CWE-94', 'CWE-95', 'CWE-506'],
  },
  check(model, ctx) {
    const sinks = execSinks(model);
    for (const sink of sinks) {
      // exec(compile(x)) is one act: the outermost call speaks for it.
      if (sinks.some((o) => o !== sink && o.payload && (strictlyInside(sink.call, o.payload) || (sink.call.at === o.payload.at && sink.call.end === o.payload.end)))) continue;
      const { severity, why } = grade(model, sink.payload);
      const { location, where } = place(model, sink.call);
      ctx.report({
        severity,
        message: `${sink.name} at ${where} runs ${why}${reachedThrough(sink.callee)}`,
        location,
        evidence: snippet(model, sink.call),
      });
    }
  },
};
