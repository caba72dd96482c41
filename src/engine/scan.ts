import { lstatSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { FileSource, type ByteSource } from '../core/byte-source.js';
import { ModelgateError } from '../core/errors.js';
import { type Finding, verdictOf } from '../core/finding.js';
import { withLimits, type Limits } from '../core/limits.js';
import type { FileResult, ScanResult } from '../core/report-types.js';
import { maxSeverity, type Severity } from '../core/severity.js';
import { SPECIAL_FILE, SYMLINK, UNREADABLE_FILE } from '../detectors/container/index.js';
import { TOOL_VERSION } from '../version.js';
import { ScanContext, type ScanObserver, type SiblingFile } from './context.js';
import { reportFatal, scanContent } from './content.js';
import { initPython } from './handlers/python.js';
import { HashPool } from './hash.js';
import { walkTarget, type WalkEntry } from './walk.js';

export interface ScanOptions {
  limits?: Partial<Limits>;
  /** Whole-file SHA-256 (default true). */
  hash?: boolean;
  /** Called after each file, for progress bars. */
  onProgress?: (done: number, path: string) => void;
  /** Sees every pickle stream read (for `modelgate inspect`). */
  observer?: ScanObserver;
}

/** Regular files beside `diskPath`, by plain name; nothing that leaves the folder. */
function siblingsOf(diskPath: string): (name: string) => SiblingFile | undefined {
  return (name) => {
    if (name === '' || name.includes('/') || name.includes('\\') || name === '.' || name === '..') return undefined;
    const path = join(dirname(diskPath), name);
    try {
      const st = lstatSync(path);
      return st.isFile() ? { name, size: st.size, read: () => readFileSync(path) } : undefined;
    } catch {
      return undefined;
    }
  };
}

/**
 * Scans the bytes of one file (on disk, in memory or remote) into `findings`; returns the
 * format. Handlers turn bad input into findings; an error reaching here is an I/O failure, and
 * becomes a fatal finding too.
 */
export function scanSource(
  path: string,
  source: ByteSource,
  limits: Limits,
  findings: Finding[],
  observer?: ScanObserver,
  sibling?: (name: string) => SiblingFile | undefined,
): string {
  const ctx = new ScanContext(path, limits, findings, { decompressed: 0 }, 0, observer, sibling);
  try {
    return scanContent(source, ctx);
  } catch (e) {
    reportFatal(ctx, e instanceof ModelgateError ? e : new ModelgateError('UNREADABLE', (e as Error).message, { cause: e }), 'file could not be read');
    return 'unreadable';
  }
}

function scanFile(entry: WalkEntry, limits: Limits, findings: Finding[], observer?: ScanObserver): string {
  let source: FileSource;
  try {
    source = new FileSource(entry.diskPath);
  } catch (e) {
    const ctx = new ScanContext(entry.path, limits, findings, { decompressed: 0 });
    ctx.report(UNREADABLE_FILE, { message: `cannot read: ${(e as Error).message}`, fatal: true, code: 'UNREADABLE' });
    return 'unreadable';
  }
  try {
    return scanSource(entry.path, source, limits, findings, observer, siblingsOf(entry.diskPath));
  } finally {
    source.close();
  }
}

function entryResult(entry: WalkEntry, limits: Limits, several: boolean, observer?: ScanObserver): FileResult {
  const findings: Finding[] = [];
  const ctx = new ScanContext(entry.path, limits, findings, { decompressed: 0 });
  let format: string;
  switch (entry.kind) {
    case 'symlink':
      format = 'symlink';
      ctx.report(SYMLINK, {
        severity: entry.escapes ? 'medium' : 'info',
        message: `symbolic link to ${entry.linkTarget}${entry.escapes ? ', outside the scanned target' : ''}; not followed`,
        evidence: entry.linkTarget,
      });
      break;
    case 'special':
      format = entry.special ?? 'special';
      ctx.report(SPECIAL_FILE, { message: `${format} is not a regular file and was not read`, fatal: true, code: 'SPECIAL_FILE' });
      break;
    case 'unreadable':
      format = 'unreadable';
      ctx.report(UNREADABLE_FILE, { message: `cannot read: ${entry.error}`, fatal: true, code: 'UNREADABLE' });
      break;
    case 'file':
      format = scanFile(entry, limits, findings, observer);
      break;
  }
  const result: FileResult = { path: entry.path, format, size: entry.size, verdict: verdictOf(findings), findings };
  if (several) result.targetIndex = entry.targetIndex;
  return result;
}

/**
 * Scans files and directories: the one path every caller (CLI, service, queue) takes from
 * targets to a report. Throws a ModelgateError UNREADABLE when a target does not exist.
 */
export async function scan(targets: string[], options: ScanOptions = {}): Promise<ScanResult> {
  const started = performance.now();
  // The Python parser is WebAssembly whose loading is asynchronous: load it before the
  // synchronous engine runs. The HDF5 library loads in its thread on first use (about 0.5 s),
  // so scans without HDF5 files never pay for it.
  await initPython();
  const limits = withLimits(options.limits);
  const several = targets.length > 1;
  const entries: WalkEntry[] = [];
  targets.forEach((target, i) => {
    try {
      for (const entry of walkTarget(target, i)) entries.push(entry);
    } catch (e) {
      throw new ModelgateError('UNREADABLE', `cannot read target ${target}: ${(e as Error).message}`, { cause: e });
    }
  });
  const pool = options.hash === false ? undefined : new HashPool();
  const files: FileResult[] = [];
  const hashes: Array<Promise<void>> = [];
  try {
    let done = 0;
    for (const entry of entries) {
      const result = entryResult(entry, limits, several, options.observer);
      files.push(result);
      if (pool && entry.kind === 'file' && result.format !== 'unreadable') {
        hashes.push(
          pool.hash(entry.diskPath).then(
            (hex) => {
              result.sha256 = hex;
              result.sha256Source = 'computed';
            },
            () => undefined,
          ),
        );
      }
      options.onProgress?.(++done, entry.path);
      // Let hash results arrive while scanning goes on.
      if (done % 16 === 0) await new Promise((r) => setImmediate(r));
    }
    await Promise.all(hashes);
  } finally {
    await pool?.close();
  }
  return buildResult(targets, files, [], started);
}

/** The report around `files` and target-level `findings`: counts, worst severity, duration. */
export function buildResult(targets: string[], files: FileResult[], findings: Finding[], started: number): ScanResult {
  let worst: Severity | null = null;
  for (const x of [...findings, ...files.flatMap((f) => f.findings)]) worst = worst === null ? x.severity : maxSeverity(worst, x.severity);
  const count = (v: FileResult['verdict']): number => files.filter((f) => f.verdict === v).length;
  return {
    schema: 'modelgate/report@1',
    tool: { name: 'modelgate', version: TOOL_VERSION },
    targets,
    summary: {
      files: files.length,
      malicious: count('malicious'),
      suspicious: count('suspicious'),
      clean: count('clean'),
      error: count('error'),
      maxSeverity: worst,
      durationMs: Math.round(performance.now() - started),
    },
    findings,
    files,
  };
}

/** The total count of entries a scan would report, for progress bars. */
export function countEntries(targets: string[]): number {
  let n = 0;
  targets.forEach((t, i) => {
    for (const _ of walkTarget(t, i)) n++;
  });
  return n;
}
