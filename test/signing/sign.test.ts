import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { signModel, type SignOptions } from '../../src/app/signing/sign.js';
import { parseStatement } from '../../src/app/signing/statement.js';
import { verifyModelSignature, type TrustMethod } from '../../src/app/signing/verify.js';
import { KEYS, VECTORS } from './vectors.js';

const root = mkdtempSync(join(tmpdir(), 'mg-sign-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A small model folder: nested files, an empty file, git files and a file to ignore. */
function model(): string {
  const dir = mkdtempSync(join(root, 'model-'));
  mkdirSync(join(dir, 'sub', 'deep'), { recursive: true });
  mkdirSync(join(dir, '.git'));
  writeFileSync(join(dir, 'config.json'), '{"model_type": "bert"}');
  writeFileSync(join(dir, 'weights.bin'), Buffer.alloc(10_000, 7));
  writeFileSync(join(dir, 'sub', 'deep', 'vocab.txt'), 'a\nb\n');
  writeFileSync(join(dir, 'sub-file'), 'sorts after sub/ in the reference order');
  writeFileSync(join(dir, 'empty'), '');
  writeFileSync(join(dir, '.git', 'HEAD'), 'ref: refs/heads/main\n');
  writeFileSync(join(dir, '.gitattributes'), '*.bin filter=lfs\n');
  writeFileSync(join(dir, 'notes.md'), 'not part of the model');
  return dir;
}

const pem = (k: { export(o: { type: 'pkcs8' | 'spki'; format: 'pem' }): string | Buffer }, type: 'pkcs8' | 'spki'): Buffer =>
  Buffer.from(k.export({ type, format: 'pem' }));

const KEY_TYPES = [
  ['ECDSA P-256', () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' })],
  ['ECDSA P-384', () => generateKeyPairSync('ec', { namedCurve: 'secp384r1' })],
  ['Ed25519', () => generateKeyPairSync('ed25519')],
] as const;

async function signAndWrite(dir: string, options: Partial<SignOptions> & Pick<SignOptions, 'privateKey'>): Promise<string> {
  const signaturePath = join(dir, 'model.sig');
  const { bundle } = await signModel({ modelPath: dir, signaturePath, ignorePaths: ['notes.md'], ...options });
  writeFileSync(signaturePath, JSON.stringify(bundle));
  return signaturePath;
}

describe('sign → verify round trips', () => {
  it.each(KEY_TYPES)('%s key', async (_name, make) => {
    const { privateKey, publicKey } = make();
    const dir = model();
    const signaturePath = await signAndWrite(dir, { privateKey: pem(privateKey, 'pkcs8') });
    const trust: TrustMethod = { kind: 'key', publicKey: pem(publicKey, 'spki') };
    const ok = await verifyModelSignature({ modelPath: dir, signaturePath, trust });
    expect(ok.problems).toEqual([]);
    expect(ok.checked).toBe(5);
    writeFileSync(join(dir, 'sub', 'deep', 'vocab.txt'), 'a\nc\n');
    const bad = await verifyModelSignature({ modelPath: dir, signaturePath, trust });
    expect(bad.problems).toEqual(['sub/deep/vocab.txt: contents differ from the signed digest']);
  });

  it('certificate and chain (the vectors test PKI)', async () => {
    const dir = model();
    const signaturePath = await signAndWrite(dir, {
      privateKey: readFileSync(join(KEYS, 'signing-key.pem')),
      certificate: readFileSync(join(KEYS, 'signing-key-cert.pem')),
      certificateChain: [readFileSync(join(KEYS, 'int-ca-cert.pem'))],
    });
    const trust: TrustMethod = { kind: 'certificate', chain: [readFileSync(join(KEYS, 'ca-cert.pem'))] };
    const r = await verifyModelSignature({ modelPath: dir, signaturePath, trust });
    expect(r.problems).toEqual([]);
    expect(r.verified).toBe(true);
  });

  it('refuses a certificate that is not for the private key', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
    await expect(
      signModel({
        modelPath: model(),
        signaturePath: join(root, 'x.sig'),
        privateKey: pem(privateKey, 'pkcs8'),
        certificate: readFileSync(join(KEYS, 'signing-key-cert.pem')),
      }),
    ).rejects.toMatchObject({ code: 'USAGE' });
  });

  it('sharded hashing: shards named path:start:end, digests sha256-sharded-N, verified by shard', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const dir = model();
    const signaturePath = await signAndWrite(dir, { privateKey: pem(privateKey, 'pkcs8'), method: 'shards', shardSize: 4096 });
    const signed = parseStatement(Buffer.from(JSON.parse(readFileSync(signaturePath, 'utf8')).dsseEnvelope.payload, 'base64'));
    expect(signed.serialization).toMatchObject({ method: 'shards', shardSize: 4096 });
    // weights.bin (10 000 bytes) is three shards; the empty file has none, as in the reference.
    expect(signed.resources.filter((r) => r.name.startsWith('weights.bin')).map((r) => r.name)).toEqual([
      'weights.bin:0:4096',
      'weights.bin:4096:8192',
      'weights.bin:8192:10000',
    ]);
    expect(new Set(signed.resources.map((r) => r.algorithm))).toEqual(new Set(['sha256-sharded-4096']));
    const trust: TrustMethod = { kind: 'key', publicKey: pem(publicKey, 'spki') };
    expect((await verifyModelSignature({ modelPath: dir, signaturePath, trust })).verified).toBe(true);
    const bytes = readFileSync(join(dir, 'weights.bin'));
    bytes[9000]! ^= 1;
    writeFileSync(join(dir, 'weights.bin'), bytes);
    expect((await verifyModelSignature({ modelPath: dir, signaturePath, trust })).problems).toEqual(['weights.bin: contents differ from the signed digest']);
  });

  it('orders resources as the reference (path components), ignores git files, the signature and the given paths', async () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const dir = model();
    const { manifest } = await signModel({
      modelPath: dir,
      signaturePath: join(dir, 'model.sig'),
      privateKey: pem(privateKey, 'pkcs8'),
      ignorePaths: ['notes.md'],
    });
    expect(manifest.resources.map((r) => r.name)).toEqual(['config.json', 'empty', 'sub/deep/vocab.txt', 'sub-file', 'weights.bin']);
    expect(manifest.serialization.ignorePaths).toEqual(['.git', '.gitattributes', '.github', '.gitignore', 'model.sig', 'notes.md']);
  });

  it('a single file: its resource is "." and the subject is the file name', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
    const dir = model();
    const file = join(dir, 'weights.bin');
    const signaturePath = join(root, 'single.sig');
    const { bundle, manifest } = await signModel({ modelPath: file, signaturePath, privateKey: pem(privateKey, 'pkcs8') });
    expect(manifest.resources.map((r) => r.name)).toEqual(['.']);
    expect(manifest.modelName).toBe('weights.bin');
    writeFileSync(signaturePath, JSON.stringify(bundle));
    expect((await verifyModelSignature({ modelPath: file, signaturePath, trust: { kind: 'key', publicKey: pem(publicKey, 'spki') } })).verified).toBe(true);
  });

  it('refuses symbolic links in the model', async () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const dir = model();
    const { symlinkSync } = await import('node:fs');
    symlinkSync('config.json', join(dir, 'link.json'));
    await expect(signModel({ modelPath: dir, signaturePath: join(dir, 'model.sig'), privateKey: pem(privateKey, 'pkcs8') })).rejects.toMatchObject({
      code: 'UNSUPPORTED',
    });
  });
});

describe('bundle structure matches the reference v1.x vectors field by field', () => {
  /** The shape of a value: object keys (sorted) and the types of leaves, recursively; lists by their first item. */
  const shape = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.length === 0 ? [] : [shape(v[0])];
    if (v && typeof v === 'object')
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [k, shape((v as Record<string, unknown>)[k])]),
      );
    return typeof v;
  };
  const decode = (bundle: { dsseEnvelope: { payload: string } }): unknown => JSON.parse(Buffer.from(bundle.dsseEnvelope.payload, 'base64').toString('utf8'));

  it.each([
    ['v1.1.0-elliptic-key', false],
    ['v1.1.0-certificate', true],
  ])('%s', async (vector, withCertificate) => {
    const reference = JSON.parse(readFileSync(join(VECTORS, vector, 'model.sig'), 'utf8'));
    const dir = model();
    const { bundle } = await signModel({
      modelPath: dir,
      signaturePath: join(dir, 'model.sig'),
      privateKey: readFileSync(join(KEYS, 'signing-key.pem')),
      ...(withCertificate
        ? { certificate: readFileSync(join(KEYS, 'signing-key-cert.pem')), certificateChain: [readFileSync(join(KEYS, 'int-ca-cert.pem'))] }
        : {}),
    });
    const ours = JSON.parse(JSON.stringify(bundle));
    expect(shape(ours)).toEqual(shape(reference));
    expect(Object.keys(ours)).toEqual(Object.keys(reference));
    expect(ours.mediaType).toBe(reference.mediaType);
    expect(ours.dsseEnvelope.payloadType).toBe(reference.dsseEnvelope.payloadType);
    expect(ours.dsseEnvelope.signatures[0].keyid).toBe(reference.dsseEnvelope.signatures[0].keyid);
    const [o, r] = [decode(ours), decode(reference)] as [Record<string, unknown>, Record<string, unknown>];
    expect(shape(o)).toEqual(shape(r));
    expect(Object.keys(o)).toEqual(Object.keys(r));
    expect(o._type).toBe(r._type);
    expect(o.predicateType).toBe(r.predicateType);
    // Same key as the vector, so the same hint (and, with the certificate, the same chain).
    expect(ours.verificationMaterial).toEqual(reference.verificationMaterial);
  });
});
