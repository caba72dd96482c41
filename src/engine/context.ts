import type { ByteSource } from '../core/byte-source.js';
import { ModelgateError } from '../core/errors.js';
import type { Finding } from '../core/finding.js';
import type { Limits } from '../core/limits.js';
import type { RuleMeta } from '../detectors/rule.js';
import type { PickleStream } from '../formats/pickle/model.js';
import type { Rule, RuleReport } from '../detectors/types.js';

/** Watches what a scan reads; `modelgate inspect` prints pickle streams through this. */
export interface ScanObserver {
  pickleStreams(target: string, source: ByteSource, streams: readonly PickleStream[]): void;
}

/** A regular file beside the scanned one: its size, and its bytes read on demand. */
export interface SiblingFile {
  name: string;
  size: number;
  /** The whole file; check `size` against the limits before calling. */
  read(): Buffer;
}

/** Decompressed bytes produced so far for one file, shared by all its members. */
export interface Budget {
  decompressed: number;
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
    readonly sibling?: (name: string) => SiblingFile | undefined,
  ) {}

  /** The file name of the innermost target (`a.zip!/x/config.json` → `config.json`). */
  get name(): string {
    const inner = this.target.slice(this.target.lastIndexOf('!/') + 1);
    return inner.slice(inner.lastIndexOf('/') + 1);
  }

  /** The context of a member: target `parent!/member`, one level deeper. */
  member(name: string): ScanContext {
    return new ScanContext(`${this.target}!/${name}`, this.limits, this.findings, this.budget, this.depth + 1, this.observer);
  }

  /** The same target one level deeper: a compression layer adds depth but no member name. */
  layer(): ScanContext {
    return new ScanContext(this.target, this.limits, this.findings, this.budget, this.depth + 1, this.observer, this.sibling);
  }

  /** Records a finding of a rule. */
  report(meta: RuleMeta, r: RuleReport): void {
    const finding: Finding = {
      ruleId: meta.id,
      severity: r.severity ?? meta.defaultSeverity,
      message: r.message,
      target: this.target,
    };
    if (r.location) finding.location = r.location;
    if (r.evidence !== undefined) finding.evidence = r.evidence;
    if (meta.references.length > 0) finding.references = meta.references;
    if (r.fatal) finding.fatal = true;
    if (r.code !== undefined) finding.code = r.code;
    this.findings.push(finding);
  }

  /** Runs rules over a model, reporting into this context. */
  runRules<M>(rules: ReadonlyArray<Rule<M>>, model: M): void {
    for (const rule of rules) rule.check(model, { report: (r) => this.report(rule.meta, r) });
  }

  /**
   * How many bytes the next decompression may produce, and the limit that caps it: one member
   * may not pass maxMemberBytes, and the whole file may not pass maxDecompressedBytes.
   */
  decompressionRoom(): { bytes: number; code: 'LIMIT_MEMBER_BYTES' | 'LIMIT_DECOMPRESSED_BYTES' } {
    const left = Math.max(0, this.limits.maxDecompressedBytes - this.budget.decompressed);
    return this.limits.maxMemberBytes < left
      ? { bytes: this.limits.maxMemberBytes, code: 'LIMIT_MEMBER_BYTES' }
      : { bytes: Math.max(1, left), code: 'LIMIT_DECOMPRESSED_BYTES' };
  }

  /** Counts decompressed output against the file's budget; throws a limit error when over. */
  chargeDecompressed(bytes: number, compressed: number): void {
    this.budget.decompressed += bytes;
    if (this.budget.decompressed > this.limits.maxDecompressedBytes) {
      throw new ModelgateError('LIMIT_DECOMPRESSED_BYTES', `decompressed output passed ${this.limits.maxDecompressedBytes} bytes`);
    }
    if (bytes > this.limits.ratioGraceBytes && bytes / Math.max(1, compressed) > this.limits.maxCompressionRatio) {
      throw new ModelgateError('LIMIT_RATIO', `compression ratio ${Math.round(bytes / Math.max(1, compressed))}:1 is over ${this.limits.maxCompressionRatio}:1`);
    }
  }
}

/** A content handler: scans a source it was given and returns the format name it found. */
export type ContentScanner = (source: ByteSource, ctx: ScanContext) => string;
