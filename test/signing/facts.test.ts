import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { signatureFacts } from '../../src/app/signing/facts.js';
import { copyVector, KEYS, SIGSTORE_IDENTITY, SIGSTORE_ISSUER, VECTORS } from './vectors.js';

const root = mkdtempSync(join(tmpdir(), 'mg-facts-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const FP = 'c1e49d63327f85c7e2971aefd30b5a0d1c6b9b5e1a892e7f5fba995adace816d';

describe('signatureFacts (the policy hook)', () => {
  it('no model.sig: not checked', async () => {
    const dir = mkdtempSync(join(root, 'none-'));
    writeFileSync(join(dir, 'a.bin'), 'a');
    expect(await signatureFacts(dir)).toMatchObject({ checked: false, verified: false, error: expect.stringMatching(/no signature/) });
  });

  it('a keyless signature reports the certificate identity and issuer', async () => {
    expect(await signatureFacts(join(VECTORS, 'v1.1.0-sigstore'))).toEqual({
      checked: true,
      verified: true,
      identity: SIGSTORE_IDENTITY,
      issuer: SIGSTORE_ISSUER,
    });
  });

  it('a keyless signature over changed files does not verify, and says which', async () => {
    const dir = copyVector('v1.0.0-sigstore', mkdtempSync(join(root, 'ks-')));
    writeFileSync(join(dir, 'signme-1'), 'changed');
    expect(await signatureFacts(dir)).toMatchObject({ checked: true, verified: false, error: 'signme-1: contents differ from the signed digest' });
  });

  it('a key signature: verified with a given public key, or with an embedded key only when the policy pins it', async () => {
    expect(await signatureFacts(join(VECTORS, 'v1.1.0-elliptic-key'), { publicKeys: [join(KEYS, 'signing-key-pub.pem')] })).toEqual({
      checked: true,
      verified: true,
      keyFingerprint: FP,
    });
    // v1.1 bundles name the key by a hint only: without the key it cannot verify.
    expect(await signatureFacts(join(VECTORS, 'v1.1.0-elliptic-key'), { signers: [{ key: FP }] })).toMatchObject({ checked: true, verified: false });
    // v1.0.1 bundles embed the key: trusted when the policy lists its fingerprint, not otherwise.
    const v101 = join(VECTORS, 'v1.0.1-elliptic-key');
    expect(await signatureFacts(v101, { signers: [{ key: FP.toUpperCase() }], ignorePaths: ['ignore-me'] })).toEqual({
      checked: true,
      verified: true,
      keyFingerprint: FP,
    });
    expect(await signatureFacts(v101, { signers: [{ key: 'ab'.repeat(32) }], ignorePaths: ['ignore-me'] })).toMatchObject({
      checked: true,
      verified: false,
      error: expect.stringMatching(/not given/),
    });
  });

  it('a certificate chain needs its root', async () => {
    const dir = join(VECTORS, 'v1.1.0-certificate');
    expect(await signatureFacts(dir)).toMatchObject({ checked: true, verified: false });
    expect(await signatureFacts(dir, { certificateChain: [join(KEYS, 'ca-cert.pem')] })).toEqual({ checked: true, verified: true, keyFingerprint: FP });
  });

  it('a malformed signature is checked and not verified', async () => {
    const dir = mkdtempSync(join(root, 'bad-'));
    writeFileSync(join(dir, 'a.bin'), 'a');
    writeFileSync(join(dir, 'model.sig'), '{not json');
    expect(await signatureFacts(dir)).toMatchObject({ checked: true, verified: false, error: expect.stringMatching(/not JSON/) });
  });
});
