import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decide, loadPolicy, policyJsonSchema, PolicySchema } from '../../src/app/policy/index.js';
import { expectGolden } from '../helpers/golden.js';
import { file, finding, hub, safetensorsRepo, scanResult } from './scan-result.js';

const EXAMPLE = resolve('examples/policy-production.yaml');
const TODAY = new Date('2026-06-01T12:00:00Z');

describe('examples/policy-production.yaml', () => {
  const loaded = loadPolicy({ file: EXAMPLE, env: {}, today: TODAY });

  it('loads without warnings', () => {
    expect(loaded?.path).toBe(EXAMPLE);
    expect(loaded?.warnings).toEqual([]);
    expect(loaded?.policy).toMatchObject({ maxSeverity: 'low', remoteCode: 'deny', formats: { allow: ['safetensors'] }, requirePinnedRevision: true });
  });

  it.each([
    ['a pinned safetensors repo', scanResult({ source: hub('meta-llama/Llama-2-7b-hf'), files: safetensorsRepo() }), true, []],
    ['a local safetensors folder (no revision to pin)', scanResult({ files: safetensorsRepo() }), true, ['requirePinnedRevision']],
    ['a repo read at main', scanResult({ source: hub('meta-llama/Llama-2-7b-hf', 'main'), files: safetensorsRepo() }), false, ['requirePinnedRevision']],
    [
      'a repo with a pickle beside its safetensors',
      scanResult({ source: hub('org/m'), files: [...safetensorsRepo(), file('pytorch_model.bin', 'pytorch-zip')] }),
      false,
      ['formats.allow'],
    ],
    [
      'a repo that needs trust_remote_code',
      scanResult({
        source: hub('org/m'),
        files: [
          ...safetensorsRepo(),
          file('config.json', 'hf-config', [finding('config.json', 'hfconfig/remote-code', 'low')]),
          file('modeling_m.py', 'python'),
        ],
      }),
      false,
      ['remoteCode'],
    ],
    [
      'a malicious pickle at a branch',
      scanResult({ source: hub('org/m', 'v1.0'), files: [file('model.bin', 'pickle', [finding('model.bin', 'pickle/dangerous-callable', 'critical')])] }),
      false,
      ['maxSeverity', 'formats.allow', 'requirePinnedRevision'],
    ],
  ] as const)('%s: allow is %s', (_name, result, allow, rules) => {
    const decision = decide(result, loaded!, {}, TODAY);
    expect(decision.allow).toBe(allow);
    expect(decision.reasons.map((r) => r.rule)).toEqual(rules);
    expect(decision.policy).toBe(EXAMPLE);
  });
});

describe('docs/policy.schema.json', () => {
  it('is the JSON Schema generated from the zod schema (UPDATE_GOLDEN=1 refreshes it)', () => {
    expectGolden(resolve('docs/policy.schema.json'), `${JSON.stringify(policyJsonSchema(), null, 2)}\n`);
  });
});

describe('docs/policy.md', () => {
  const doc = () => readFileSync('docs/policy.md', 'utf8');

  it('documents every key of the schema', () => {
    const keys = Object.keys(PolicySchema.shape);
    const missing = keys.filter((k) => !doc().includes(`\`${k}\``));
    expect(missing).toEqual([]);
  });

  it('shows the example policy as it is', () => {
    expect(doc()).toContain(readFileSync(EXAMPLE, 'utf8').trim());
  });
});

describe('docs/policy.schema.json with a JSON Schema validator', () => {
  it('accepts the example and rejects an unknown key', async () => {
    const { Ajv2020 } = await import('ajv/dist/2020.js');
    const { parse } = await import('yaml');
    const validate = new Ajv2020({ strict: false }).compile(JSON.parse(readFileSync('docs/policy.schema.json', 'utf8')));
    const example = parse(readFileSync(EXAMPLE, 'utf8')) as Record<string, unknown>;
    expect(validate(example), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...example, maxSeverty: 'high' })).toBe(false);
  });
});
