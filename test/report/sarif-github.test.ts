import { createHash } from 'node:crypto';
import type { Log, Result } from 'sarif';
import { describe, expect, it } from 'vitest';
import type { FileResult, ScanResult } from '../../src/core/report-types.js';
import type { Finding } from '../../src/core/finding.js';
import type { Severity } from '../../src/core/severity.js';
import { renderSarif, type SarifOptions } from '../../src/report/sarif.js';
import { lineAndColumn } from '../../src/report/sarif-locations.js';
import { sampleResult, sampleRules } from './fixture.js';
import { expectValidSarif, githubProblems } from './sarif-schema.js';

/*
 * The SARIF log as GitHub code scanning needs it (issue 17): URIs relative to a root, a region
 * on every result, stable partial fingerprints, security-severity and precision per rule, and
 * info findings only when asked for. Paths are POSIX: the tests build absolute paths by hand.
 */

const ROOT = '/home/dev/repo';

function finding(target: string, extra: Partial<Finding> = {}): Finding {
  return { ruleId: 'pickle/dangerous-callable', severity: 'critical', message: 'calls os.system', target, evidence: 'os.system', ...extra };
}

function file(path: string, targetIndex: number | undefined, findings: Finding[], extra: Partial<FileResult> = {}): FileResult {
  return { path, targetIndex, format: 'pickle', size: 64, verdict: 'malicious', findings, ...extra };
}

/** A scan of `targets` whose files are `files`. */
function scanOf(targets: string[], files: FileResult[], findings: Finding[] = []): ScanResult {
  return {
    schema: 'modelgate/report@1',
    tool: { name: 'modelgate', version: '0.1.0' },
    targets,
    summary: { files: files.length, malicious: files.length, suspicious: 0, clean: 0, error: 0, maxSeverity: 'critical', durationMs: 1 },
    findings,
    files,
  };
}

function render(result: ScanResult, options: SarifOptions): { log: Log; results: Result[] } {
  const log = expectValidSarif(renderSarif(result, sampleRules(), options));
  return { log, results: log.runs[0]!.results ?? [] };
}

function artifactOf(result: Result) {
  return result.locations?.[0]?.physicalLocation?.artifactLocation;
}

describe('SARIF artifact URIs', () => {
  const twoFolders = scanOf(
    ['models/a', 'models/b'],
    [file('model.pt', 0, [finding('model.pt!/archive/data.pkl')]), file('model.pt', 1, [finding('model.pt!/archive/data.pkl')])],
  );

  it('gives files of the same name in two targets distinct URIs and fingerprints', () => {
    const { results } = render(twoFolders, { root: ROOT, cwd: ROOT, directoryTargets: [true, true] });
    expect(results.map((r) => artifactOf(r))).toEqual([
      { uri: 'models/a/model.pt', uriBaseId: '%SRCROOT%', index: 0 },
      { uri: 'models/b/model.pt', uriBaseId: '%SRCROOT%', index: 1 },
    ]);
    expect(results[0]!.partialFingerprints).not.toEqual(results[1]!.partialFingerprints);
  });

  it('resolves relative targets from the working folder, under the root', () => {
    const { results } = render(twoFolders, { root: ROOT, cwd: `${ROOT}/sub`, directoryTargets: [true, true] });
    expect(results.map((r) => artifactOf(r)?.uri)).toEqual(['sub/models/a/model.pt', 'sub/models/b/model.pt']);
  });

  it('makes absolute targets relative to the root', () => {
    const result = scanOf(
      [`${ROOT}/models/a`, `${ROOT}/models/x.pkl`],
      [file('model.pt', 0, [finding('model.pt')]), file(`${ROOT}/models/x.pkl`, 1, [finding(`${ROOT}/models/x.pkl`)])],
    );
    const { log, results } = render(result, { root: ROOT, cwd: '/somewhere/else', directoryTargets: [true, false] });
    expect(results.map((r) => artifactOf(r)?.uri)).toEqual(['models/a/model.pt', 'models/x.pkl']);
    // Only the report's own properties echo the targets as given; no location names the root.
    const placed = [
      ...results.map((r) => [r.locations, r.partialFingerprints]),
      log.runs[0]!.artifacts?.map((a) => a.location),
      log.runs[0]!.originalUriBaseIds,
    ];
    expect(JSON.stringify(placed)).not.toContain(ROOT);
  });

  it('gives a file outside the root an absolute file URI with no base, and keeps its result', () => {
    const result = scanOf(['/opt/models/evil.pkl'], [file('/opt/models/evil.pkl', undefined, [finding('/opt/models/evil.pkl')])]);
    const { results } = render(result, { root: ROOT, cwd: ROOT, directoryTargets: [false] });
    expect(artifactOf(results[0]!)).toEqual({ uri: 'file:///opt/models/evil.pkl', index: 0 });
    expect(results[0]!.level).toBe('error');
    // A sibling folder whose name starts like the root is outside it too.
    const sibling = scanOf([`${ROOT}-old/x.pkl`], [file(`${ROOT}-old/x.pkl`, undefined, [finding(`${ROOT}-old/x.pkl`)])]);
    expect(artifactOf(render(sibling, { root: ROOT, cwd: ROOT, directoryTargets: [false] }).results[0]!)?.uri).toBe(`file://${ROOT}-old/x.pkl`);
  });

  it('tells a folder target from a file target by the kinds given, even when a file has its folder’s name', () => {
    const result = scanOf(['m'], [file('m', 0, [finding('m')])]);
    expect(artifactOf(render(result, { root: ROOT, cwd: ROOT, directoryTargets: [true] }).results[0]!)?.uri).toBe('m/m');
    expect(artifactOf(render(result, { root: ROOT, cwd: ROOT, directoryTargets: [false] }).results[0]!)?.uri).toBe('m');
  });

  it('places a finding about a whole target on the target, and the target `.` on the root', () => {
    const result = scanOf(['.'], [], [{ ruleId: 'lock/extra-file', severity: 'medium', message: 'not in the lock', target: '.' }]);
    expect(artifactOf(render(result, { root: ROOT, cwd: ROOT, directoryTargets: [true] }).results[0]!)).toEqual({ uri: '.', uriBaseId: '%SRCROOT%' });
    expect(artifactOf(render(result, { root: ROOT, cwd: `${ROOT}/models`, directoryTargets: [true] }).results[0]!)).toEqual({
      uri: 'models',
      uriBaseId: '%SRCROOT%',
    });
  });

  it('puts a Hugging Face repo’s files on a base of their own', () => {
    const result = scanOf(
      ['hf:org/model'],
      [file('sub/model.bin', undefined, [finding('sub/model.bin')])],
      [{ ruleId: 'hub/unpinned', severity: 'low', message: 'unpinned', target: 'hf:org/model' }],
    );
    result.source = { repo: 'org/model', revision: 'main', commit: 'a'.repeat(40) };
    const { log, results } = render(result, { root: ROOT, cwd: ROOT, directoryTargets: [false] });
    expect(results.map((r) => artifactOf(r))).toEqual([
      { uri: '.', uriBaseId: 'HFREPO' },
      { uri: 'sub/model.bin', uriBaseId: 'HFREPO', index: 0 },
    ]);
    expect(log.runs[0]!.originalUriBaseIds?.HFREPO?.description?.text).toContain(`org/model at commit ${'a'.repeat(40)}`);
  });
});

describe('SARIF regions', () => {
  const text = Buffer.from('import os\n# é\nos.system("id")\n');
  const binary = Buffer.concat([Buffer.from([0x80, 0x04, 0x00]), text]);
  const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
  const offset = text.indexOf('os.system');
  const options = (bytes: Buffer | undefined): SarifOptions => ({ root: ROOT, cwd: ROOT, directoryTargets: [true], readFile: () => bytes });
  const one = (sha256: string | undefined, at = offset) =>
    scanOf(['m'], [file('a.py', 0, [finding('a.py', { location: { offset: at } })], { sha256, format: 'python' })]);
  const regionOf = (result: ScanResult, opts: SarifOptions) => render(result, opts).results[0]!.locations?.[0]?.physicalLocation?.region;

  it('gives a text file the line and column of the offset, and keeps the offset', () => {
    expect(regionOf(one(sha(text)), options(text))).toEqual({ startLine: 3, startColumn: 1, byteOffset: offset });
    const inLine = text.indexOf('system');
    expect(regionOf(one(sha(text), inLine), options(text))).toEqual({ startLine: 3, startColumn: 4, byteOffset: inLine });
  });

  it('counts columns in UTF-16 code units after multi-byte characters', () => {
    expect(lineAndColumn(text, text.indexOf('\n', 11))).toEqual({ line: 2, column: 4 });
  });

  it('gives a binary file line 1 and the byte offset', () => {
    expect(regionOf(one(sha(binary), 20), options(binary))).toEqual({ startLine: 1, byteOffset: 20 });
  });

  it('gives line 1 when the file changed since the scan, or cannot be read, or nothing reads it', () => {
    expect(regionOf(one(sha(Buffer.from('other'))), options(text))).toEqual({ startLine: 1, byteOffset: offset });
    expect(regionOf(one(sha(text)), options(undefined))).toEqual({ startLine: 1, byteOffset: offset });
    expect(regionOf(one(sha(text)), { root: ROOT, cwd: ROOT })).toEqual({ startLine: 1, byteOffset: offset });
  });

  it('never reads a file outside the scanned paths: the reader gets the file’s own absolute path', () => {
    const asked: string[] = [];
    render(one(sha(text)), { ...options(text), readFile: (p) => (asked.push(p), text) });
    expect(asked).toEqual([`${ROOT}/m/a.py`]);
  });
});

describe('SARIF partial fingerprints', () => {
  const base = sampleResult();

  it('are the same for the same scan under another root and working folder', () => {
    const here = renderSarif(base, sampleRules(), { root: ROOT, cwd: ROOT, directoryTargets: [true, false] });
    const there = renderSarif(base, sampleRules(), { root: '/ci/work/x', cwd: '/ci/work/x', directoryTargets: [true, false] });
    expect(there).toBe(here);
    const fingerprints = (expectValidSarif(here).runs[0]!.results ?? []).map((r) => r.partialFingerprints);
    expect(fingerprints.every((f) => /^[0-9a-f]{32}:1$/.test(f?.primaryLocationLineHash ?? ''))).toBe(true);
    expect(new Set(fingerprints.map((f) => f?.['modelgateFinding/v1'])).size).toBe(fingerprints.length);
  });

  it('keep equal findings in one file apart by their count, and change with the rule, path or evidence', () => {
    const twice = scanOf(['m'], [file('a.pkl', 0, [finding('a.pkl'), finding('a.pkl')])]);
    const [first, second] = render(twice, { root: ROOT, cwd: ROOT, directoryTargets: [true] }).results;
    expect(first!.partialFingerprints?.primaryLocationLineHash).toMatch(/:1$/);
    expect(second!.partialFingerprints?.primaryLocationLineHash).toMatch(/:2$/);
    const key = (f: Finding, path = 'a.pkl') =>
      render(scanOf(['m'], [file(path, 0, [f])]), { root: ROOT, cwd: ROOT, directoryTargets: [true] }).results[0]!.partialFingerprints?.['modelgateFinding/v1'];
    const plain = key(finding('a.pkl'));
    expect(key(finding('a.pkl', { ruleId: 'pickle/unknown-global' }))).not.toBe(plain);
    expect(key(finding('b.pkl'), 'b.pkl')).not.toBe(plain);
    expect(key(finding('a.pkl', { evidence: 'os.popen' }))).not.toBe(plain);
    // The message and the severity may be reworded or graded: the same place stays the same alert.
    expect(key(finding('a.pkl', { message: 'reworded', severity: 'high' }))).toBe(plain);
  });
});

describe('SARIF rule severities and info findings', () => {
  it('scores each rule by GitHub’s bands, and its precision by its severity', () => {
    const rules = expectValidSarif(renderSarif(sampleResult(), sampleRules())).runs[0]!.tool.driver.rules ?? [];
    const scoreOf = (id: string) => rules.find((r) => r.id === id)?.properties;
    expect(scoreOf('pickle/dangerous-callable')).toMatchObject({ 'security-severity': '9.5', precision: 'high' });
    expect(scoreOf('numpy/object-array')).toMatchObject({ 'security-severity': '8.0', precision: 'high' });
    expect(scoreOf('lock/extra-file')).toMatchObject({ 'security-severity': '5.5', precision: 'medium' });
    expect(scoreOf('pytorch/prefer-safetensors')?.['security-severity']).toBeUndefined();
    expect(scoreOf('pytorch/prefer-safetensors')?.precision).toBe('low');
    // No metadata: scored by its worst result (a low fatal finding).
    expect(scoreOf('engine/parse-failed')).toMatchObject({ 'security-severity': '2.0', precision: 'low' });
  });

  it('puts each severity in its GitHub band', () => {
    const bands: Array<[Severity, number, number]> = [
      ['critical', 9.0, 10.0],
      ['high', 7.0, 8.9],
      ['medium', 4.0, 6.9],
      ['low', 0.1, 3.9],
    ];
    for (const [severity, low, high] of bands) {
      const rules = renderSarif(scanOf(['m'], [file('a', 0, [finding('a', { ruleId: `x/${severity}`, severity })])]), []);
      const score = Number(JSON.parse(rules).runs[0].tool.driver.rules[0].properties['security-severity']);
      expect(score, severity).toBeGreaterThanOrEqual(low);
      expect(score, severity).toBeLessThanOrEqual(high);
    }
  });

  it('scores a rule by a finding graded above its default, and takes a precision from meta', () => {
    const graded = scanOf(['m'], [file('a.pkl', 0, [finding('a.pkl', { ruleId: 'pickle/unknown-global', severity: 'critical' })])]);
    const rules = sampleRules().map((r) => (r.id === 'pickle/unknown-global' ? { ...r, precision: 'very-high' as const } : r));
    const log = expectValidSarif(renderSarif(graded, rules));
    expect(log.runs[0]!.tool.driver.rules?.find((r) => r.id === 'pickle/unknown-global')?.properties).toMatchObject({
      'security-severity': '9.5',
      precision: 'very-high',
    });
  });

  it('leaves info findings out unless asked for', () => {
    const ids = (options: SarifOptions) => (expectValidSarif(renderSarif(sampleResult(), sampleRules(), options)).runs[0]!.results ?? []).map((r) => r.ruleId);
    expect(ids({})).not.toContain('pytorch/prefer-safetensors');
    expect(ids({ includeInfo: true })).toContain('pytorch/prefer-safetensors');
  });

  it('the GitHub check finds what GitHub would refuse', () => {
    const log = JSON.parse(renderSarif(sampleResult(), sampleRules()));
    log.runs[0].results[0].locations[0].physicalLocation.region = { byteOffset: 3 };
    log.runs[0].results[1].locations[0].physicalLocation.artifactLocation = { uri: '/abs/x.pkl' };
    log.runs[0].tool.driver.rules[0].properties['security-severity'] = 5;
    log.runs[0].tool.driver.rules[0].properties.tags = Array.from({ length: 21 }, (_, i) => `t${i}`);
    expect(githubProblems(log)).toEqual([
      'lock/extra-file: more than 20 tags',
      'lock/extra-file: security-severity 5',
      'result 0: no region.startLine',
      'result 1: relative URI /abs/x.pkl without a uriBaseId',
      'result 1: rooted URI /abs/x.pkl',
    ]);
  });
});
