import type { ScanResult } from '../core/report-types.js';
import { severityRank, type Severity } from '../core/severity.js';

/**
 * Exit codes of `modelgate scan` (REPORT.md). INTERNAL is a scan that could not run at all: a
 * crash, or a permission Node's permission model did not grant; never 1, which means findings.
 */
export const EXIT = { OK: 0, FINDINGS: 1, ERROR: 2, INTERNAL: 3 } as const;

/** A line for standard error about an error no command expected (a crash, a refused permission). */
export function internalErrorText(e: unknown): string {
  const err = e as { code?: unknown; permission?: unknown; resource?: unknown; message?: unknown; stack?: unknown };
  if (err?.code === 'ERR_ACCESS_DENIED') {
    const what = [err.permission, err.resource].filter((x) => typeof x === 'string').join(' ');
    return `modelgate: internal error: Node's permission model refused ${what || 'an operation'} (${String(err.message)})\n`;
  }
  const text = typeof err?.stack === 'string' ? err.stack : String(err?.message ?? e);
  return `modelgate: internal error: ${text}\n`;
}

/** 1 when a finding reaches `failOn`; else 2 when a file could not be fully read; else 0. */
export function scanExitCode(result: ScanResult, failOn: Severity): number {
  const threshold = severityRank(failOn);
  const all = [...result.findings, ...result.files.flatMap((f) => f.findings)];
  if (all.some((f) => severityRank(f.severity) >= threshold)) return EXIT.FINDINGS;
  if (result.files.some((f) => f.verdict === 'error')) return EXIT.ERROR;
  return EXIT.OK;
}
