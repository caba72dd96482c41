import type { FileResult, ScanResult } from '../core/report-types.js';
import type { Finding } from '../core/finding.js';

/*
 * Key order of each object of the report, as in REPORT.md's example. Scripts diff these
 * documents, so the order is part of the contract; keys not listed here (fields added later)
 * follow in the order they were set, so nothing is ever dropped.
 */
const REPORT_KEYS = ['schema', 'tool', 'targets', 'source', 'summary', 'decision', 'findings', 'files'] as const;
const TOOL_KEYS = ['name', 'version'] as const;
const SUMMARY_KEYS = ['files', 'malicious', 'suspicious', 'clean', 'error', 'maxSeverity', 'durationMs'] as const;
const FILE_KEYS = ['path', 'targetIndex', 'format', 'size', 'sha256', 'sha256Source', 'verdict', 'findings'] as const;
const FINDING_KEYS = ['ruleId', 'severity', 'message', 'target', 'location', 'evidence', 'references', 'fatal', 'code', 'details'] as const;
const LOCATION_KEYS = ['offset', 'opIndex'] as const;

type JsonObject = { [key: string]: unknown };

/** A copy of `value` with `keys` first, in that order, then any other own keys. */
function ordered<T extends object>(value: T, keys: readonly string[]): JsonObject {
  const source = value as JsonObject;
  const out: JsonObject = {};
  for (const key of keys) {
    if (source[key] !== undefined) out[key] = source[key];
  }
  for (const [key, field] of Object.entries(source)) {
    if (!(key in out) && field !== undefined) out[key] = field;
  }
  return out;
}

function orderFinding(finding: Finding): JsonObject {
  const out = ordered(finding, FINDING_KEYS);
  if (finding.location) out.location = ordered(finding.location, LOCATION_KEYS);
  return out;
}

function orderFile(file: FileResult): JsonObject {
  const out = ordered(file, FILE_KEYS);
  out.findings = file.findings.map(orderFinding);
  return out;
}

/**
 * The scan report as the `modelgate/report@1` JSON document of REPORT.md: keys in the
 * contract's order, indented by two spaces, with a trailing newline.
 */
export function renderJson(result: ScanResult): string {
  const out = ordered(result, REPORT_KEYS);
  out.tool = ordered(result.tool, TOOL_KEYS);
  out.summary = ordered(result.summary, SUMMARY_KEYS);
  out.findings = result.findings.map(orderFinding);
  out.files = result.files.map(orderFile);
  return `${JSON.stringify(out, null, 2)}\n`;
}
