import type { Log, Result } from 'sarif';
import { describe, expect, it } from 'vitest';
import type { ScanResult } from '../../src/core/report-types.js';
import { renderSarif, SARIF_SCHEMA_URI } from '../../src/report/sarif.js';
import { expectGolden } from '../helpers/golden.js';
import { sampleResult, sampleRules } from './fixture.js';
import { expectValidSarif, validateSarif as validate } from './sarif-schema.js';

function resultsOf(log: Log): Result[] {
  return log.runs[0]!.results ?? [];
}

describe('renderSarif', () => {
  const text = renderSarif(sampleResult(), sampleRules());
  const log = expectValidSarif(text);
  const run = log.runs[0]!;
  const results = resultsOf(log);

  it('matches the golden log', () => {
    expectGolden('report/golden/report.sarif', text);
  });

  it('the validator rejects what the schema forbids', () => {
    const bad = JSON.parse(text);
    bad.runs[0].results[0].level = 'critical';
    expect(validate(bad)).toBe(false);
  });

  it('is one SARIF 2.1.0 run of modelgate with every rule', () => {
    expect(log.$schema).toBe(SARIF_SCHEMA_URI);
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
    expect(run.tool.driver.name).toBe('modelgate');
    expect(run.tool.driver.version).toBe('0.1.0');
    const rules = run.tool.driver.rules ?? [];
    expect(rules.map((rule) => rule.id)).toEqual([...sampleRules().map((rule) => rule.id), 'engine/parse-failed']);
    const critical = rules[2]!;
    expect(critical.shortDescription?.text).toBe('Pickle calls a dangerous callable');
    expect(critical.defaultConfiguration?.level).toBe('error');
    expect(critical.helpUri).toMatch(/^https:\/\/.+\/docs\/rules\/pickle\/dangerous-callable\.md$/);
    expect(critical.properties?.['security-severity']).toBe('9.5');
  });

  it('has a result for each finding, target-wide ones first, pointing at its rule', () => {
    expect(results.map((r) => r.ruleId)).toEqual(['lock/extra-file', 'pickle/dangerous-callable', 'pickle/unknown-global', 'engine/parse-failed']);
    for (const result of results) {
      expect(run.tool.driver.rules?.[result.ruleIndex ?? -1]?.id).toBe(result.ruleId);
    }
    expect(results.map((r) => r.level)).toEqual(['warning', 'error', 'warning', 'note']);
  });

  it('names an archive member by a logical location on the outer file', () => {
    const location = results[1]!.locations?.[0];
    expect(location?.physicalLocation?.artifactLocation).toEqual({ uri: 'models/bert/bundle.zip', uriBaseId: '%SRCROOT%', index: 0 });
    // The offset counts in a member: the file itself gets line 1, which GitHub needs.
    expect(location?.physicalLocation?.region).toEqual({ startLine: 1 });
    expect(location?.logicalLocations?.[0]!.fullyQualifiedName).toBe('bert/bundle.zip!/pytorch_model.bin!/archive/data.pkl');
    expect(results[1]!.properties).toMatchObject({ offset: 1234, opIndex: 57, targetIndex: 0 });
  });

  it('gives a byte region for an offset in the file itself, and the fatal code', () => {
    expect(results[2]!.locations?.[0]!.physicalLocation?.region).toEqual({ startLine: 1, byteOffset: 18 });
    expect(results[3]!.properties).toMatchObject({ fatal: true, code: 'TRUNCATED', severity: 'low' });
  });

  it('lists every file as an artifact with its hash', () => {
    expect(run.artifacts?.map((a) => a.location?.uri)).toEqual(['models/bert/bundle.zip', 'extra/loader.pkl', 'models/broken.npy', 'models/config.json']);
    expect(run.artifacts?.every((a) => a.location?.uriBaseId === '%SRCROOT%')).toBe(true);
    expect(run.artifacts?.[0]!.properties?.path).toBe('bert/bundle.zip');
    expect(run.artifacts?.[0]!.hashes).toEqual({ 'sha-256': sampleResult().files[0]!.sha256 });
    expect(run.artifacts?.[2]!.hashes).toBeUndefined();
  });

  it('reports the invocation unsuccessful only when a file could not be read', () => {
    expect(run.invocations?.[0]!.executionSuccessful).toBe(false);
    const result = sampleResult();
    result.files = result.files.filter((file) => file.verdict !== 'error');
    result.summary = { ...result.summary, files: 3, error: 0 };
    const ok = expectValidSarif(renderSarif(result, sampleRules()));
    expect(ok.runs[0]!.invocations?.[0]!.executionSuccessful).toBe(true);
  });

  it('is valid for an empty scan and escapes paths into URI references', () => {
    const empty: ScanResult = {
      schema: 'modelgate/report@1',
      tool: { name: 'modelgate', version: '0.1.0' },
      targets: ['C:\\odd dir#1'],
      summary: { files: 0, malicious: 0, suspicious: 0, clean: 0, error: 0, maxSeverity: null, durationMs: 0 },
      findings: [{ ruleId: 'lock/missing', severity: 'high', message: 'the lock is missing', target: 'C:\\odd dir#1' }],
      files: [],
    };
    const emptyLog = expectValidSarif(renderSarif(empty, []));
    const uri = resultsOf(emptyLog)[0]!.locations?.[0]!.physicalLocation?.artifactLocation?.uri;
    expect(uri).toBe('C%3A/odd%20dir%231');
    expect(resultsOf(emptyLog)[0]!.locations?.[0]!.physicalLocation?.artifactLocation?.uriBaseId).toBe('%SRCROOT%');
  });
});

describe('renderSarif on a real scan', () => {
  it('is valid SARIF 2.1.0 for a scan of the whole labelled corpus', async () => {
    const { scan } = await import('../../src/app/index.js');
    const { ALL_RULES } = await import('../../src/detectors/index.js');
    const result = await scan(['eval/corpus'], { hash: true });
    const log = expectValidSarif(renderSarif(result, ALL_RULES));
    expect(resultsOf(log).length).toBeGreaterThan(40);
    const withInfo = expectValidSarif(renderSarif(result, ALL_RULES, { includeInfo: true }));
    expect(resultsOf(withInfo).length).toBeGreaterThan(resultsOf(log).length);
    expect(resultsOf(log).some((r) => r.properties?.severity === 'info')).toBe(false);
    expect(resultsOf(log).every((r) => r.ruleId && log.runs[0]!.tool.driver.rules?.[r.ruleIndex ?? -1]?.id === r.ruleId)).toBe(true);
  });
});

describe('compliance references', () => {
  it('links ATLAS, OWASP LLM and CWE ids', async () => {
    const { referenceUrl } = await import('../../src/report/sarif-rules.js');
    expect(referenceUrl('MITRE ATLAS AML.T0011.000')).toBe('https://atlas.mitre.org/techniques/AML.T0011.000');
    expect(referenceUrl('CWE-502')).toBe('https://cwe.mitre.org/data/definitions/502.html');
    expect(referenceUrl('OWASP LLM03:2025')).toBe('https://genai.owasp.org/llmrisk/llm032025/');
    expect(referenceUrl('something else')).toBeUndefined();
  });
  it('gives every rule an ATLAS and an OWASP LLM reference, and a CWE unless it only informs', async () => {
    const { ALL_RULES } = await import('../../src/detectors/index.js');
    const lacking = ALL_RULES.filter(
      (r) =>
        !r.references.some((x) => x.startsWith('MITRE ATLAS')) ||
        !r.references.some((x) => x.startsWith('OWASP LLM')) ||
        (r.defaultSeverity !== 'info' && !r.references.some((x) => x.startsWith('CWE-'))),
    ).map((r) => r.id);
    expect(lacking).toEqual([]);
  });
});
