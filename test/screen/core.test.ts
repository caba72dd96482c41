import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/core/finding.js';
import type { ScanResult } from '../../src/core/report-types.js';
import { ALL_RULES } from '../../src/detectors/index.js';
import { renderHtml } from '../../src/report/html.js';
import { anomalyOf } from '../../src/app/screen/anomaly.js';
import { loadGraph } from '../../src/app/screen/interpreter/graph.js';
import { compileProgram } from '../../src/app/screen/interpreter/program.js';
import { floatValue } from '../../src/app/screen/interpreter/tensor.js';
import { encodePng } from '../../src/app/screen/png.js';
import { DEFAULT_REVERSE_OPTIONS, reverseTrigger } from '../../src/app/screen/reverse-trigger.js';
import { screenReport } from '../../src/app/screen/static-scan.js';
import { thresholdAt } from '../../src/app/screen/strip.js';

describe('the MAD anomaly index', () => {
  it('flags only small-side outliers, computed by hand', () => {
    // median 10; |x - 10| = 9,1,0,0,1,2,20 → MAD 1, × 1.4826.
    const a = anomalyOf([1, 9, 10, 10, 11, 12, 30]);
    expect(a.median).toBe(10);
    expect(a.mad).toBeCloseTo(1.4826, 6);
    expect(a.indices[0]).toBeCloseTo(9 / 1.4826, 6);
    expect(a.flagged).toEqual([0]); // 30 is as anomalous, but on the large side
  });
  it('flags nothing when all norms are equal', () => {
    expect(anomalyOf([5, 5, 5, 5]).flagged).toEqual([]);
  });
});

describe('reverse-engineering a trigger', () => {
  const program = compileProgram(loadGraph(readFileSync('eval/backdoor/m3.onnx')));
  const pixels = readFileSync('eval/backdoor/clean_samples.bin').subarray(0, 100 * 784);
  const images = floatValue(
    [100, 1, 28, 28],
    Float32Array.from(pixels, (v) => v / 255),
  );
  const pool = [...Array(100).keys()];
  const options = { ...DEFAULT_REVERSE_OPTIONS, steps: 20 };
  it('gives the same mask for the same seed and another for another seed', () => {
    const a = reverseTrigger(program, images, pool, 4, options);
    const b = reverseTrigger(program, images, pool, 4, options);
    const c = reverseTrigger(program, images, pool, 4, { ...options, seed: 2 });
    expect(Array.from(a.mask)).toEqual(Array.from(b.mask));
    expect(a.norm).toBe(b.norm);
    expect(Array.from(a.mask)).not.toEqual(Array.from(c.mask));
  });
});

describe('STRIP threshold', () => {
  it('rejects the requested fraction of clean entropies', () => {
    const clean = Array.from({ length: 100 }, (_, i) => i / 100);
    const t = thresholdAt(clean, 0.05);
    expect(clean.filter((e) => e < t)).toHaveLength(5);
  });
});

/** What the static scan of a clean one-byte file `path` gives. */
function scannedClean(path: string): ScanResult {
  return {
    schema: 'modelgate/report@1',
    tool: { name: 'modelgate', version: '0' },
    targets: [path],
    summary: { files: 1, malicious: 0, suspicious: 0, clean: 1, error: 0, maxSeverity: null, durationMs: 1 },
    findings: [],
    files: [{ path, format: 'onnx', size: 1, verdict: 'clean', findings: [] }],
  };
}

describe('the report', () => {
  const png = encodePng(Float32Array.of(0, 1, 0.5, 1), 1, 2, 2, 1);
  const finding: Finding = {
    ruleId: 'backdoor/neural-cleanse',
    severity: 'high',
    message: 'label 3',
    target: 'm.onnx',
    details: {
      images: [
        { caption: 'mask', src: `data:image/png;base64,${png.toString('base64')}` },
        { caption: 'remote', src: 'https://example.com/x.png' },
        { caption: 'svg', src: 'data:image/svg+xml;base64,PHN2Zz4=' },
      ],
    },
  };
  it('writes a valid PNG (signature, IHDR of the zoomed size)', () => {
    const big = encodePng(new Float32Array(4), 1, 2, 2, 8);
    expect(big.subarray(0, 8).toString('latin1')).toBe('\x89PNG\r\n\x1a\n');
    expect(big.subarray(12, 16).toString('latin1')).toBe('IHDR');
    expect([big.readUInt32BE(16), big.readUInt32BE(20)]).toEqual([16, 16]);
  });
  it('shows PNG data: URIs in the HTML report and drops every other image source', () => {
    const page = renderHtml(screenReport(scannedClean('m.onnx'), Buffer.from('x'), [finding], 1), ALL_RULES);
    expect(page.match(/<img /g)).toHaveLength(1);
    expect(page).toContain(`<img src="data:image/png;base64,${png.toString('base64')}" alt="mask">`);
    expect(page).not.toContain('example.com');
    expect(page).not.toContain('svg+xml');
    expect(page).toContain('img-src data:');
  });
  it('puts the file in the REPORT.md contract, verdict from the finding', () => {
    const report = screenReport(scannedClean('m.onnx'), Buffer.from('x'), [finding], 1);
    expect(report.summary).toMatchObject({ files: 1, malicious: 1, maxSeverity: 'high' });
    expect(report.files[0]).toMatchObject({ path: 'm.onnx', format: 'onnx', verdict: 'malicious', sha256Source: 'computed' });
  });
});
