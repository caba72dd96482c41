import { BufferSource } from '../../src/core/byte-source.js';
import { ModelgateError } from '../../src/core/errors.js';
import type { Finding, Verdict } from '../../src/core/finding.js';
import { withLimits, type Limits } from '../../src/core/limits.js';
import { FORMATS, ScanContext, prepareEngine, scanEntry, sniff } from '../../src/engine/index.js';
import { weakMagic } from '../../src/engine/sniff.js';

/*
 * The fuzz target: bytes scanned as one local file of the given name through the engine's
 * kernel (scanEntry, as a scan worker runs it for the CLI), with the default limits. Errors
 * that reach a fatal finding are watched here, since the kernel turns every error into one.
 */

/** An error that reached a fatal finding without the parser having made it a typed error of its own. */
export interface RawError {
  name: string;
  message: string;
  stack: string;
  /** The typed code of the fatal finding it became. */
  code: string;
}

export interface ScanOutcome {
  verdict: Verdict;
  format: string;
  /** The registry entry whose recognition takes these bytes first, or undefined for none (text, data). */
  recognisedBy: string | undefined;
  /** Codes of the fatal findings that ended up in the result. */
  fatalCodes: string[];
  /** Untyped errors that reached `ScanContext.fatal` (each is a parser bug: a crash). */
  rawErrors: RawError[];
  /** Fatal findings reported while scanning that are missing from the result (a reading's findings dropped). */
  droppedFatals: number;
  ms: number;
}

const reported: Array<{ error: unknown; code: string; finding: Finding | undefined }> = [];
let patched = false;

/**
 * Wraps `ScanContext.fatal`, the one place the engine turns an error into a fatal finding, to
 * keep the error itself: a ModelgateError made by the parser is expected; anything else (a
 * TypeError, a RangeError from an unchecked read or a runaway recursion) is a crash the
 * engine's safety net caught.
 */
function watchFatals(): void {
  if (patched) return;
  patched = true;
  const fatal = ScanContext.prototype.fatal;
  ScanContext.prototype.fatal = function (this: ScanContext, e: unknown, what: string): void {
    fatal.call(this, e, what);
    reported.push({ error: e, code: e instanceof ModelgateError ? e.code : 'MALFORMED', finding: this.findings.at(-1) });
  };
}

/**
 * The error at fault when `e` was not a typed error made on purpose: `e` itself when it is not
 * a ModelgateError, or the cause a catch-all passed through untouched (a ModelgateError whose
 * message is exactly its untyped cause's, as `new ModelgateError('MALFORMED', e.message, { cause: e })`
 * makes). A parser that wrapped an error with words of its own anticipated it.
 */
export function untypedCause(e: unknown): Error | undefined {
  for (let depth = 0; depth < 16; depth++) {
    if (!(e instanceof ModelgateError)) return e instanceof Error ? e : new Error(String(e));
    const cause: unknown = e.cause;
    if (cause === undefined) return undefined;
    if (cause instanceof ModelgateError) {
      e = cause;
      continue;
    }
    return cause instanceof Error && cause.message === e.message ? cause : undefined;
  }
  return undefined;
}

let ready: Promise<void> | undefined;

/** Loads what the engine needs first (the Python parser's WebAssembly) and watches fatal findings. */
export function prepareFuzzScan(): Promise<void> {
  watchFatals();
  ready ??= prepareEngine();
  return ready;
}

/** The registry entry that recognises `bytes` (as `dispatch` walks it), by its id; undefined for none. */
export function recognise(bytes: Buffer, name: string): string | undefined {
  const source = new BufferSource(bytes);
  const head = bytes.subarray(0, 512);
  const kind = sniff(head, bytes.length);
  const weak = weakMagic(head);
  const ctx = new ScanContext(name, withLimits(), [], { decompressed: 0 });
  for (const format of FORMATS) {
    const r = format.recognise;
    try {
      if (r.by === 'magic' ? r.magic === kind : r.by === 'weak' ? r.magic === weak && kind === weak : r.test(source, ctx, head)) return format.id;
    } catch {
      // A recognition test that throws takes nothing; the scan itself will report it.
    }
  }
  return undefined;
}

/** Scans `bytes` as the file `name`; call `prepareFuzzScan()` once first. */
export function scanBuffer(bytes: Buffer, name: string, limits: Limits = withLimits()): ScanOutcome {
  reported.length = 0;
  const started = performance.now();
  const size = bytes.length;
  const result = scanEntry(
    { path: name, targetIndex: 0, kind: 'file', size },
    { source: new BufferSource(bytes), problems: [], close: () => undefined, siblings: () => undefined },
    limits,
  );
  const ms = performance.now() - started;
  const rawErrors: RawError[] = [];
  for (const { error, code } of reported) {
    const raw = untypedCause(error);
    if (raw) rawErrors.push({ name: raw.name, message: raw.message, stack: raw.stack ?? '', code });
  }
  const kept = new Set(result.findings);
  const fatalCodes = result.findings.filter((f) => f.fatal).map((f) => f.code ?? '');
  return {
    verdict: result.verdict,
    format: result.format,
    recognisedBy: recognise(bytes, name),
    fatalCodes,
    rawErrors,
    droppedFatals: reported.filter((r) => r.finding !== undefined && !kept.has(r.finding)).length,
    ms,
  };
}
