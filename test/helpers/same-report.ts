import { expect } from 'vitest';
import type { ScanResult } from '../../src/core/report-types.js';

/** What a report says about its files, without timings. */
export const fileSummary = (r: ScanResult) =>
  r.files.map((f) => ({
    path: f.path,
    format: f.format,
    size: f.size,
    sha256: f.sha256,
    verdict: f.verdict,
    findings: f.findings.map((x) => ({ ruleId: x.ruleId, severity: x.severity, message: x.message })),
  }));

/** An offline re-scan says what the online scan said: files, totals, findings about the repo, its source; no file unread. */
export function expectSameReport(offline: ScanResult, online: ScanResult): void {
  expect(fileSummary(offline)).toEqual(fileSummary(online));
  const totals = (r: ScanResult) => ({ ...r.summary, durationMs: 0, findings: r.findings.map((f) => [f.ruleId, f.severity, f.message]) });
  expect(totals(offline)).toEqual(totals(online));
  expect(offline.source).toEqual(online.source);
  expect(offline.files.every((f) => f.verdict !== 'error')).toBe(true);
}
