import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { copyVector, KEYS, SIGSTORE_IDENTITY, SIGSTORE_ISSUER, VECTORS } from './vectors.js';

const run = (...args: string[]) => runCli(args);

const root = mkdtempSync(join(tmpdir(), 'mg-signcli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('modelgate verify-signature', () => {
  it('exits 0 on each method with the README parameters', () => {
    let out = run('verify-signature', join(VECTORS, 'v1.1.0-elliptic-key'), '--public-key', join(KEYS, 'signing-key-pub.pem'), '--ignore-paths', 'ignore-me');
    expect(out.status, out.stderr).toBe(0);
    expect(out.stdout).toMatch(/signature verified, 2 items match, signed by key sha256:c1e49d63/);
    out = run(
      'verify-signature',
      join(VECTORS, 'v1.0.0-elliptic-key', 'signme-1'),
      '--signature',
      join(VECTORS, 'v1.0.0-elliptic-key', 'model.sig'),
      '--public-key',
      join(KEYS, 'signing-key-pub.pem'),
    );
    expect(out.status, out.stdout).toBe(0);
    out = run('verify-signature', join(VECTORS, 'v0.2.0-certificate'), '--certificate-chain', join(KEYS, 'ca-cert.pem'));
    expect(out.status, out.stdout).toBe(0);
    out = run('verify-signature', join(VECTORS, 'v1.1.0-sigstore'), '--identity', SIGSTORE_IDENTITY, '--issuer', SIGSTORE_ISSUER, '-f', 'json');
    expect(out.status, out.stdout).toBe(0);
    expect(JSON.parse(out.stdout)).toMatchObject({ schema: 'modelgate/verify-signature@1', verified: true, signer: { identity: SIGSTORE_IDENTITY } });
  });

  it('exits 1 and names the file when a file changed', () => {
    const dir = copyVector('v1.1.0-certificate', root);
    writeFileSync(join(dir, 'signme-2'), 'signme-X');
    const out = run('verify-signature', dir, '--certificate-chain', join(KEYS, 'ca-cert.pem'));
    expect(out.status).toBe(1);
    expect(out.stdout).toMatch(/signme-2: contents differ from the signed digest/);
  });

  it('exits 2 on usage errors: no trust, two trusts, a missing signature, --issuer alone', () => {
    const dir = join(VECTORS, 'v1.1.0-certificate');
    expect(run('verify-signature', dir).status).toBe(2);
    expect(run('verify-signature', dir, '--public-key', join(KEYS, 'signing-key-pub.pem'), '--certificate-chain', join(KEYS, 'ca-cert.pem')).status).toBe(2);
    expect(run('verify-signature', dir, '--signature', join(root, 'nope.sig'), '--certificate-chain', join(KEYS, 'ca-cert.pem')).status).toBe(2);
    expect(run('verify-signature', dir, '--issuer', SIGSTORE_ISSUER).status).toBe(2);
    expect(run('verify-signature', dir, '--public-key', join(root, 'no-key.pem')).status).toBe(2);
  });
});

describe('modelgate sign', () => {
  it('signs with a key into model.sig and verifies; exits 2 without a key', () => {
    const dir = mkdtempSync(join(root, 'model-'));
    writeFileSync(join(dir, 'config.json'), '{}');
    writeFileSync(join(dir, 'model.safetensors'), Buffer.alloc(5000, 1));
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    writeFileSync(join(root, 'key.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
    writeFileSync(join(root, 'pub.pem'), publicKey.export({ type: 'spki', format: 'pem' }));
    let out = run('sign', dir, '--private-key', join(root, 'key.pem'), '--shard-size', '1024');
    expect(out.status, out.stderr).toBe(0);
    expect(out.stderr).toMatch(/signed 6 shards/);
    expect(existsSync(join(dir, 'model.sig'))).toBe(true);
    out = run('verify-signature', dir, '--public-key', join(root, 'pub.pem'));
    expect(out.status, out.stdout).toBe(0);
    expect(run('sign', dir).status).toBe(2);
    expect(run('sign', dir, '--private-key', join(root, 'key.pem'), '--shard-size', 'big').status).toBe(2);
  });

  it('signs with a certificate and chain, verified against the root', () => {
    const dir = mkdtempSync(join(root, 'model-'));
    writeFileSync(join(dir, 'weights.bin'), 'w');
    const sig = join(root, 'cert.sig');
    const out = run(
      'sign',
      dir,
      '--signature',
      sig,
      '--private-key',
      join(KEYS, 'signing-key.pem'),
      '--certificate',
      join(KEYS, 'signing-key-cert.pem'),
      '--certificate-chain',
      join(KEYS, 'int-ca-cert.pem'),
    );
    expect(out.status, out.stderr).toBe(0);
    expect(JSON.parse(readFileSync(sig, 'utf8')).verificationMaterial.x509CertificateChain.certificates).toHaveLength(2);
    expect(run('verify-signature', dir, '--signature', sig, '--certificate-chain', join(KEYS, 'ca-cert.pem')).status).toBe(0);
  });
});
