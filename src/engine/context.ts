import type { ByteSource } from '../core/byte-source.js';
import { ModelgateError } from '../core/errors.js';
import type { Siblings } from '../core/artifact.js';
import type { Finding } from '../core/finding.js';
import type { Limits } from '../core/limits.js';
import { MALFORMED_CONTAINER } from '../detectors/container/index.js';
import { ruleFinding } from '../detectors/finding.js';
import type { RuleMeta } from '../detectors/rule.js';
import type { PickleStream } from '../formats/pickle/model.js';
import type { Rule, RuleReport } from '../detectors/types.js';
import type { Room } from '../formats/compressed/output.js';

export type { SiblingFile } from '../core/artifact.js';

/** Watches what a scan reads; `modelgate inspect` prints pickle streams through this. */
export interface ScanObserver {
  pickleStreams(target: string, source: ByteSource, streams: readonly PickleStream[]): void;
}

/** Decompressed bytes produced so far for one file, shared by all its members. */
export interface Budget {
  decompressed: number;
}

/**
 * Scans content in a context and returns its format name: the kernel's dispatcher, which
 * sniffs the bytes and hands them to the format's handler.
 */
export type Dispatch = (source: ByteSource, ctx: ScanContext) => string;

/** The dispatcher contexts use when none is given: the format registry's (src/engine/dispatch.ts). */
let kernelDispatch: Dispatch | undefined;

/** Installs the dispatcher of the format registry; done once by the engine when it loads. */
export function installDispatch(dispatch: Dispatch): void {
  kernelDispatch = dispatch;
}

/**
 * Where the engine is while scanning one file: the finding target (`file!/member`), the
 * nesting depth, the limits, and the sink findings go to.
 */
export class ScanContext {
  constructor(
    readonly target: string,
    readonly limits: Limits,
    readonly findings: Finding[],
    readonly budget: Budget,
    readonly depth = 0,
    readonly observer?: ScanObserver,
    /**
     * Files beside the scanned file on disk, by plain name (no folders), for formats that
     * refer to them: a config's `auto_map` names the `.py` file loading would import, an ONNX
     * model its external data. Undefined inside archives and for names that are not there.
     */
    readonly sibling?: Siblings,
    /** How members are scanned; the format registry's dispatcher unless a test gives another. */
    private readonly dispatch?: Dispatch,
  ) {}

  /** The file name of the innermost target (`a.zip!/x/config.json` → `config.json`). */
  get name(): string {
    const inner = this.target.slice(this.target.lastIndexOf('!/') + 1);
    return inner.slice(inner.lastIndexOf('/') + 1);
  }

  /** The context of a member: target `parent!/member`, one level deeper. */
  member(name: string): ScanContext {
    return new ScanContext(`${this.target}!/${name}`, this.limits, this.findings, this.budget, this.depth + 1, this.observer, undefined, this.dispatch);
  }

  /** The same target one level deeper: a compression layer adds depth but no member name. */
  layer(): ScanContext {
    return new ScanContext(this.target, this.limits, this.findings, this.budget, this.depth + 1, this.observer, this.sibling, this.dispatch);
  }

  /** This context with its findings going to `findings` instead, for callers that sort them first. */
  withFindings(findings: Finding[]): ScanContext {
    return new ScanContext(this.target, this.limits, findings, this.budget, this.depth, this.observer, this.sibling, this.dispatch);
  }

  /** A fresh top-level context for another file (`target`), reporting into `findings`. */
  detached(target: string, findings: Finding[]): ScanContext {
    return new ScanContext(target, this.limits, findings, { decompressed: 0 }, 0, undefined, undefined, this.dispatch);
  }

  /**
   * Scans content in this context (a member's bytes, a decompressed layer) through the format
   * registry, and returns its format name. Containers recurse through this, never by importing
   * the dispatcher.
   */
  scan(source: ByteSource): string {
    const dispatch = this.dispatch ?? kernelDispatch;
    if (!dispatch) throw new ModelgateError('UNSUPPORTED', 'no format registry is installed: import the engine through src/engine/index.ts');
    return dispatch(source, this);
  }

  /** Scans a member's bytes as `target!/name`, one level deeper. */
  scanMember(source: ByteSource, name: string): string {
    return this.member(name).scan(source);
  }

  /** Reports an error that ended the analysis of this content, as a fatal finding. */
  fatal(e: unknown, what: string): void {
    const err = e instanceof ModelgateError ? e : new ModelgateError('MALFORMED', e instanceof Error ? e.message : String(e), { cause: e });
    this.report(MALFORMED_CONTAINER, {
      message: `${what}: ${err.message}`,
      location: err.offset === undefined ? undefined : { offset: err.offset },
      fatal: true,
      code: err.code,
    });
  }

  /** Records a finding of a rule. */
  report(meta: RuleMeta, r: RuleReport): void {
    this.findings.push(ruleFinding(meta, this.target, r));
  }

  /** Runs rules over a model, reporting into this context. */
  runRules<M>(rules: ReadonlyArray<Rule<M>>, model: M): void {
    for (const rule of rules) rule.check(model, { report: (r) => this.report(rule.meta, r) });
  }

  /**
   * How many bytes the next decompression may produce, and the limit that caps it: one member
   * may not pass maxMemberBytes, and the whole file may not pass maxDecompressedBytes.
   */
  decompressionRoom(): Room {
    const left = Math.max(0, this.limits.maxDecompressedBytes - this.budget.decompressed);
    const ratio = { max: this.limits.maxCompressionRatio, grace: this.limits.ratioGraceBytes };
    return this.limits.maxMemberBytes < left
      ? { bytes: this.limits.maxMemberBytes, code: 'LIMIT_MEMBER_BYTES', ratio }
      : { bytes: Math.max(1, left), code: 'LIMIT_DECOMPRESSED_BYTES', ratio };
  }

  /** Counts decompressed output against the file's budget; throws a limit error when over. */
  chargeDecompressed(bytes: number, compressed: number): void {
    this.budget.decompressed += bytes;
    if (this.budget.decompressed > this.limits.maxDecompressedBytes) {
      throw new ModelgateError('LIMIT_DECOMPRESSED_BYTES', `decompressed output passed ${this.limits.maxDecompressedBytes} bytes`);
    }
    if (bytes > this.limits.ratioGraceBytes && bytes / Math.max(1, compressed) > this.limits.maxCompressionRatio) {
      throw new ModelgateError(
        'LIMIT_RATIO',
        `compression ratio ${Math.round(bytes / Math.max(1, compressed))}:1 is over ${this.limits.maxCompressionRatio}:1`,
      );
    }
  }
}

/** A content handler: scans a source it was given and returns the format name it found. */
export type ContentScanner = (source: ByteSource, ctx: ScanContext) => string;
