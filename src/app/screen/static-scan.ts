import { createHash } from 'node:crypto';
import { lstatSync, realpathSync } from 'node:fs';
import { ModelgateError } from '../../core/errors.js';
import { type Finding, verdictOf } from '../../core/finding.js';
import type { FileResult, ScanResult, ScanSummary } from '../../core/report-types.js';
import { maxSeverity, type Severity } from '../../core/severity.js';
import { scan } from '../scan.js';

/** A link is followed, as reading the model to run it does, so both read the same file. */
function followLink(path: string): string {
  try {
    return lstatSync(path).isSymbolicLink() ? realpathSync(path) : path;
  } catch {
    // A missing file is reported by the scan itself (UNREADABLE).
    return path;
  }
}

/**
 * The static scan of a model file, run before the model is: the one place screening calls
 * the scan kernel. Throws UNREADABLE when the file does not exist.
 */
export async function staticScan(path: string): Promise<ScanResult> {
  return scan([followLink(path)]);
}

/**
 * Why the model is not to be run, when the static findings already decide: a malicious
 * verdict stands whatever screening would add (and the interpreter refuses what makes an ONNX
 * model malicious, custom operators and external data), and a file the static scan could not
 * read to its end is not one to run either.
 */
export function notRunReason(scanned: ScanResult): string | undefined {
  const verdict = scanned.files[0]?.verdict;
  if (verdict === 'malicious') return 'the static scan finds the model malicious';
  if (verdict === 'error') return 'the static scan could not read the model to its end';
  return undefined;
}

/** Counts by verdict and the worst severity of `files` and target-level `findings`. */
function summaryOf(files: readonly FileResult[], findings: readonly Finding[], durationMs: number): ScanSummary {
  let worst: Severity | null = null;
  for (const f of [...findings, ...files.flatMap((file) => file.findings)]) worst = worst === null ? f.severity : maxSeverity(worst, f.severity);
  const count = (v: FileResult['verdict']): number => files.filter((f) => f.verdict === v).length;
  return {
    files: files.length,
    malicious: count('malicious'),
    suspicious: count('suspicious'),
    clean: count('clean'),
    error: count('error'),
    maxSeverity: worst,
    durationMs: Math.round(durationMs),
  };
}

/**
 * The report of a screened model: the static scan's result with the screening `findings`
 * first in the model's file result, then the static ones; the verdict and summary account for
 * both. The SHA-256 is that of `modelBytes`, the bytes that were run; when the static scan
 * hashed the file too they must agree, else the file changed in between (UNREADABLE).
 */
export function screenReport(scanned: ScanResult, modelBytes: Buffer, findings: Finding[], durationMs: number): ScanResult {
  const [file, ...others] = scanned.files;
  if (!file || others.length > 0) throw new ModelgateError('UNREADABLE', `${scanned.targets.join(', ')} is not one model file`);
  const sha256 = createHash('sha256').update(modelBytes).digest('hex');
  if (file.sha256 !== undefined && file.sha256 !== sha256) throw new ModelgateError('UNREADABLE', `${file.path} changed between the static scan and screening`);
  const all = [...findings, ...file.findings];
  const screened: FileResult = {
    path: file.path,
    format: file.format,
    size: modelBytes.length,
    sha256,
    sha256Source: 'computed',
    verdict: verdictOf(all),
    findings: all,
  };
  return { ...scanned, summary: summaryOf([screened], scanned.findings, durationMs), files: [screened] };
}
