import { createHash } from 'node:crypto';
import { inflateSync } from 'node:zlib';
import { BufferSource, type ByteSource } from '../../core/byte-source.js';
import { isModelgateError } from '../../core/errors.js';
import type { Finding } from '../../core/finding.js';
import { maxSeverity, type Severity } from '../../core/severity.js';
import { MALFORMED_CONTAINER } from '../../detectors/container/index.js';
import { importCommands } from '../../detectors/python/commands.js';
import { execSinks } from '../../detectors/python/dynamic-exec.js';
import { EMBEDDED_MODEL } from '../../detectors/python/embedded-model.js';
import { PYTHON_RULES } from '../../detectors/python/index.js';
import { decoderOf } from '../../detectors/python/provenance.js';
import { snippet } from '../../detectors/python/report.js';
import type { RuleReport } from '../../detectors/types.js';
import type { CodeCommand } from '../../formats/hfconfig/model.js';
import type { PickleStream } from '../../formats/pickle/model.js';
import { INERT_MEDIA_AND_DATA_FORMATS } from '../../formats/inert/names.js';
import { isOpcode } from '../../formats/pickle/parse.js';
import { embeddedBlobs } from '../../formats/python/embedded.js';
import { evaluate } from '../../formats/python/evaluate.js';
import { flowExhausted, MAX_FLOW_PER_MODULE } from '../../formats/python/flow.js';
import type { Expr, PythonModule, Span } from '../../formats/python/model.js';
import { isMostlyErrors, MAX_PYTHON_SOURCE_BYTES, parsePython } from '../../formats/python/parse.js';
import { calleePath } from '../../formats/python/resolve.js';
import { isPythonReady } from '../../formats/python/runtime.js';
import { looksLikePython } from '../../formats/python/sniff.js';
import { decodeSource, plainLocator } from '../../formats/python/source.js';
import { ScanContext } from '../context.js';
import { sniff } from '../sniff.js';
import { scanPickle } from './pickle.js';

export { initPython } from '../../formats/python/runtime.js';
export { looksLikePython };

/** Findings listed per rule and file; the rest are counted in one more finding of that rule. */
const MAX_FINDINGS_PER_RULE = 50;

/**
 * Where a finding at a model offset belongs: the context to report in and the offset there.
 * A Python file reports everything in its own context; a notebook routes each offset to the
 * cell it falls in.
 */
export type Router = (offset: number | undefined) => { ctx: ScanContext; offset: number | undefined };

/** Reports that this content was not analysed at all; it is then never clean. */
function refuse(ctx: ScanContext, code: 'UNSUPPORTED' | 'LIMIT_DEPTH' | 'MALFORMED', message: string): void {
  ctx.report(MALFORMED_CONTAINER, { message, fatal: true, code });
}

/** Fails closed when the parser is missing or the nesting is too deep; true when analysis may go on. */
export function readyToAnalyse(ctx: ScanContext, what: string): boolean {
  if (ctx.depth > ctx.limits.maxNestingDepth) {
    refuse(ctx, 'LIMIT_DEPTH', `nested more than ${ctx.limits.maxNestingDepth} levels deep; not read further`);
    return false;
  }
  if (!isPythonReady()) {
    refuse(ctx, 'UNSUPPORTED', `${what} was not analysed: the Python parser is not initialised (initPython was not awaited)`);
    return false;
  }
  return true;
}

/**
 * Runs the python rules over a parsed module, then scans what it carries: model bytes in
 * literals, code handed to exec/eval (even when decoded first), and bytes handed to loaders.
 */
export function analysePython(model: PythonModule, ctx: ScanContext, route: Router): void {
  for (const rule of PYTHON_RULES) {
    let count = 0;
    let worst: Severity = 'info';
    rule.check(model, {
      report: (r: RuleReport) => {
        if (++count > MAX_FINDINGS_PER_RULE) return void (worst = maxSeverity(worst, r.severity ?? rule.meta.defaultSeverity));
        const to = route(r.location?.offset);
        to.ctx.report(rule.meta, to.offset === undefined ? r : { ...r, location: { ...r.location, offset: to.offset } });
      },
    });
    if (count > MAX_FINDINGS_PER_RULE) {
      ctx.report(rule.meta, { severity: worst, message: `${count - MAX_FINDINGS_PER_RULE} more findings of this rule in this file were not listed` });
    }
  }
  if (flowExhausted(model)) {
    ctx.report(MALFORMED_CONTAINER, {
      message: `data flow past ${MAX_FLOW_PER_MODULE} steps was not followed; findings may be missing`,
      fatal: true,
      code: 'LIMIT_OPCODES',
    });
  }
  if (model.syntax.tooDeep) {
    ctx.report(MALFORMED_CONTAINER, {
      message: 'Python syntax nested past the walking bound; the deepest part was not analysed',
      fatal: true,
      code: 'LIMIT_DEPTH',
    });
  }
  scanCarried(model, route);
}

/**
 * Scans a Python source: bounded in size, decoded as CPython would (PEP 3120/263), parsed
 * with tree-sitter and checked by the python rules. Returns `python`, or `text` when most of
 * it does not parse. Never executes anything; fails closed when `initPython` was not awaited.
 */
export function scanPython(source: ByteSource, ctx: ScanContext): string {
  if (!readyToAnalyse(ctx, 'Python source')) return 'python';
  const limit = Math.min(MAX_PYTHON_SOURCE_BYTES, ctx.limits.maxMemberBytes);
  let bytes = source.read(0, Math.min(source.size, limit));
  if (source.size > limit) {
    ctx.report(MALFORMED_CONTAINER, {
      message: `Python source of ${source.size} bytes is over the ${limit}-byte limit; only the first ${limit} bytes were analysed`,
      fatal: true,
      code: 'LIMIT_MEMBER_BYTES',
    });
    // Analyse whole lines only: a cut line would parse as an error.
    const cut = bytes.lastIndexOf(0x0a);
    if (cut > 0) bytes = bytes.subarray(0, cut + 1);
  }
  if (bytes.includes(0)) {
    // CPython refuses source with NUL bytes; this is not Python text at all.
    refuse(ctx, 'MALFORMED', 'named or taken as Python source, but holds NUL bytes (binary content); not analysed');
    return 'other';
  }
  const decoded = decodeSource(bytes);
  if (decoded.unsupportedEncoding !== undefined) {
    refuse(ctx, 'UNSUPPORTED', `declares the source encoding ${decoded.unsupportedEncoding}, which modelgate does not decode; analysed as Latin-1`);
  }
  let model: PythonModule;
  try {
    model = parsePython(decoded.text, { locate: plainLocator(decoded) });
  } catch (e) {
    // The parser itself failed (out of WebAssembly memory, say): nothing was analysed.
    refuse(
      ctx,
      isModelgateError(e, 'UNSUPPORTED') ? 'UNSUPPORTED' : 'MALFORMED',
      `Python source could not be parsed: ${e instanceof Error ? e.message : String(e)}`,
    );
    return 'python';
  }
  analysePython(model, ctx, (offset) => ({ ctx, offset }));
  return isMostlyErrors(model.syntax) ? 'text' : 'python';
}

/**
 * The shell commands and processes a Python module starts, each marked when it runs on
 * import; undefined when the bytes are not Python source the parser can read (binary, over
 * the size limit, parser not ready). For modules a loader imports (remote code), where any
 * process is out of place.
 */
export function moduleCommands(bytes: Buffer): CodeCommand[] | undefined {
  if (!isPythonReady() || bytes.length > MAX_PYTHON_SOURCE_BYTES || bytes.includes(0)) return undefined;
  const decoded = decodeSource(bytes);
  let model: PythonModule;
  try {
    model = parsePython(decoded.text, { locate: plainLocator(decoded) });
  } catch {
    return undefined;
  }
  if (isMostlyErrors(model.syntax)) return undefined;
  return importCommands(model).map((u) => ({ text: u.text, via: u.via, where: model.locate(u.at).where, onImport: u.onImport }));
}

/** Formats whose magic is long or structured enough to trust inside a literal. */
const STRONG_MAGIC = new Set(['zip', '7z', 'gzip', 'bz2', 'xz', 'zstd', 'npy', 'pickle', 'tar', 'hdf5', 'gguf']);

/** Opcodes protocol 0/1 pickles begin with (pickletools): MARK, GLOBAL, containers, scalars. */
const PROTOCOL0_FIRST = new Set([...'(c]})NIFLSVKJUTGX'].map((c) => c.charCodeAt(0)));

/** What model format `bytes` are in, or undefined; `pickle0` is a protocol 0/1 pickle to probe. */
export function modelKind(bytes: Buffer): string | undefined {
  const kind = sniff(bytes.subarray(0, 512), bytes.length);
  if (STRONG_MAGIC.has(kind)) return kind;
  if (kind === 'zlib') {
    // A two-byte magic: trust it only when the stream really inflates.
    try {
      inflateSync(bytes, { maxOutputLength: 64 * 1024 });
      return 'zlib';
    } catch (e) {
      if ((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') return 'zlib';
    }
  }
  // Protocols 0 and 1 have no magic: an opcode they begin with first, STOP last.
  const opener = bytes[0];
  if (opener !== undefined && PROTOCOL0_FIRST.has(opener) && isOpcode(opener) && bytes[bytes.length - 1] === 0x2e) return 'pickle0';
  return undefined;
}

/** Formats the dispatcher names for content that is no model (before any `-gzip`-like suffix). */
export const NOT_MODELS = new Set(['other', 'text', 'json', 'image', 'empty', 'python', 'ipynb', 'nested', ...INERT_MEDIA_AND_DATA_FORMATS]);

/** Callables that unpickle or load the bytes they are given (or a BytesIO over them). */
const LOADERS = new Set([
  'pickle.loads',
  'pickle.load',
  'dill.loads',
  'dill.load',
  'cloudpickle.loads',
  'joblib.load',
  'torch.load',
  'numpy.load',
  'pandas.read_pickle',
]);

function staticBytesOf(model: PythonModule, e: Expr | undefined): Buffer | undefined {
  const v = e ? evaluate(model, e)?.value : undefined;
  return v?.k === 'bytes' ? v.v : v?.k === 'str' ? Buffer.from(v.v, 'utf8') : undefined;
}

/**
 * Scans embedded bytes as a member. Bytes the code hands to a loader must be a readable model;
 * a literal nothing loads is only data in the source, so a break in it does not make the
 * Python file an error: its fatal findings are kept as info.
 */
export function scanMember(bytes: Buffer, kind: string, ctx: ScanContext, name: string, loaded: boolean): { format: string | undefined; acts: boolean } {
  const found: Finding[] = [];
  const member = ctx.member(name).withFindings(found);
  let acts = true;
  // A text that happens to parse as a pickle but imports and calls nothing is no payload.
  const onStreams = (streams: PickleStream[]): void => void (acts = streams.some((st) => st.imports.length + st.calls.length > 0));
  const format = kind === 'pickle0' ? scanPickle(new BufferSource(bytes), member, { probe: true, onStreams }) : member.scan(new BufferSource(bytes));
  for (const f of found) {
    if (!f.fatal || loaded) ctx.findings.push(f);
    else ctx.findings.push({ ...f, fatal: undefined, code: undefined, severity: 'info', message: `${f.message} (in a literal this code does not load)` });
  }
  return { format, acts };
}

/**
 * Scans what the code carries: bytes handed to loaders, model bytes in literals (raw, base64,
 * hex), code handed to exec/eval, and other statically decoded text that is Python. Each
 * distinct payload is scanned once, under `<embedded@offset>` or `<code@offset>`.
 */
function scanCarried(model: PythonModule, route: Router): void {
  const seen = new Set<string>();
  const firstTime = (bytes: Buffer): boolean => {
    const key = createHash('sha256').update(bytes).digest('hex');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  };
  const at = (e: { at: number }) => route(model.locate(e.at).offset);
  const blob = (bytes: Buffer, span: Span, what: string, options: { loaded?: boolean; text?: boolean } = {}): void => {
    const kind = modelKind(bytes);
    // Plain text is only ever a protocol 0 pickle: "GGUF model …" is a sentence, not a magic.
    if (!kind || (options.text && kind !== 'pickle0') || !firstTime(bytes)) return;
    const to = at(span);
    const name = `<embedded@${to.offset ?? 0}>`;
    const { format, acts } = scanMember(bytes, kind, to.ctx, name, options.loaded ?? false);
    // Compressed text is no model: only say so when a model format was found inside.
    if (format === undefined || NOT_MODELS.has(format.split('-')[0]!) || !acts) return;
    to.ctx.report(EMBEDDED_MODEL, {
      message: `${what} at ${model.locate(span.at).where} holds ${format} data (${bytes.length} bytes); scanned as ${name}`,
      location: { offset: to.offset },
      evidence: snippet(model, span, 80),
    });
  };
  for (const call of model.calls) {
    if (!LOADERS.has(calleePath(model, call) ?? '')) continue;
    let arg = call.args[0];
    if (arg?.k === 'call' && calleePath(model, arg) === 'io.BytesIO') arg = arg.args[0];
    const bytes = staticBytesOf(model, arg);
    if (bytes) blob(bytes, arg!, `data handed to ${calleePath(model, call)}`, { loaded: true });
  }
  for (const b of embeddedBlobs(model)) blob(b.bytes, b, b.encoding === 'raw' ? 'a literal' : `a ${b.encoding} literal`, { text: b.text });
  const code = (e: Expr, bytes: Buffer): void => {
    if (modelKind(bytes)) return blob(bytes, e, 'decoded data');
    if (!firstTime(bytes)) return;
    const to = at(e);
    scanPython(new BufferSource(bytes), to.ctx.member(`<code@${to.offset ?? 0}>`));
  };
  for (const sink of execSinks(model)) {
    const bytes = staticBytesOf(model, sink.payload);
    if (bytes) code(sink.payload!, bytes);
  }
  for (const call of model.calls) {
    if (!decoderOf(model, call)) continue;
    const bytes = staticBytesOf(model, call);
    if (bytes && (looksLikePython(bytes.subarray(0, 512), '') || modelKind(bytes))) code(call, bytes);
  }
}
