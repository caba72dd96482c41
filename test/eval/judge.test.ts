import { describe, expect, it } from 'vitest';
import type { ScanResult } from '../../src/core/report-types.js';
import { judge, parseLabels } from '../../src/app/eval/judge.js';

const result = (files: Array<[string, 'malicious' | 'suspicious' | 'error' | 'clean']>): ScanResult => ({
  schema: 'modelgate/report@1',
  tool: { name: 'modelgate', version: '0' },
  targets: ['c'],
  summary: { files: files.length, malicious: 0, suspicious: 0, clean: 0, error: 0, maxSeverity: null, durationMs: 0 },
  findings: [],
  files: files.map(([path, verdict]) => ({ path, verdict, format: 'x', size: 0, findings: [] })),
});

describe('judging a labelled corpus', () => {
  const labels = parseLabels(
    [
      '{"path":"a","label":"malicious","format":"pickle","technique":"t1"}',
      '{"path":"b","label":"malicious","format":"pytorch-zip","technique":"t1"}',
      '{"path":"c","label":"benign","format":"pickle","technique":"t2"}',
      '{"path":"d","label":"benign","format":"onnx","technique":"t2"}',
    ].join('\n'),
  );
  it('counts suspicious as detected, error on benign as not read, and flags separately', () => {
    const j = judge(result([['a', 'suspicious'], ['b', 'clean'], ['c', 'error'], ['d', 'malicious'], ['e', 'clean']]), labels);
    expect(j.judged.map((x) => x.outcome)).toEqual(['detected', 'missed', 'not-read', 'flagged']);
    expect(j.total).toMatchObject({ malicious: 2, detected: 1, benign: 2, clean: 0, flagged: 1, notRead: 1 });
    expect(j.unlabelled).toBe(1);
    expect(j.allRight).toBe(false);
  });
  it('limits scoring to formats by prefix', () => {
    const only = parseLabels('{"path":"a","label":"malicious","format":"pickle"}\n{"path":"d","label":"benign","format":"onnx"}', ['pick']);
    expect(only.map((l) => l.path)).toEqual(['a']);
    expect(judge(result([['a', 'malicious'], ['d', 'clean']]), only).allRight).toBe(true);
  });
  it('counts a labelled file the scan did not see as wrong', () => {
    expect(judge(result([['a', 'malicious']]), labels).missingFiles).toEqual(['b', 'c', 'd']);
  });
});
