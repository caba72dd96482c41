import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bomForTarget } from '../../src/app/bom/collect.js';
import { scanHub } from '../../src/app/index.js';
import { buildSafetensors } from '../../src/formats/safetensors/builder.js';
import { sha256 } from '../helpers/fixture-hub.js';
import { HubProcess } from '../helpers/hub-process.js';
import { gateDecision } from '../../src/app/index.js';
import { scan } from '../../src/app/index.js';
import { parsePolicy } from '../../src/app/policy/index.js';
import { keyFingerprint, loadPublicKey } from '../../src/app/signing/keys.js';
import { signModel } from '../../src/app/signing/index.js';

/** A folder signed with a fresh P-256 key; returns its paths and the key's fingerprint. */
async function signedFolder(extra: Record<string, Buffer> = {}): Promise<{ dir: string; pub: string; fingerprint: string }> {
  const root = mkdtempSync(join(tmpdir(), 'mg-gate-sig-'));
  const dir = join(root, 'model');
  mkdirSync(dir);
  writeFileSync(join(dir, 'config.json'), '{"model_type": "bert"}');
  for (const [name, bytes] of Object.entries(extra)) writeFileSync(join(dir, name), bytes);
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const pub = join(root, 'pub.pem');
  writeFileSync(pub, publicKey.export({ type: 'spki', format: 'pem' }));
  const privatePem = Buffer.from(privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
  const { bundle } = await signModel({ modelPath: dir, signaturePath: join(dir, 'model.sig'), privateKey: privatePem });
  writeFileSync(join(dir, 'model.sig'), JSON.stringify(bundle));
  const fingerprint = keyFingerprint(loadPublicKey(Buffer.from(publicKey.export({ type: 'spki', format: 'pem' }) as string), 'test key'));
  return { dir, pub, fingerprint };
}

const policyOf = (yaml: string) => ({ ...parsePolicy(`version: 1\nmaxSeverity: critical\n${yaml}`, 'test'), path: 'test.yaml' });

describe('the policy gate and signatures (model.sig at the target root)', () => {
  it('allows a folder whose signature verifies with the given key, from a pinned signer', async () => {
    const { dir, pub, fingerprint } = await signedFolder();
    const result = await scan([dir]);
    const decision = await gateDecision(result, dir, policyOf(`signature:\n  signers:\n    - key: "${fingerprint}"\n`), { publicKeys: [pub] });
    expect(decision.allow, JSON.stringify(decision.reasons)).toBe(true);
  });

  it('denies when a signed file changed, when the signer is another, and when there is no signature', async () => {
    const { dir, pub, fingerprint } = await signedFolder();
    const other = await signedFolder();
    const wrongSigner = await gateDecision(await scan([dir]), dir, policyOf(`signature:\n  signers:\n    - key: "${other.fingerprint}"\n`), {
      publicKeys: [pub],
    });
    expect(wrongSigner.allow).toBe(false);
    writeFileSync(join(dir, 'config.json'), '{"model_type": "gpt2"}');
    const changed = await gateDecision(await scan([dir]), dir, policyOf(`signature:\n  signers:\n    - key: "${fingerprint}"\n`), { publicKeys: [pub] });
    expect(changed.allow).toBe(false);
    expect(changed.reasons.map((r) => r.message).join(' ')).toMatch(/config\.json/);
    const bare = mkdtempSync(join(tmpdir(), 'mg-gate-nosig-'));
    writeFileSync(join(bare, 'config.json'), '{}');
    const none = await gateDecision(await scan([bare]), bare, policyOf('signature:\n  required: true\n'));
    expect(none.allow).toBe(false);
    expect(none.reasons.some((r) => r.rule.startsWith('signature'))).toBe(true);
  });
});

describe('the policy gate and the signature of an hf: repo', () => {
  let hub: HubProcess;
  const weights = buildSafetensors({ tensors: [{ name: 'w', dtype: 'F32', shape: [8, 8] }] });
  beforeAll(async () => {
    hub = await HubProcess.start();
  });
  afterAll(async () => {
    await hub.close();
  });

  it('verifies model.sig over a checkout of the repo at the scanned commit; corrupted bytes deny', async () => {
    const { dir, pub, fingerprint } = await signedFolder({ 'model.safetensors': weights });
    const files = ['config.json', 'model.safetensors', 'model.sig'].map((path) => ({ path, content: readFileSync(join(dir, path)) }));
    const commit = await hub.addSimpleRepo('acme/signed', files);
    await hub.addSimpleRepo(
      'acme/unsigned',
      files.filter((f) => f.path !== 'model.sig'),
    );
    const opts = (home: string) => ({ env: { HF_ENDPOINT: hub.url, HF_HOME: home }, transport: { backoffMs: 10 }, publicKeys: [pub] });
    const policy = policyOf(`signature:\n  signers:\n    - key: "${fingerprint}"\n`);
    const target = `hf:acme/signed@${commit}`;
    let home = mkdtempSync(join(tmpdir(), 'mg-gate-hub-'));
    const ok = await gateDecision(await scanHub(target, opts(home)), target, policy, opts(home));
    expect(ok.allow, JSON.stringify(ok.reasons)).toBe(true);
    home = mkdtempSync(join(tmpdir(), 'mg-gate-hub-'));
    const none = await gateDecision(await scanHub('hf:acme/unsigned', opts(home)), 'hf:acme/unsigned', policy, opts(home));
    expect(none.allow).toBe(false);
    expect(JSON.stringify(none.reasons)).toContain('model.sig');
    await hub.setFaults({ corrupt: new Set([sha256(weights)]) });
    home = mkdtempSync(join(tmpdir(), 'mg-gate-hub-'));
    const bad = await gateDecision(await scanHub(target, opts(home)), target, policy, opts(home));
    expect(bad.allow).toBe(false);
    expect(JSON.stringify(bad.reasons)).toContain('model.safetensors');
    await hub.setFaults({});
    // The BOM of the signed repo records the verified signature.
    home = mkdtempSync(join(tmpdir(), 'mg-gate-hub-'));
    const bom = (await bomForTarget(target, { hub: opts(home), signature: { publicKeys: [pub] } })) as {
      metadata: { component: { properties?: Array<{ name: string; value: string }> } };
    };
    const props = Object.fromEntries((bom.metadata.component.properties ?? []).map((p) => [p.name, p.value]));
    expect(props['modelgate:signature:verified']).toBe('true');
    expect(props['modelgate:signature:keyFingerprint']).toBe(`sha256:${fingerprint}`);
  });
});
