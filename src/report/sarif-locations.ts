import { createHash } from 'node:crypto';
import { isAbsolute, join, normalize, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ArtifactLocation, Region } from 'sarif';
import type { Finding } from '../core/finding.js';
import type { FileResult, ScanResult } from '../core/report-types.js';

/**
 * The base id of URIs relative to the SARIF root: the name GitHub code scanning and CodeQL use
 * for the root of the checked-out repository. Its absolute location is left out of the log, so
 * that the log names no folder of the machine that wrote it (SARIF 2.1.0 §3.14.14 allows that).
 */
export const SRCROOT = '%SRCROOT%';
/** The base id of paths in a Hugging Face repo. */
export const HFREPO = 'HFREPO';

/** How artifact URIs are made (SARIF options of `modelgate scan`). */
export interface SarifLocationOptions {
  /** Absolute folder that artifact URIs are relative to (`--sarif-root`). */
  root?: string;
  /** Absolute folder that relative targets are relative to (the scan's working folder; default `root`). */
  cwd?: string;
  /** For each target, whether it is a folder (its files' paths are relative to it). */
  directoryTargets?: readonly boolean[];
}

/** Where a file or target is, as SARIF and as a stable name for fingerprints. */
export interface Placed {
  location: ArtifactLocation;
  /** The path in fingerprints: relative to the root with `/`, or as the report gives it. */
  stablePath: string;
  /** The absolute path on disk of a local file, when it is known. */
  diskPath?: string;
}

/*
 * A path as a URI reference (RFC 3986): `/` separated segments, each percent-encoded, so that
 * `#`, `?`, `%`, spaces and a `:` in a first segment cannot change what the reference means.
 */
export function toUri(path: string): string {
  return path.replace(/\\/g, '/').split('/').map(encodeURIComponent).join('/');
}

function slashed(path: string): string {
  return path.split(sep).join('/');
}

/**
 * Places a local path (a target as given, or a target joined with a file's path). Under the
 * root it is a relative URI on `%SRCROOT%`; outside it (or with no root and an absolute path),
 * an absolute `file:` URI with no base, which GitHub cannot place in the repository.
 */
function placeLocal(path: string, options: SarifLocationOptions): Placed {
  const cwd = options.cwd ?? options.root;
  if (cwd === undefined) {
    const norm = normalize(path);
    if (isAbsolute(norm)) return { location: { uri: pathToFileURL(norm).href }, stablePath: slashed(norm), diskPath: norm };
    return { location: { uri: toUri(slashed(norm)), uriBaseId: SRCROOT }, stablePath: slashed(norm) };
  }
  const absolute = resolve(cwd, path);
  const rel = options.root === undefined ? undefined : relative(options.root, absolute);
  // The root itself (a target `.`) is `.` on the root.
  if (rel === '') return { location: { uri: '.', uriBaseId: SRCROOT }, stablePath: '.', diskPath: absolute };
  if (rel !== undefined && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel)) {
    return { location: { uri: toUri(slashed(rel)), uriBaseId: SRCROOT }, stablePath: slashed(rel), diskPath: absolute };
  }
  return { location: { uri: pathToFileURL(absolute).href }, stablePath: slashed(normalize(path)), diskPath: absolute };
}

/** Places a file of the report: under its folder target, or as given for a file target. */
export function placeFile(result: ScanResult, file: FileResult, options: SarifLocationOptions): Placed {
  if (result.source !== undefined) return { location: { uri: toUri(file.path), uriBaseId: HFREPO }, stablePath: file.path };
  const index = file.targetIndex ?? 0;
  const target = result.targets[index];
  // Without the kinds of the targets, a file whose path is its target's is a file target.
  const inFolder = options.directoryTargets?.[index] ?? (target !== undefined && file.path !== target);
  return placeLocal(inFolder && target !== undefined ? join(target, file.path) : file.path, options);
}

/** Places a target as a whole (for findings about a target). */
export function placeTarget(result: ScanResult, target: string, options: SarifLocationOptions): Placed {
  // A finding about a Hub repo as a whole is about the repo's root.
  if (result.source !== undefined) return { location: { uri: '.', uriBaseId: HFREPO }, stablePath: target };
  return placeLocal(target, options);
}

/** The 1-based line and UTF-16 column of a byte offset in UTF-8 text, or undefined for binary bytes. */
export function lineAndColumn(bytes: Uint8Array, offset: number): { line: number; column: number } | undefined {
  if (offset > bytes.length || bytes.includes(0)) return undefined;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, offset));
  } catch {
    return undefined; // not UTF-8 (or the offset splits a character): no lines to speak of
  }
  const lineStart = text.lastIndexOf('\n') + 1;
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) line++;
  return { line, column: text.length - lineStart + 1 };
}

/**
 * The region of a result. GitHub code scanning needs `startLine` on every result; a binary file
 * has no lines, so line 1 stands for the file there, and `byteOffset` (SARIF 2.1.0 §3.30.16)
 * says where in it. In a text file the line and column are the offset's own.
 */
export function regionOf(offset: number | undefined, text: { line: number; column: number } | undefined): Region {
  if (offset === undefined) return { startLine: 1 };
  if (text) return { startLine: text.line, startColumn: text.column, byteOffset: offset };
  return { startLine: 1, byteOffset: offset };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Counts fingerprint keys within one log, so equal findings in one file stay apart (`:2`, `:3`). */
export class FingerprintCounter {
  readonly #seen = new Map<string, number>();

  /**
   * The partial fingerprints of a finding: `primaryLocationLineHash`, the place within the file
   * (member path, then the evidence, else the offset and opcode index, else the message), and
   * `modelgateFinding/v1`, which adds the rule id and the stable path. Neither holds a time, an
   * absolute path under the root or anything else that changes between runs on the same bytes.
   * The log brings its own `primaryLocationLineHash` because the one upload-sarif computes
   * hashes the text of the result's line, the same for every result on line 1 of a binary file.
   */
  fingerprints(finding: Finding, stablePath: string, filePath: string | undefined): Record<string, string> {
    const member = filePath !== undefined && finding.target.startsWith(filePath) ? finding.target.slice(filePath.length) : '';
    const place =
      finding.evidence !== undefined
        ? `evidence:${finding.evidence}`
        : finding.location !== undefined
          ? `at:${finding.location.offset ?? ''}/${finding.location.opIndex ?? ''}`
          : `message:${finding.message}`;
    const inFile = sha256(`${member}\0${place}`);
    const whole = sha256(`${finding.ruleId}\0${stablePath}\0${inFile}`);
    const n = (this.#seen.get(whole) ?? 0) + 1;
    this.#seen.set(whole, n);
    return { primaryLocationLineHash: `${inFile.slice(0, 32)}:${n}`, 'modelgateFinding/v1': `${whole}:${n}` };
  }
}
