import { createHash } from 'node:crypto';
import type { Artifact, ArtifactLocation, Location, Log, PropertyBag, Result } from 'sarif';
import type { Finding } from '../core/finding.js';
import type { FileResult, ScanResult } from '../core/report-types.js';
import type { RuleMeta } from '../detectors/rule.js';
import {
  FingerprintCounter,
  HFREPO,
  lineAndColumn,
  type Placed,
  placeFile,
  placeTarget,
  regionOf,
  type SarifLocationOptions,
  SRCROOT,
} from './sarif-locations.js';
import { buildRuleTable, MODELGATE_INFORMATION_URI, type RuleTable, sarifLevel } from './sarif-rules.js';

export type { SarifLocationOptions } from './sarif-locations.js';
export { MODELGATE_INFORMATION_URI, RULE_DOCS_BASE_URI, sarifLevel } from './sarif-rules.js';

/** The published schema of SARIF 2.1.0 (OASIS Standard, Errata 01). */
export const SARIF_SCHEMA_URI = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

/** Separator between a file path and a member path in a finding's `target` (REPORT.md). */
const MEMBER_SEPARATOR = '!/';

/** Options of the SARIF log (`modelgate scan --sarif-root`, `--sarif-include-info`). */
export interface SarifOptions extends SarifLocationOptions {
  /** Keep `info` findings as results (left out by default: they are advice, not alerts). */
  includeInfo?: boolean;
  /**
   * The bytes of a local file at an absolute path, or undefined when they cannot be read: text
   * files get the line and column of a finding's offset from them. Without it, every region is
   * on line 1 with its byte offset.
   */
  readFile?: (absolutePath: string) => Uint8Array | undefined;
}

/** The entries of `bag` that have a value, so absent fields stay absent in the log. */
function definedOnly(bag: Record<string, unknown>): PropertyBag {
  return Object.fromEntries(Object.entries(bag).filter(([, value]) => value !== undefined));
}

function toArtifact(file: FileResult, placed: Placed): Artifact {
  return {
    location: placed.location,
    length: file.size,
    roles: ['analysisTarget'],
    ...(file.sha256 === undefined ? {} : { hashes: { 'sha-256': file.sha256 } }),
    properties: definedOnly({
      path: file.path,
      format: file.format,
      verdict: file.verdict,
      sha256Source: file.sha256Source,
      targetIndex: file.targetIndex,
    }),
  };
}

/** Where a result is: a file of the report (with its artifact index), or a whole target. */
interface Place {
  placed: Placed;
  file?: FileResult;
  index?: number;
  /** Line and column of an offset, when the file is text (its bytes are read once). */
  lineOf?: (offset: number) => { line: number; column: number } | undefined;
}

/** Line lookups of a local file, from its bytes when they are still the bytes that were scanned. */
function lineLookup(file: FileResult, diskPath: string | undefined, readFile: SarifOptions['readFile']): Place['lineOf'] {
  if (readFile === undefined || diskPath === undefined) return undefined;
  let bytes: Uint8Array | undefined;
  let read = false;
  return (offset) => {
    if (!read) {
      read = true;
      bytes = readFile(diskPath);
      // A file changed since the scan has other lines: better none than wrong ones.
      if (bytes && file.sha256 !== undefined && createHash('sha256').update(bytes).digest('hex') !== file.sha256) bytes = undefined;
    }
    return bytes ? lineAndColumn(bytes, offset) : undefined;
  };
}

/**
 * Where a finding is. The URI is always a file on disk (or the target, for a finding about a
 * whole target); a member of an archive is named by a logical location, because SARIF's
 * artifact URIs cannot point inside a zip. `location.offset` counts from the start of the
 * innermost member, so it becomes a byte region only when the finding is about the file itself;
 * every result has a region all the same, because GitHub needs a line (regionOf).
 */
function toLocation(finding: Finding, place: Place): Location {
  const inMember = place.file !== undefined && finding.target !== place.file.path;
  const offset = inMember ? undefined : finding.location?.offset;
  const text = offset === undefined ? undefined : place.lineOf?.(offset);
  const location: Location = {
    physicalLocation: {
      artifactLocation: place.index === undefined ? place.placed.location : { ...place.placed.location, index: place.index },
      region: regionOf(offset, text),
    },
  };
  if (inMember) {
    const members = finding.target.split(MEMBER_SEPARATOR);
    location.logicalLocations = [{ name: members[members.length - 1], fullyQualifiedName: finding.target }];
  }
  return location;
}

function toResult(finding: Finding, rules: RuleTable, place: Place, fingerprints: FingerprintCounter): Result {
  return {
    ruleId: finding.ruleId,
    ruleIndex: rules.indexOf(finding.ruleId),
    level: sarifLevel(finding.severity),
    message: { text: finding.message },
    locations: [toLocation(finding, place)],
    partialFingerprints: fingerprints.fingerprints(finding, place.placed.stablePath, place.file?.path),
    properties: definedOnly({
      severity: finding.severity,
      target: finding.target,
      targetIndex: place.file?.targetIndex,
      offset: finding.location?.offset,
      opIndex: finding.location?.opIndex,
      evidence: finding.evidence,
      references: finding.references,
      fatal: finding.fatal,
      code: finding.code,
    }),
  };
}

/** The bases of the run's relative URIs, described but not located (SARIF 2.1.0 §3.14.14). */
function uriBases(result: ScanResult): Record<string, ArtifactLocation> {
  if (result.source !== undefined) {
    const { repo, commit } = result.source;
    return { [HFREPO]: { description: { text: `the files of the Hugging Face repo ${repo} at commit ${commit}` } } };
  }
  return { [SRCROOT]: { description: { text: 'the SARIF root: --sarif-root, else the git work tree (or the folder) modelgate ran in' } } };
}

/**
 * The scan report as a SARIF 2.1.0 log of one run, for code-scanning services. `rules` fills
 * `tool.driver.rules`; a finding of a rule not among them gets a bare descriptor. Results of
 * target-wide findings come first, then those of each file in order; every file is an artifact.
 * `info` findings are left out unless `options.includeInfo`. Every result has a region and
 * partial fingerprints. The invocation is successful when every file was fully read (no
 * `error` verdict).
 */
export function renderSarif(result: ScanResult, rules: readonly RuleMeta[], options: SarifOptions = {}): string {
  const kept = (finding: Finding): boolean => options.includeInfo === true || finding.severity !== 'info';
  const fingerprints = new FingerprintCounter();
  const places = result.files.map((file, index) => {
    const placed = placeFile(result, file, options);
    return { file, index, placed, lineOf: lineLookup(file, placed.diskPath, options.readFile) };
  });
  const targetWide = result.findings.filter(kept);
  const table = buildRuleTable(rules, [...targetWide, ...places.flatMap((place) => place.file.findings.filter(kept))]);
  const results: Result[] = [
    ...targetWide.map((finding) => toResult(finding, table, { placed: placeTarget(result, finding.target, options) }, fingerprints)),
    ...places.flatMap((place) => place.file.findings.filter(kept).map((finding) => toResult(finding, table, place, fingerprints))),
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
        originalUriBaseIds: uriBases(result),
        // Columns of text regions count UTF-16 code units, as JavaScript strings do (lineAndColumn).
        columnKind: 'utf16CodeUnits',
        artifacts: places.map((place) => toArtifact(place.file, place.placed)),
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
