import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSubmission, finishUpload, loadRegistryConfig, uploadFile, versionReport, versionView } from '../../src/app/registry/index.js';
import { chunks, DATABASES, PEOPLE, testRegistry, until, type TestRegistry } from '../helpers/registry.js';

const dir = mkdtempSync(join(tmpdir(), 'mg-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('registry configuration', () => {
  it('reads the config file, then MODELGATE_* variables and DATABASE_URL over it, then flags over both', () => {
    const file = join(dir, 'registry.yaml');
    writeFileSync(
      file,
      'port: 9000\nhost: 0.0.0.0\ndataDir: /srv/a\nmaxFileBytes: 1000\nallowedPaths: [/srv/models]\nscreening:\n  samples: s.bin\n  labels: l.bin\n  shape: "1,28,28"\n',
    );
    const env = { MODELGATE_PORT: '9100', MODELGATE_DATA: '/srv/b', DATABASE_URL: 'postgres://u@h/db', MODELGATE_ALLOWED_PATHS: '/x:/y' };
    const config = loadRegistryConfig(file, env, { dataDir: '/srv/c', host: undefined });
    expect(config).toEqual({
      port: 9100,
      host: '0.0.0.0',
      dataDir: '/srv/c',
      maxFileBytes: 1000,
      allowedPaths: ['/x', '/y'],
      databaseUrl: 'postgres://u@h/db',
      screening: { samples: 's.bin', labels: 'l.bin', shape: '1,28,28' },
    });
  });

  it('refuses an unknown key, a bad value and a file that is not YAML, with USAGE', () => {
    const bad = (text: string) => {
      const file = join(dir, 'bad.yaml');
      writeFileSync(file, text);
      return () => loadRegistryConfig(file, {}, {});
    };
    expect(bad('prot: 1\n')).toThrow(expect.objectContaining({ code: 'USAGE' }));
    expect(bad('port: -1\n')).toThrow(expect.objectContaining({ code: 'USAGE' }));
    expect(bad('port: [\n')).toThrow(expect.objectContaining({ code: 'USAGE' }));
    expect(() => loadRegistryConfig(undefined, { MODELGATE_PORT: 'eighty' }, {})).toThrow(expect.objectContaining({ code: 'USAGE' }));
    expect(() => loadRegistryConfig(join(dir, 'missing.yaml'), {}, {})).toThrow(expect.objectContaining({ code: 'USAGE' }));
  });
});

describe.each(DATABASES)('policies of the registry on %s', (kind) => {
  let t: TestRegistry;
  beforeAll(async () => {
    // The enforced policy allows medium findings; the dry-run one (a stricter candidate) does not.
    writeFileSync(join(dir, `enforced-${kind}.yaml`), 'version: 1\nmaxSeverity: medium\nremoteCode: allow\n');
    writeFileSync(join(dir, `candidate-${kind}.yaml`), 'version: 1\nmaxSeverity: low\nremoteCode: deny\n');
    t = await testRegistry(kind, { policy: join(dir, `enforced-${kind}.yaml`), dryRunPolicy: join(dir, `candidate-${kind}.yaml`) });
  });
  afterAll(async () => t?.close());

  it('enforces the policy, records the dry-run policy’s decision without enforcing it, and names the policy digest', async () => {
    const ctx = t.registry.ctx;
    const v = await createSubmission(ctx, PEOPLE.alice, { model: 'acme/remote', source: { kind: 'upload' } });
    await uploadFile(ctx, PEOPLE.alice, v.id, 'config.json', chunks(JSON.stringify({ model_type: 'x', auto_map: { AutoModel: 'modeling_x.XModel' } })));
    await uploadFile(ctx, PEOPLE.alice, v.id, 'modeling_x.py', chunks('import torch\n\nclass XModel(torch.nn.Module):\n    pass\n'));
    await finishUpload(ctx, PEOPLE.alice, v.id);
    expect(await until(t.registry, v.id, ['review', 'rejected'])).toBe('review');
    const report = JSON.parse(await versionReport(ctx, v.id));
    expect(report.decision.allow).toBe(true);
    expect(report.dryRunDecision.allow).toBe(false);
    expect(report.dryRunDecision.reasons.map((r: { rule: string }) => r.rule)).toContain('remoteCode');
    expect((await versionView(ctx, v.id)).policy_digest).toMatch(/^[0-9a-f]{64}$/);
  });
});
