import type { Artifact, Location, Log, PropertyBag, Result } from 'sarif';
import type { Finding } from '../core/finding.js';
import type { FileResult, ScanResult } from '../core/report-types.js';
import type { RuleMeta } from '../detectors/rule.js';
import { buildRuleTable, MODELGATE_INFORMATION_URI, type RuleTable, sarifLevel } from './sarif-rules.js';

export { MODELGATE_INFORMATION_URI, RULE_DOCS_BASE_URI, sarifLevel } from './sarif-rules.js';

/** The published schema of SARIF 2.1.0 (OASIS Standard, Errata 01). */
export const SARIF_SCHEMA_URI = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

/** Separator between a file path and a member path in a finding's `target` (REPORT.md). */
const MEMBER_SEPARATOR = '!/';

/*
 * A path as a URI reference (RFC 3986): `/` separated segments, each percent-encoded, so that
 * `#`, `?`, `%`, spaces and a `:` in a first segment cannot change what the reference means.
 */
function toUri(path: string): string {
  return path.replace(/\\/g, '/').split('/').map(encodeURIComponent).join('/');
}

/** The entries of `bag` that have a value, so absent fields stay absent in the log. */
function definedOnly(bag: Record<string, unknown>): PropertyBag {
  return Object.fromEntries(Object.entries(bag).filter(([, value]) => value !== undefined));
}

function toArtifact(file: FileResult): Artifact {
  return {
    location: { uri: toUri(file.path) },
    length: file.size,
    roles: ['analysisTarget'],
    ...(file.sha256 === undefined ? {} : { hashes: { 'sha-256': file.sha256 } }),
    properties: definedOnly({
      format: file.format,
      verdict: file.verdict,
      sha256Source: file.sha256Source,
      targetIndex: file.targetIndex,
    }),
  };
}

/**
 * Where a finding is. The URI is always a file on disk (or the target, for a finding about a
 * whole target); a member of an archive is named by a logical location, because SARIF's
 * artifact URIs cannot point inside a zip. `location.offset` counts from the start of the
 * innermost member, so it becomes a byte region only when the finding is about the file itself.
 */
function toLocation(finding: Finding, file: FileResult | undefined, fileIndex: number): Location {
  const uri = toUri(file?.path ?? finding.target);
  const inMember = file !== undefined && finding.target !== file.path;
  const offset = finding.location?.offset;
  const location: Location = {
    physicalLocation: {
      artifactLocation: file === undefined ? { uri } : { uri, index: fileIndex },
      ...(offset !== undefined && !inMember ? { region: { byteOffset: offset } } : {}),
    },
  };
  if (inMember) {
    const members = finding.target.split(MEMBER_SEPARATOR);
    location.logicalLocations = [{ name: members[members.length - 1], fullyQualifiedName: finding.target }];
  }
  return location;
}

function toResult(finding: Finding, rules: RuleTable, file: FileResult | undefined, fileIndex: number): Result {
  return {
    ruleId: finding.ruleId,
    ruleIndex: rules.indexOf(finding.ruleId),
    level: sarifLevel(finding.severity),
    message: { text: finding.message },
    locations: [toLocation(finding, file, fileIndex)],
    properties: definedOnly({
      severity: finding.severity,
      target: finding.target,
      targetIndex: file?.targetIndex,
      offset: finding.location?.offset,
      opIndex: finding.location?.opIndex,
      evidence: finding.evidence,
      references: finding.references,
      fatal: finding.fatal,
      code: finding.code,
    }),
  };
}

/**
 * The scan report as a SARIF 2.1.0 log of one run, for code-scanning services. `rules` fills
 * `tool.driver.rules`; a finding of a rule not among them gets a bare descriptor. Results of
 * target-wide findings come first, then those of each file in order; every file is an artifact.
 * The invocation is successful when every file was fully read (no `error` verdict).
 */
export function renderSarif(result: ScanResult, rules: readonly RuleMeta[]): string {
  const fileFindings = result.files.flatMap((file) => file.findings);
  const table = buildRuleTable(rules, [...result.findings, ...fileFindings]);
  const results: Result[] = [
    ...result.findings.map((finding) => toResult(finding, table, undefined, -1)),
    ...result.files.flatMap((file, index) => file.findings.map((finding) => toResult(finding, table, file, index))),
  ];
  const log: Log = {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: result.tool.name,
            version: result.tool.version,
            informationUri: MODELGATE_INFORMATION_URI,
            rules: table.descriptors,
          },
        },
        invocations: [{ executionSuccessful: result.summary.error === 0 }],
        artifacts: result.files.map(toArtifact),
        results,
        properties: {
          schema: result.schema,
          targets: [...result.targets],
          summary: { ...result.summary },
          ...(result.source ? { source: { ...result.source } } : {}),
          ...(result.decision ? { decision: { ...result.decision } } : {}),
        },
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
