import type { Finding, Verdict } from '../../core/finding.js';
import { severityRank } from '../../core/severity.js';

/** Verdicts, worst first: the order files and counts are shown in. */
export const VERDICT_ORDER: readonly Verdict[] = ['malicious', 'suspicious', 'error', 'clean'];

/** `1234567` as `1,234,567`, the same on every machine (no locale). */
export function groupDigits(n: number): string {
  const [whole, fraction] = String(n).split('.') as [string, string?];
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}

const UNITS = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** A size for people: `512 bytes`, `417.7 MiB (438,000,000 bytes)`. */
export function formatSize(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 1024) return `${groupDigits(bytes)} ${bytes === 1 ? 'byte' : 'bytes'}`;
  let value = bytes;
  let unit = -1;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${UNITS[unit]} (${groupDigits(bytes)} bytes)`;
}

/** A duration for people: `41 ms`, `1.5 s`. */
export function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** Where in the innermost member (or file) a finding points, when the scanner knows. */
export function formatLocation(finding: Finding): string | undefined {
  const parts: string[] = [];
  if (finding.location?.offset !== undefined) parts.push(`byte offset ${groupDigits(finding.location.offset)}`);
  if (finding.location?.opIndex !== undefined) parts.push(`opcode #${finding.location.opIndex}`);
  return parts.length > 0 ? parts.join(', ') : undefined;
}

/** Findings, most severe first; equal severities keep the report's order. */
export function bySeverity(findings: readonly Finding[]): Finding[] {
  return [...findings].sort((a, b) => severityRank(b.severity) - severityRank(a.severity));
}
