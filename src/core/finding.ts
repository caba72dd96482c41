import { type Severity, severityRank } from './severity.js';

/** Where in the innermost member (or file) a finding points. */
export interface FindingLocation {
  /** Byte offset from the start of the innermost member, or of the file. */
  offset?: number;
  /** Index of the pickle opcode, counted from the start of its stream. */
  opIndex?: number;
}

/** One finding, as in the JSON report contract (REPORT.md). */
export interface Finding {
  ruleId: string;
  severity: Severity;
  message: string;
  /** File path, then `!/member` for each level of nesting. */
  target: string;
  location?: FindingLocation;
  evidence?: string;
  references?: string[];
  /** The analysis of this file or member stopped early. */
  fatal?: boolean;
  /** Typed code of a fatal finding (see core/errors.ts). */
  code?: string;
  /** Structured numbers of the finding (backdoor screening: norms, anomaly indices, target). */
  details?: Record<string, unknown>;
}

export type Verdict = 'malicious' | 'suspicious' | 'error' | 'clean';

/** The verdict of a file from its findings; the first rule of REPORT.md that applies wins. */
export function verdictOf(findings: readonly Finding[]): Verdict {
  let worst = -1;
  let fatal = false;
  for (const f of findings) {
    worst = Math.max(worst, severityRank(f.severity));
    if (f.fatal) fatal = true;
  }
  if (worst >= severityRank('high')) return 'malicious';
  if (worst >= severityRank('medium')) return 'suspicious';
  if (fatal) return 'error';
  return 'clean';
}
