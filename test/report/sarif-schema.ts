import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { Log } from 'sarif';
import { expect } from 'vitest';

/*
 * test/fixtures/sarif/sarif-schema-2.1.0.json is the official SARIF 2.1.0 schema (OASIS
 * Standard, Errata 01); its README says where it comes from.
 *
 * It is written in JSON Schema draft-04, which Ajv 8 no longer ships. The only draft-04 trait
 * it has is the root `id` (draft-06 renamed it `$id`); every keyword it uses (type, enum,
 * properties, additionalProperties, required, items, minItems, uniqueItems, minimum, maximum,
 * pattern, format, anyOf, oneOf, default, $ref) means the same in draft-07. So it is compiled
 * as draft-07 with just that rename, and ajv-formats checks uri, uri-reference and date-time.
 */
function sarifValidator(): ValidateFunction {
  const url = new URL('../fixtures/sarif/sarif-schema-2.1.0.json', import.meta.url);
  const { $schema: _draft04, id, ...schema } = JSON.parse(readFileSync(url, 'utf8'));
  const ajv = new Ajv({ strict: false, allErrors: true });
  // ajv-formats is CommonJS (`module.exports = plugin; exports.default = plugin`): under
  // NodeNext the default import is `module.exports`, and its `.default` is the plugin.
  addFormatsModule.default(ajv);
  return ajv.compile({ ...schema, $id: id });
}

export const validateSarif = sarifValidator();

/*
 * What GitHub code scanning asks of an upload beyond the schema ("SARIF support for code
 * scanning" and "SARIF results exceed limits" in GitHub's documentation): at most 20 runs, 25,000
 * results and 25,000 rules per run, 1,000 locations per result and 20 tags per rule;
 * `security-severity` a number from 0.0 to 10.0 written as a string; `precision` one of four
 * words; a `region.startLine` (1 or more) on every result, so that an alert has a line; relative
 * URIs with a base id; partial fingerprints on every result, unique within the run.
 */
export function githubProblems(log: Log): string[] {
  const problems: string[] = [];
  if (log.runs.length > 20) problems.push('more than 20 runs');
  for (const run of log.runs) {
    const rules = run.tool.driver.rules ?? [];
    const results = run.results ?? [];
    if (rules.length > 25_000) problems.push('more than 25,000 rules');
    if (results.length > 25_000) problems.push('more than 25,000 results');
    for (const rule of rules) {
      const props = rule.properties ?? {};
      if ((props.tags?.length ?? 0) > 20) problems.push(`${rule.id}: more than 20 tags`);
      const score = props['security-severity'];
      if (score !== undefined && (typeof score !== 'string' || !/^\d+(\.\d+)?$/.test(score) || Number(score) > 10)) {
        problems.push(`${rule.id}: security-severity ${String(score)}`);
      }
      if (props.precision !== undefined && !['very-high', 'high', 'medium', 'low'].includes(String(props.precision))) {
        problems.push(`${rule.id}: precision ${String(props.precision)}`);
      }
    }
    const seen = new Set<string>();
    for (const [i, result] of results.entries()) {
      const locations = result.locations ?? [];
      if (locations.length === 0 || locations.length > 1000) problems.push(`result ${i}: ${locations.length} locations`);
      for (const location of locations) {
        const physical = location.physicalLocation;
        const uri = physical?.artifactLocation?.uri;
        if (uri === undefined) problems.push(`result ${i}: no artifact URI`);
        else if (!/^[a-z][a-z0-9+.-]*:/i.test(uri) && physical?.artifactLocation?.uriBaseId === undefined) {
          problems.push(`result ${i}: relative URI ${uri} without a uriBaseId`);
        }
        if (uri?.startsWith('/')) problems.push(`result ${i}: rooted URI ${uri}`);
        const line = physical?.region?.startLine;
        if (line === undefined || line < 1) problems.push(`result ${i}: no region.startLine`);
      }
      const fingerprint = result.partialFingerprints?.primaryLocationLineHash;
      if (fingerprint === undefined) problems.push(`result ${i}: no primaryLocationLineHash`);
      const key = JSON.stringify([result.ruleId, locations[0]?.physicalLocation?.artifactLocation?.uri, result.partialFingerprints]);
      if (seen.has(key)) problems.push(`result ${i}: fingerprints equal to another result's`);
      seen.add(key);
    }
  }
  return problems;
}

/** The log of `text`, after checking it against the schema and GitHub's constraints. */
export function expectValidSarif(text: string): Log {
  const log: unknown = JSON.parse(text);
  const valid = validateSarif(log);
  expect(validateSarif.errors ?? [], 'SARIF schema errors').toEqual([]);
  expect(valid).toBe(true);
  expect(githubProblems(log as Log), 'GitHub upload constraints').toEqual([]);
  return log as Log;
}
