import { describe, expect, it } from 'vitest';
import { isReportFormat, REPORT_FORMATS, renderHtml, renderJson, renderReport, renderSarif, renderText } from '../../src/report/index.js';
import { sampleResult, sampleRules } from './fixture.js';

describe('renderReport', () => {
  it('dispatches to the reporter of each format', () => {
    const result = sampleResult();
    const rules = sampleRules();
    expect(renderReport('json', result, rules)).toBe(renderJson(result));
    expect(renderReport('sarif', result, rules)).toBe(renderSarif(result, rules));
    expect(renderReport('html', result, rules)).toBe(renderHtml(result, rules));
    expect(renderReport('text', result, rules)).toBe(renderText(result, { color: false }));
    expect(renderReport('text', result, rules, { color: true, verbose: true })).toBe(renderText(result, { color: true, verbose: true }));
  });

  it('knows its formats', () => {
    expect(REPORT_FORMATS).toEqual(['json', 'sarif', 'text', 'html']);
    expect(isReportFormat('sarif')).toBe(true);
    expect(isReportFormat('html')).toBe(true);
    expect(isReportFormat('xml')).toBe(false);
  });
});
