import type { Severity } from '../../core/severity.js';
import { evaluate, staticString, type Value } from '../../formats/python/evaluate.js';
import { walkFlow } from '../../formats/python/flow.js';
import type { Call, Expr, PythonModule, Span } from '../../formats/python/model.js';
import { floorIndex } from '../../formats/python/source.js';
import { calleePath, resolve, type Resolved } from '../../formats/python/resolve.js';
import { bindingsOf } from '../../formats/python/scope.js';
import type { Rule } from '../types.js';
import { shellUses } from './commands.js';
import { ipythonMethod, isCodeExec, shellRunner } from './names.js';
import { describeDecoders, provenance } from './provenance.js';
import { decodedToShell } from './shell-text.js';
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

/** IPython shell methods that run Python source: the argument that holds it. */
const IPYTHON_EXEC: Record<string, number> = { run_cell: 0, run_cell_async: 0, ex: 0, ev: 0, run_code: 0, runcode: 0, run_source: 0 };
/** Magics whose text IPython runs as Python (`%time x`, `%%capture` …): the text's argument. */
const PYTHON_MAGICS = /^(?:time|timeit|prun|capture|python[23]?|pypy)$/;

/** The code argument of an IPython shell call that runs Python (`get_ipython().run_cell(src)`), if it is one. */
function ipythonExec(model: PythonModule, call: Call): { method: string; payload?: Expr } | undefined {
  const method = ipythonMethod(model, call);
  if (method === undefined) return undefined;
  if (Object.hasOwn(IPYTHON_EXEC, method))
    return { method, payload: call.args[IPYTHON_EXEC[method]!] ?? call.kwargs.find((k) => k.name === 'raw_cell' || k.name === 'code_obj')?.value };
  const magic = call.args[0] ? staticString(model, call.args[0]) : undefined;
  if (magic === undefined || !PYTHON_MAGICS.test(magic)) return undefined;
  if (method === 'run_line_magic') return { method, payload: call.args[1] };
  if (method === 'run_cell_magic') return { method, payload: call.args[2] };
  return undefined;
}

/** Every call that runs Python source or a code object, in source order. */
export function execSinks(model: PythonModule): ExecSink[] {
  const sinks: ExecSink[] = [];
  for (const call of model.calls) {
    const callee = resolve(model, call.callee);
    if (!callee) continue;
    if (!isCodeExec(callee.path)) {
      const ipy = ipythonExec(model, call);
      if (ipy) sinks.push({ call, name: `get_ipython().${ipy.method}`, callee, payload: ipy.payload });
      continue;
    }
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
    const only = b.length === 1 ? b[0] : undefined;
    return only?.kind === 'value' && readsLocalFile(model, only.value, hops + 1);
  }
  if (e.k !== 'call' || e.callee.k !== 'attr' || !READERS.has(e.callee.attr)) return false;
  const opener = e.callee.object;
  return opener.k === 'call' && OPENERS.has(calleePath(model, opener) ?? '') && opener.args[0] !== undefined && evaluate(model, opener.args[0]) !== undefined;
}

/** The outermost of nested-or-disjoint spans, sorted by start. */
function coveringSpans(spans: Span[]): Span[] {
  const sorted = [...spans].sort((a, b) => a.at - b.at || b.end - a.end);
  const out: Span[] = [];
  for (const s of sorted) if (out.length === 0 || s.at >= out[out.length - 1]!.end) out.push(s);
  return out;
}

/** Literal pieces, and characters of assembled code, looked at for split names. */
const MAX_PIECES = 2_000;
const MAX_SPLIT_TEXT = 64 * 1024;

/**
 * Names in statically assembled code that no literal piece it is built from holds whole:
 * `''.join(['im', 'port os; os.sys', 'tem(…)'])`, `chr(111) + chr(115)`. Code written as one
 * literal is readable as it stands; cutting its names apart only hides them from a reader.
 */
function splitNames(model: PythonModule, payload: Expr, value: Value): string[] {
  if (value.k !== 'str' && value.k !== 'bytes') return [];
  const pieces: string[] = [];
  walkFlow(model, payload, (x) => {
    if (pieces.length >= MAX_PIECES) return false;
    if (x.k === 'str') pieces.push(x.value);
    else if (x.k === 'bytes') pieces.push(x.value.toString('latin1'));
    else if (x.k === 'fstr') pieces.push(...x.parts.filter((p): p is string => typeof p === 'string'));
  });
  const whole = pieces.join('\0');
  const text = value.v.toString('latin1').slice(0, MAX_SPLIT_TEXT);
  const names = new Set(text.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []);
  return [...names].filter((n) => !whole.includes(n)).slice(0, 5);
}

/** How severe running this payload is, and why. */
function grade(model: PythonModule, payload: Expr | undefined): { severity: Severity; why: string } {
  if (!payload) return { severity: 'medium', why: 'with arguments known only at run time' };
  const from = provenance(model, payload);
  const value = evaluate(model, payload);
  const preview = value && (value.value.k === 'str' || value.value.k === 'bytes') ? `: ${shorten(value.value.v.toString('latin1'), 120)}` : '';
  if (from.decoders.size > 0) return { severity: 'critical', why: `data decoded by ${describeDecoders(from.decoders)}${preview}` };
  if (from.network) return { severity: 'critical', why: `code fetched over the network (${from.network})` };
  if (value) {
    const split = splitNames(model, payload, value.value);
    if (split.length > 0) return { severity: 'high', why: `code assembled at run time that hides the names ${split.join(', ')}${preview}` };
    return { severity: 'low', why: `a literal${preview}` };
  }
  if (readsLocalFile(model, payload))
    return { severity: 'low', why: 'code read from a named local file, as an import would (that file is scanned on its own)' };
  return { severity: 'medium', why: 'data known only at run time' };
}

/** exec/eval/compile of decoded, downloaded or computed data. */
export const dynamicExec: Rule<PythonModule> = {
  meta: {
    id: 'python/dynamic-exec',
    version: 3,
    defaultSeverity: 'critical',
    title: 'Python runs code from decoded or computed data',
    description:
      "The code calls exec, eval, compile or execfile (or IPython\u2019s run_cell, ex, ev and Python-running magics), or hands a shell command to os.system, subprocess, IPython\u2019s system/getoutput and the like. Running data decoded from base64, hex, zlib, gzip, bz2, marshal or a codec such as rot13, or fetched over the network, is how malicious model code hides its payload: critical. Running other computed data with exec or eval is medium (ordinary shell commands are not reported); running a plain literal is low (the literal is scanned as Python on its own), but code assembled from pieces that cut its names apart ('im' + 'port', chr codes) is high. A shell that runs text it decodes itself (`echo … | base64 -d | sh`, `L=$(… | base64 -d); eval \"$L\"`) is critical.",
    docs: 'docs/rules/python-dynamic-exec.md',
    references: ['MITRE ATLAS AML.T0010', 'MITRE ATLAS AML.T0011', 'OWASP LLM03:2025', 'CWE-94', 'CWE-95', 'CWE-506'],
  },
  check(model, ctx) {
    const sinks = execSinks(model);
    const payloads = coveringSpans(sinks.flatMap((s) => (s.payload ? [s.payload] : [])));
    const starts = payloads.map((p) => p.at);
    for (const sink of sinks) {
      // exec(compile(x)) is one act: the outermost call speaks for it.
      const cover = payloads[floorIndex(starts, sink.call.at)];
      if (cover && cover.at <= sink.call.at && sink.call.end <= cover.end) continue;
      const { severity, why } = grade(model, sink.payload);
      // Exported notebooks are full of `run_line_magic('time', 'train()')`: a literal there is the notebook's own code.
      if (severity === 'low' && sink.name.endsWith('_magic')) continue;
      const { location, where } = place(model, sink.call);
      ctx.report({
        severity,
        message: `${sink.name} at ${where} runs ${why}${reachedThrough(sink.callee)}`,
        location,
        evidence: snippet(model, sink.call),
      });
    }
    // A shell runs what it is given just as exec does: a decoded or downloaded command hides it.
    for (const call of model.calls) {
      const path = calleePath(model, call);
      const runner = shellRunner(path);
      const ipy = runner ? undefined : ipythonMethod(model, call);
      const command = runner ? call.args[runner.arg] : ipy === 'system' || ipy === 'getoutput' ? call.args[0] : undefined;
      if (!command) continue;
      const from = provenance(model, command);
      if (from.decoders.size === 0 && !from.network) continue;
      const value = evaluate(model, command)?.value;
      const preview = value?.k === 'str' || value?.k === 'bytes' ? `: ${shorten(value.v.toString('latin1'), 120)}` : '';
      const { location, where } = place(model, call);
      const why = from.decoders.size > 0 ? `decoded by ${describeDecoders(from.decoders)}` : `fetched over the network (${from.network})`;
      const by = runner ? path : `get_ipython().${ipy}`;
      ctx.report({ severity: 'critical', message: `${by} at ${where} runs a shell command ${why}${preview}`, location, evidence: snippet(model, call) });
    }
    // A shell decodes and runs text of its own: `echo … | base64 -d | sh`, `L=$(… | base64 -d); eval "$L"`.
    const decoded = new Map<string, string>();
    for (const use of shellUses(model)) {
      const why = decodedToShell(use.text, decoded);
      if (!why) continue;
      const { location, where } = place(model, use);
      ctx.report({ severity: 'critical', message: `${use.via} at ${where} ${why}: ${shorten(use.text, 120)}`, location, evidence: shorten(use.text) });
    }
  },
};
