/** Severities of the report contract (REPORT.md), lowest first. */
export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Numeric rank of a severity, for comparisons: info = 0 … critical = 4. */
export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/** The higher of two severities. */
export function maxSeverity(a: Severity, b: Severity): Severity {
  return severityRank(a) >= severityRank(b) ? a : b;
}

/** True when `value` names a severity. */
export function isSeverity(value: string): value is Severity {
  return (SEVERITIES as readonly string[]).includes(value);
}
