/**
 * The library entry, `import { runScan } from 'modelgate'` (package.json `exports`, README
 * "Library"): the same scan the CLI runs, the report's types and the pure reporters. Like a
 * face (cli, server, queue), it reaches the scan through app/ and never the engine; it imports
 * the app modules it names rather than src/app/index.ts, so that loading the library does not
 * load signing, policy or Hub code a caller may never use.
 *
 * Everything exported here is public API: removing or renaming an export is a breaking change.
 */

// The scan: one request, one report (REPORT.md), the policy gate applied when a policy is given.
export { runScan, type ScanOutcome, type ScanRequest } from './app/run-scan.js';
export { TOOL_VERSION } from './app/version.js';
// A policy (docs/policy.md) for ScanRequest.policy: the report then carries its allow-or-deny decision.
export { loadPolicy, type LoadedPolicy, type LoadPolicyOptions } from './app/policy/load.js';
/** Every rule's metadata, for renderReport's SARIF and HTML formats and for tools that list rules. */
export { ALL_RULES, type RuleMeta } from './app/rules.js';

// The report's types (REPORT.md, `modelgate/report@1`).
export type { FileResult, PolicyDecision, PolicyReason, Provenance, ScanResult, ScanSource, ScanSummary } from './core/report-types.js';
export type { Finding, FindingLocation, Verdict } from './core/finding.js';
export { SEVERITIES, type Severity } from './core/severity.js';
export { DEFAULT_LIMITS, type Limits } from './core/limits.js';
// Errors runScan throws (an unreadable target, a Hub error): test `code`, never the message.
export { ERROR_CODES, isModelgateError, ModelgateError, type ErrorCode } from './core/errors.js';

// The reporters: pure functions of a result.
export {
  isReportFormat,
  renderHtml,
  renderJson,
  renderReport,
  renderSarif,
  renderText,
  REPORT_FORMATS,
  SARIF_SCHEMA_URI,
  type RenderOptions,
  type ReportFormat,
  type TextOptions,
} from './report/index.js';
