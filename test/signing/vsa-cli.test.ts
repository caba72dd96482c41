import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FileDigest } from '../../src/app/signing/digests.js';
import { signModelDigests } from '../../src/app/signing/sign-digests.js';
import { buildVsa, signVsa, type VsaInput } from '../../src/app/signing/vsa.js';
import { runCli } from '../helpers/cli.js';

const run = (...args: string[]) => runCli(args);
const sha256 = (bytes: string | Buffer): string => createHash('sha256').update(bytes).digest('hex');

const root = mkdtempSync(join(tmpdir(), 'mg-vsacli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const RESOURCE = 'https://registry.example/models/org/bert/versions/3';
const POLICY = sha256('policy');
const KEY = join(root, 'key.pem');
const PUB = join(root, 'pub.pem');
const OTHER_PUB = join(root, 'other.pem');

/** A model folder as the registry serves it, and the registry's record of its files (no git files). */
function model(): { dir: string; files: FileDigest[] } {
  const dir = mkdtempSync(join(root, 'model-'));
  mkdirSync(join(dir, 'tokenizer'));
  const contents: Record<string, string | Buffer> = { 'config.json': '{}', 'model.safetensors': Buffer.alloc(4096, 3), 'tokenizer/vocab.txt': 'a\nb\n' };
  for (const [path, bytes] of Object.entries(contents)) writeFileSync(join(dir, path), bytes);
  // Git's files beside the model are left out by --files, as by verify-signature.
  writeFileSync(join(dir, '.gitattributes'), '*.safetensors filter=lfs\n');
  return { dir, files: Object.entries(contents).map(([path, bytes]) => ({ path, sha256: sha256(bytes) })) };
}

/** The registry's evidence of an approval, written into the model folder: model.sig and a VSA envelope. */
function evidence(dir: string, files: FileDigest[], over: Partial<VsaInput> = {}): string {
  const key = readFileSync(KEY);
  // The envelope's name is an ignore path of the signature, so that verify-signature leaves it out too.
  const signature = signModelDigests(files, key, { modelName: 'org/bert@3', ignorePaths: ['model.vsa.json'] });
  writeFileSync(join(dir, 'model.sig'), JSON.stringify(signature.bundle));
  const vsa = buildVsa({
    files,
    verifierId: 'https://registry.example',
    resourceUri: RESOURCE,
    policy: { uri: 'https://registry.example/policy', digest: POLICY },
    verificationResult: 'PASSED',
    ...over,
  });
  const path = join(dir, 'model.vsa.json');
  writeFileSync(path, JSON.stringify(signVsa(vsa, key)));
  return path;
}

beforeAll(() => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  writeFileSync(KEY, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  writeFileSync(PUB, publicKey.export({ type: 'spki', format: 'pem' }));
  writeFileSync(OTHER_PUB, generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ type: 'spki', format: 'pem' }));
});

describe('modelgate verify-attestation', () => {
  it('exits 0 for the registry evidence, and verify-signature accepts its model.sig', () => {
    const { dir, files } = model();
    const env = evidence(dir, files);
    let out = run(
      'verify-attestation',
      env,
      '--key',
      PUB,
      '--files',
      dir,
      '--resource',
      RESOURCE,
      '--policy-digest',
      POLICY,
      '--verifier',
      'https://registry.example',
    );
    expect(out.status, out.stdout + out.stderr).toBe(0);
    expect(out.stdout).toMatch(/attestation verified, PASSED by https:\/\/registry\.example, 3 files match/);
    out = run('verify-attestation', env, '--key', PUB, '-f', 'json');
    expect(out.status).toBe(0);
    expect(JSON.parse(out.stdout)).toMatchObject({
      schema: 'modelgate/verify-attestation@1',
      ok: true,
      problems: [],
      statement: { predicate: { resourceUri: RESOURCE } },
    });
    out = run('verify-signature', dir, '--public-key', PUB);
    expect(out.status, out.stdout).toBe(0);
    expect(out.stdout).toMatch(/signature verified, 3 items match/);
  });

  it('exits 1 and names the file when a file is extra or changed', () => {
    const { dir, files } = model();
    const env = evidence(dir, files);
    writeFileSync(join(dir, 'extra.py'), 'import os');
    writeFileSync(join(dir, 'config.json'), '{"x": 1}');
    const out = run('verify-attestation', env, '--key', PUB, '--files', dir);
    expect(out.status).toBe(1);
    expect(out.stdout).toMatch(/config\.json: contents differ from the attested digest/);
    expect(out.stdout).toMatch(/extra\.py: not a subject of the attestation/);
    expect(run('verify-attestation', env, '--key', PUB, '--files', dir, '--ignore-paths', 'extra.py', 'config.json').status).toBe(0);
  });

  it('exits 1 for a FAILED result, another key, a tampered envelope, another resource', () => {
    const { dir, files } = model();
    const failed = evidence(dir, files, { verificationResult: 'FAILED' });
    let out = run('verify-attestation', failed, '--key', PUB);
    expect(out.status).toBe(1);
    expect(out.stdout).toMatch(/the verification result is FAILED/);
    const env = evidence(dir, files);
    out = run('verify-attestation', env, '--key', OTHER_PUB);
    expect(out.status).toBe(1);
    expect(out.stdout).toMatch(/signature does not verify/);
    expect(run('verify-attestation', env, '--key', PUB, '--resource', `${RESOURCE}/other`).status).toBe(1);
    expect(run('verify-attestation', env, '--key', PUB, '--policy-digest', sha256('other')).status).toBe(1);
    const envelope = JSON.parse(readFileSync(env, 'utf8')) as { payload: string };
    const statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString()) as { subject: Array<{ digest: { sha256: string } }> };
    statement.subject[0]!.digest.sha256 = sha256('other bytes');
    writeFileSync(env, JSON.stringify({ ...envelope, payload: Buffer.from(JSON.stringify(statement)).toString('base64') }));
    expect(run('verify-attestation', env, '--key', PUB).status).toBe(1);
    writeFileSync(env, 'not json');
    expect(run('verify-attestation', env, '--key', PUB).status).toBe(1);
  });

  it('exits 2 on usage and I/O errors', () => {
    const { dir, files } = model();
    const env = evidence(dir, files);
    expect(run('verify-attestation', env).status).toBe(2);
    expect(run('verify-attestation', join(root, 'none.json'), '--key', PUB).status).toBe(2);
    expect(run('verify-attestation', env, '--key', join(root, 'none.pem')).status).toBe(2);
    expect(run('verify-attestation', env, '--key', env).status).toBe(2);
    expect(run('verify-attestation', env, '--key', PUB, '--files', join(root, 'none')).status).toBe(2);
    expect(run('verify-attestation', env, '--key', PUB, '--ignore-paths', 'x').status).toBe(2);
    expect(run('verify-attestation', env, '--key', PUB, '--policy-digest', 'abc').status).toBe(2);
  });
});
