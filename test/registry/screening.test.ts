import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSubmission, finishUpload, uploadFile, versionReport, versionView } from '../../src/app/registry/index.js';
import { chunks, DATABASES, PEOPLE, testRegistry, until, type TestRegistry } from '../helpers/registry.js';

const SET = resolve('eval/backdoor');

describe.each(DATABASES)('backdoor screening in the pipeline on %s', (kind) => {
  let t: TestRegistry;
  beforeAll(async () => {
    // Fewer samples and steps than the defaults, as in test/screen/cli.test.ts, to keep CI short.
    t = await testRegistry(kind, {
      screening: { samples: `${SET}/clean_samples.bin`, labels: `${SET}/clean_labels.bin`, shape: '1,28,28', maxSamples: 300, steps: 150, seed: 1 },
    });
  });
  afterAll(async () => t?.close());

  it('screens an ONNX classifier after its scan: a suspected trigger is a finding the policy judges (the default rejects it)', async () => {
    const ctx = t.registry.ctx;
    const v = await createSubmission(ctx, PEOPLE.alice, { model: 'acme/digits', source: { kind: 'upload' } });
    await uploadFile(ctx, PEOPLE.alice, v.id, 'model.onnx', chunks(readFileSync(`${SET}/m4.onnx`)));
    await uploadFile(ctx, PEOPLE.alice, v.id, 'README.md', chunks('# digits\n'));
    await finishUpload(ctx, PEOPLE.alice, v.id);
    expect(await until(t.registry, v.id, ['review', 'rejected'], 300_000)).toBe('rejected');
    const view = await versionView(ctx, v.id);
    expect(view.transitions.map((x) => x.to_state)).toEqual(['receiving', 'submitted', 'scanning', 'screening', 'rejected']);
    expect(view.risk).toBe('high');
    expect(view.state_reason).toMatch(/model\.onnx: backdoor\/neural-cleanse high/);
    const report = JSON.parse(await versionReport(ctx, v.id));
    const onnx = report.files.find((f: { path: string }) => f.path === 'model.onnx');
    expect(onnx.findings.map((f: { ruleId: string }) => f.ruleId)).toContain('backdoor/neural-cleanse');
    expect(onnx.verdict).toBe('malicious');
    expect(report.decision.allow).toBe(false);
  }, 300_000);
});
