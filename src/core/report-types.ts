import type { Finding, Verdict } from './finding.js';
import type { Severity } from './severity.js';

/** One file on disk (or of a repo): REPORT.md `files[]`. */
export interface FileResult {
  path: string;
  /** Index in `targets`, present when there are several targets. */
  targetIndex?: number;
  /** What the content is, detected from bytes: `pickle`, `pytorch-zip`, `npy`, `other`... */
  format: string;
  size: number;
  sha256?: string;
  sha256Source?: 'computed' | 'hub-lfs';
  verdict: Verdict;
  findings: Finding[];
}

export interface ScanSummary {
  files: number;
  malicious: number;
  suspicious: number;
  clean: number;
  error: number;
  maxSeverity: Severity | null;
  durationMs: number;
}

/** The whole scan report, `modelgate/report@1` (REPORT.md). */
export interface ScanResult {
  schema: 'modelgate/report@1';
  tool: { name: 'modelgate'; version: string };
  targets: string[];
  summary: ScanSummary;
  findings: Finding[];
  files: FileResult[];
}
