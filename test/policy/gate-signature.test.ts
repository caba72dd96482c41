import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gateDecision } from '../../src/engine/gate.js';
import { scan } from '../../src/engine/scan.js';
import { parsePolicy } from '../../src/policy/index.js';
import { keyFingerprint, loadPublicKey } from '../../src/signing/keys.js';
import { signModel } from '../../src/signing/index.js';

/** A folder signed with a fresh P-256 key; returns its paths and the key's fingerprint. */
async function signedFolder(): Promise<{ dir: string; pub: string; fingerprint: string }> {
  const root = mkdtempSync(join(tmpdir(), 'mg-gate-sig-'));
  const dir = join(root, 'model');
  mkdirSync(dir);
  writeFileSync(join(dir, 'config.json'), '{"model_type": "bert"}');
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
    const wrongSigner = await gateDecision(await scan([dir]), dir, policyOf(`signature:\n  signers:\n    - key: "${other.fingerprint}"\n`), { publicKeys: [pub] });
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
