import { describe, expect, it } from 'vitest';
import { renderJson } from '../../src/report/json.js';
import { expectGolden } from '../helpers/golden.js';
import { sampleResult } from './fixture.js';

describe('renderJson', () => {
  it('matches the golden report', () => {
    expectGolden('report/golden/report.json', renderJson(sampleResult()));
  });

  it('keeps every value of the result', () => {
    expect(JSON.parse(renderJson(sampleResult()))).toEqual(sampleResult());
  });

  it('writes keys in the order of REPORT.md, indented by two spaces, with a final newline', () => {
    const text = renderJson(sampleResult());
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.startsWith('{\n  "schema": "modelgate/report@1",\n  "tool": {\n    "name"')).toBe(true);
    const report = JSON.parse(text);
    expect(Object.keys(report)).toEqual(['schema', 'tool', 'targets', 'summary', 'findings', 'files']);
    expect(Object.keys(report.summary)).toEqual(['files', 'malicious', 'suspicious', 'clean', 'error', 'maxSeverity', 'durationMs']);
    expect(Object.keys(report.findings[0])).toEqual(['ruleId', 'severity', 'message', 'target']);
    expect(Object.keys(report.files[1])).toEqual(['path', 'targetIndex', 'format', 'size', 'sha256', 'verdict', 'findings']);
    expect(Object.keys(report.files[0].findings[0])).toEqual(['ruleId', 'severity', 'message', 'target', 'location', 'evidence', 'references']);
    expect(Object.keys(report.files[0].findings[0].location)).toEqual(['offset', 'opIndex']);
    expect(Object.keys(report.files[2].findings[0])).toEqual(['ruleId', 'severity', 'message', 'target', 'location', 'fatal', 'code']);
  });

  it('writes maxSeverity null when there is no finding', () => {
    const result = sampleResult();
    result.summary.maxSeverity = null;
    expect(JSON.parse(renderJson(result)).summary.maxSeverity).toBeNull();
  });

  it('keeps fields it does not know, after the known ones', () => {
    const result = sampleResult();
    Object.assign(result.files[3]!, { mtime: 7 });
    const file = JSON.parse(renderJson(result)).files[3];
    expect(Object.keys(file).at(-1)).toBe('mtime');
    expect(file.mtime).toBe(7);
  });
});
