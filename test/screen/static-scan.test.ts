import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NEURAL_CLEANSE } from '../../src/detectors/backdoor/index.js';
import { ruleFinding } from '../../src/detectors/finding.js';
import { onnxModel } from '../../src/formats/onnx/builder.js';
import { notRunReason, screenReport, staticScan } from '../../src/app/screen/static-scan.js';
import { buildModel } from './onnx-model.js';

const dir = mkdtempSync(join(tmpdir(), 'mg-static-'));

/** Writes `bytes` to `name` in the test folder and gives its path. */
function file(name: string, bytes: Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

const classifier = buildModel({
  inputs: [{ name: 'x', dims: ['N', 1, 2, 2] }],
  outputs: [{ name: 'y', dims: ['N', 4] }],
  nodes: [{ op: 'Flatten', inputs: ['x'], outputs: ['y'] }],
});
const backdoor = ruleFinding(NEURAL_CLEANSE, 'm.onnx', { message: 'label 3' });

describe('the static scan before screening', () => {
  it('puts the screening finding first, then the static findings, in one file result', async () => {
    const path = file('clean.onnx', classifier);
    const scanned = await staticScan(path);
    expect(notRunReason(scanned)).toBeUndefined();
    const report = screenReport(scanned, classifier, [backdoor], 5);
    const [result] = report.files;
    expect(result?.findings.map((f) => f.ruleId)).toEqual(['backdoor/neural-cleanse', 'onnx/model-info']);
    expect(result).toMatchObject({ path, format: 'onnx', size: classifier.length, verdict: 'malicious', sha256Source: 'computed' });
    expect(result?.sha256).toBe(scanned.files[0]?.sha256);
    expect(report.summary).toMatchObject({ files: 1, malicious: 1, clean: 0, maxSeverity: 'high', durationMs: 5 });
  });

  it('keeps a static finding in the verdict when screening finds nothing', async () => {
    // A custom operator in a model-local function the main graph never calls: medium, suspicious.
    const bytes = onnxModel({
      graph: { inputs: [{ name: 'x', dims: ['N', 4] }], outputs: [{ name: 'y', dims: ['N', 4] }], nodes: [{ opType: 'Relu', inputs: ['x'], outputs: ['y'] }] },
      functions: [{ name: 'F', domain: 'local', nodes: [{ opType: 'Payload', domain: 'evil.corp' }] }],
    });
    const scanned = await staticScan(file('suspicious.onnx', bytes));
    expect(notRunReason(scanned)).toBeUndefined();
    const report = screenReport(scanned, bytes, [ruleFinding(NEURAL_CLEANSE, 'm', { severity: 'info', message: 'no label stands out' })], 1);
    expect(report.files[0]?.verdict).toBe('suspicious');
    expect(report.summary).toMatchObject({ suspicious: 1, maxSeverity: 'medium' });
  });

  it('does not run a model the static scan finds malicious or cannot read', async () => {
    const escaping = onnxModel({ graph: { initializers: [{ name: 'W', external: [['location', '../../etc/passwd']] }], nodes: [{ opType: 'Relu' }] } });
    const malicious = await staticScan(file('malicious.onnx', escaping));
    expect(notRunReason(malicious)).toMatch(/malicious/);
    expect(screenReport(malicious, escaping, [], 1).files[0]).toMatchObject({ verdict: 'malicious', findings: malicious.files[0]?.findings });
    const cut = classifier.subarray(0, classifier.length - 3);
    const broken = await staticScan(file('broken.onnx', cut));
    expect(notRunReason(broken)).toMatch(/could not read/);
    expect(screenReport(broken, cut, [], 1).files[0]?.verdict).toBe('error');
  });

  it('scans the file a link points to, which is the file that is run', async () => {
    const target = file('target.onnx', classifier);
    const link = join(dir, 'link.onnx');
    symlinkSync(target, link);
    const scanned = await staticScan(link);
    expect(scanned.files[0]).toMatchObject({ format: 'onnx', path: target });
    expect(() => screenReport(scanned, readFileSync(link), [], 1)).not.toThrow();
  });

  it('refuses bytes that are not the file the static scan read', async () => {
    const scanned = await staticScan(file('changed.onnx', classifier));
    expect(() => screenReport(scanned, Buffer.concat([classifier, Buffer.from([0])]), [], 1)).toThrow(expect.objectContaining({ code: 'UNREADABLE' }));
  });

  it('throws UNREADABLE for a missing model', async () => {
    await expect(staticScan(join(dir, 'missing.onnx'))).rejects.toMatchObject({ code: 'UNREADABLE' });
  });
});
