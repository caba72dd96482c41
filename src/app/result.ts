import type { Finding } from '../core/finding.js';
import type { FileResult, ScanResult } from '../core/report-types.js';
import { maxSeverity, type Severity } from '../core/severity.js';
import { TOOL_VERSION } from './version.js';

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
