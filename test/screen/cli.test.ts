import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { buildModel } from './onnx-model.js';

const run = (...args: string[]) => runCli(args);

const SET = resolve('eval/backdoor');
const dir = mkdtempSync(join(tmpdir(), 'mg-screen-'));
const samples = ['--samples', join(SET, 'clean_samples.bin'), '--shape', '1,28,28'];
const labels = ['--labels', join(SET, 'clean_labels.bin')];
// Fewer samples and steps than the defaults, as in the eval test, to keep CI short.
const quick = ['--max-samples', '300', '--steps', '150', '--seed', '1'];

describe('modelgate screen', () => {
  it('flags a backdoored model (exit 1) with details, a STRIP confirmation and trigger PNGs', () => {
    const out = join(dir, 'm4.json');
    const r = run('screen', join(SET, 'm4.onnx'), ...samples, ...labels, ...quick, '--out-dir', join(dir, 'trig'), '-o', out);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    const report = JSON.parse(readFileSync(out, 'utf8'));
    expect(report.schema).toBe('modelgate/report@1');
    const [file] = report.files;
    expect(file).toMatchObject({ format: 'onnx', verdict: 'malicious', sha256: '0bea1d0753edd881f168ea3b7932754d420bc89af4b4a18bbc5393ba6b94b258' });
    const [finding] = file.findings;
    expect(finding).toMatchObject({ ruleId: 'backdoor/neural-cleanse', severity: 'high' });
    expect(Object.keys(finding)).toEqual(['ruleId', 'severity', 'message', 'target', 'evidence', 'references', 'details']);
    expect(finding.details).toMatchObject({ suspectedTarget: 3, flagged: [3], threshold: 2, classes: 10, samples: 300, seed: 1 });
    expect(finding.details.anomalyIndex).toBeGreaterThan(2);
    expect(finding.details.norms).toHaveLength(10);
    expect(finding.details.strip.confirmed).toBe(true);
    for (const name of ['label-3-mask.png', 'label-3-pattern.png', 'label-3-trigger.png']) {
      expect(readFileSync(join(dir, 'trig', name)).subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    }
    expect(finding.details.triggerFiles).toHaveLength(3);
  }, 300_000);

  it('leaves a clean model clean (exit 0) with an info finding that gives the norms', () => {
    const r = run('screen', join(SET, 'm3.onnx'), ...samples, ...labels, ...quick, '-f', 'json', '--out-dir', join(dir, 'none'));
    expect(r.status).toBe(0);
    const [file] = JSON.parse(r.stdout).files;
    expect(file.verdict).toBe('clean');
    expect(file.findings[0]).toMatchObject({ ruleId: 'backdoor/neural-cleanse', severity: 'info' });
    expect(file.findings[0].details.norms).toHaveLength(10);
    expect(file.findings[0].details.suspectedTarget).toBeUndefined();
    expect(existsSync(join(dir, 'none'))).toBe(false);
  }, 300_000);

  it('exits 2 on usage errors and on models it cannot screen', () => {
    expect(run('screen', join(SET, 'm4.onnx'), '--samples', join(SET, 'clean_samples.bin'), ...labels).status).toBe(2); // raw without --shape
    expect(run('screen', join(SET, 'm4.onnx'), ...samples).status).toBe(2); // no --labels
    expect(run('screen', join(SET, 'm4.onnx'), ...samples, ...labels, '--steps', 'many').status).toBe(2);
    expect(run('screen', join(SET, 'm4.onnx'), ...samples, '--shape', '1,14,56', ...labels).status).toBe(2); // shape mismatch is caught
    expect(run('screen', join(dir, 'missing.onnx'), ...samples, ...labels).status).toBe(2);
    const scalar = join(dir, 'scalar.onnx');
    writeFileSync(
      scalar,
      buildModel({
        inputs: [{ name: 'x', dims: ['N', 1, 28, 28] }],
        outputs: [{ name: 'y', dims: ['N', 1] }],
        nodes: [
          { op: 'GlobalAveragePool', inputs: ['x'], outputs: ['g'] },
          { op: 'Flatten', inputs: ['g'], outputs: ['y'] },
        ],
      }),
    );
    const r = run('screen', scalar, ...samples, ...labels);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/not class scores/);
    const erf = join(dir, 'erf.onnx');
    writeFileSync(
      erf,
      buildModel({
        inputs: [{ name: 'x', dims: ['N', 1, 28, 28] }],
        outputs: [{ name: 'y', dims: ['N', 784] }],
        nodes: [
          { op: 'Flatten', inputs: ['x'], outputs: ['f'] },
          { op: 'Erf', inputs: ['f'], outputs: ['y'] },
        ],
      }),
    );
    const e = run('screen', erf, ...samples, ...labels);
    expect(e.status).toBe(2);
    expect(e.stderr).toMatch(/does not support Erf/);
  }, 120_000);
});

describe('modelgate strip', () => {
  // 100 clean inputs (samples 400-499), then the non-target ones among them stamped with m4's
  // true trigger (4×4 white, top-left; target 3).
  const pixels = readFileSync(join(SET, 'clean_samples.bin'));
  const truth = readFileSync(join(SET, 'clean_labels.bin'));
  const inputs: number[] = [];
  const inputLabels: number[] = [];
  for (let i = 400; i < 500; i++) {
    inputs.push(...pixels.subarray(i * 784, (i + 1) * 784));
    inputLabels.push(0);
  }
  for (let i = 400; i < 500; i++) {
    if (truth[i] === 3) continue;
    inputs.push(...Array.from(pixels.subarray(i * 784, (i + 1) * 784), (v, p) => (p % 28 < 4 && p < 4 * 28 ? 255 : v)));
    inputLabels.push(1);
  }
  writeFileSync(join(dir, 'inputs.bin'), Uint8Array.from(inputs));
  writeFileSync(join(dir, 'input-labels.bin'), Uint8Array.from(inputLabels));
  // Samples 0-399 only, so no input is also a calibration image.
  writeFileSync(join(dir, 'clean.bin'), pixels.subarray(0, 400 * 784));

  it('reports stamped inputs with the measured FRR and FAR (exit 1)', () => {
    const r = run(
      'strip',
      join(SET, 'm4.onnx'),
      '--samples',
      join(dir, 'clean.bin'),
      '--shape',
      '1,28,28',
      '--inputs',
      join(dir, 'inputs.bin'),
      '--input-labels',
      join(dir, 'input-labels.bin'),
      '-f',
      'json',
    );
    expect(r.status).toBe(1);
    const [finding] = JSON.parse(r.stdout).files[0].findings;
    expect(finding).toMatchObject({ ruleId: 'backdoor/strip', severity: 'high' });
    const { measured, frr } = finding.details;
    expect(frr).toBe(0.01);
    expect(measured.clean).toBe(100);
    expect(measured.trojaned).toBe(inputLabels.filter((l) => l === 1).length);
    expect(measured.far).toBeLessThan(0.05);
    expect(measured.frr).toBeLessThan(0.1);
    expect(finding.message).toMatch(/measured FRR .* FAR/);
  }, 120_000);

  it('exits 0 when no input looks trojaned, and 2 on usage errors', () => {
    writeFileSync(join(dir, 'clean-inputs.bin'), pixels.subarray(400 * 784, 420 * 784));
    const r = run(
      'strip',
      join(SET, 'm1.onnx'),
      '--samples',
      join(dir, 'clean.bin'),
      '--shape',
      '1,28,28',
      '--inputs',
      join(dir, 'clean-inputs.bin'),
      '--frr',
      '0.001',
      '-f',
      'json',
    );
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).files[0].findings[0].severity).toBe('info');
    expect(
      run('strip', join(SET, 'm1.onnx'), '--samples', join(dir, 'clean.bin'), '--shape', '1,28,28', '--inputs', join(dir, 'inputs.bin'), '--frr', '2').status,
    ).toBe(2);
    expect(run('strip', join(SET, 'm1.onnx'), '--samples', join(dir, 'clean.bin'), '--inputs', join(dir, 'inputs.bin')).status).toBe(2);
  }, 120_000);
});
