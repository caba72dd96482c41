import type { ScanResult } from '../core/report-types.js';
import { severityRank, type Severity } from '../core/severity.js';

/** Exit codes of `modelgate scan` (REPORT.md). */
export const EXIT = { OK: 0, FINDINGS: 1, ERROR: 2 } as const;

/** 1 when a finding reaches `failOn`; else 2 when a file could not be fully read; else 0. */
export function scanExitCode(result: ScanResult, failOn: Severity): number {
  const threshold = severityRank(failOn);
  const all = [...result.findings, ...result.files.flatMap((f) => f.findings)];
  if (all.some((f) => severityRank(f.severity) >= threshold)) return EXIT.FINDINGS;
  if (result.files.some((f) => f.verdict === 'error')) return EXIT.ERROR;
  return EXIT.OK;
}
